/**
 * Synthetic sherpa-onnx models ("sherpa tone models") and the audio they
 * decode, built from /work/shared/docs/sherpa-tone-model.md:
 * - offline: `OfflineRecognizer` + `modelConfig.tdnn` (MatMul -> Add -> LogSoftmax);
 * - streaming: `OnlineRecognizer` + `modelConfig.nemoCtc` (one Conv of stride 4, caches passed through).
 * Each token is a pure tone at the centre of one of sherpa's 80 mel bins, so the
 * real runtime decodes the tones deterministically. Audio that Silero VAD
 * segments (doc §6) mixes committed espeak-ng speech with the tones.
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { toneScript, ToneScript, ToneWord } from './toneAudio';

const NUM_BINS = 80;
const BLANK_BIAS = 10;
const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
const melInverse = (m: number): number => 700 * (Math.exp(m / 1127) - 1);
/** Centre of 0-based mel bin b of sherpa's front end (80 bins, 20 Hz to Nyquist - 400 at 16 kHz). */
export function sherpaBinCentre(bin: number): number {
  const lo = mel(20);
  const hi = mel(7600);
  return melInverse(lo + ((bin + 1) * (hi - lo)) / (NUM_BINS + 1));
}

/** Token id -> [symbol, mel bin]; id 0 is the CTC blank. */
const TOKENS: ReadonlyArray<readonly [string, number]> = [
  ['<blk>', -1],
  ['▁yes', 12],
  ['▁no', 18],
  ['▁open', 24],
  ['▁close', 30],
  ['▁file', 36],
  ['▁save', 42],
  ['▁run', 48],
  ['▁stop', 54],
  ['▁hel', 60],
  ['lo', 66],
];
const V = TOKENS.length;

/** Tone frequency per token symbol (without the blank). */
export const SHERPA_TONE_FREQS: Readonly<Record<string, number>> = Object.fromEntries(TOKENS.slice(1).map(([sym, bin]) => [sym, sherpaBinCentre(bin)]));
/** Word -> its tokens (tones, back to back). */
export const SHERPA_TONE_VOCABULARY: Readonly<Record<string, readonly string[]>> = {
  yes: ['▁yes'],
  no: ['▁no'],
  open: ['▁open'],
  close: ['▁close'],
  file: ['▁file'],
  save: ['▁save'],
  run: ['▁run'],
  stop: ['▁stop'],
  hello: ['▁hel', 'lo'],
};
export const SHERPA_TONE_SECONDS = 0.2;

/** Tone audio for the sherpa tone models: items are words or seconds of digital silence (doc §5). */
export function sherpaToneScript(items: ReadonlyArray<string | number>, opts: { sampleRate?: number } = {}): ToneScript {
  return toneScript(items, { sampleRate: opts.sampleRate, vocabulary: SHERPA_TONE_VOCABULARY, frequencies: SHERPA_TONE_FREQS, toneDuration: SHERPA_TONE_SECONDS });
}

// ---------------------------------------------------------------------------
// ONNX building blocks (doc §8)

const DT = onnx.TensorProto.DataType;
const ATTR = onnx.AttributeProto.AttributeType;
const f32 = (name: string, dims: number[], a: Float32Array): onnx.ITensorProto => ({ name, dims, dataType: DT.FLOAT, rawData: new Uint8Array(a.buffer) });
const i64 = (name: string, value: bigint): onnx.ITensorProto => ({ name, dims: [], dataType: DT.INT64, rawData: new Uint8Array(BigInt64Array.from([value]).buffer) });
const vi = (name: string, elemType: number, dims: Array<number | string>): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

/** The per-frame affine layer: W [80, V] row-major, B [V] (doc §1). */
function weights(featureDim: number): { W: Float32Array; B: Float32Array } {
  const W = new Float32Array(featureDim * V);
  const B = new Float32Array(V);
  B[0] = BLANK_BIAS;
  TOKENS.forEach(([, bin], k) => {
    if (k === 0) return;
    for (let i = 0; i < featureDim; i++) W[i * V + k] = -1 / featureDim + (i === bin ? 1 : 0);
  });
  return { W, B };
}

/**
 * The decode-cost knob: a side branch of `layers` wide MatMuls (one shared
 * [W, W] weight, Tanh between, so values stay finite) over the frames
 * [N, T, 80], reduced to one number and multiplied by zero before it is added
 * to the logits. ONNX Runtime cannot fold it away (it depends on the input),
 * so decoding costs in proportion to `layers` while the output is unchanged.
 */
export const COST_WIDTH = 1024;
function costBranch(frames: string, layers: number): { nodes: onnx.INodeProto[]; initializers: onnx.ITensorProto[]; out: string } {
  if (layers <= 0) return { nodes: [], initializers: [], out: '' };
  // A fixed pseudo-random fill: the numbers do not matter, only that the work is real.
  let seed = 12345;
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * scale);
  const nodes: onnx.INodeProto[] = [
    { opType: 'MatMul', input: [frames, 'cost_in'], output: ['cost_0m'] },
    { opType: 'Tanh', input: ['cost_0m'], output: ['cost_0'] },
  ];
  for (let l = 1; l <= layers; l++) {
    nodes.push({ opType: 'MatMul', input: [`cost_${l - 1}`, 'cost_w'], output: [`cost_${l}m`] }, { opType: 'Tanh', input: [`cost_${l}m`], output: [`cost_${l}`] });
  }
  nodes.push(
    { opType: 'ReduceMean', input: [`cost_${layers}`], output: ['cost_mean'] },
    { opType: 'Mul', input: ['cost_mean', 'cost_zero'], output: ['cost_out'] },
  );
  return {
    nodes,
    initializers: [
      f32('cost_in', [NUM_BINS, COST_WIDTH], fill(NUM_BINS * COST_WIDTH, 0.1)),
      f32('cost_w', [COST_WIDTH, COST_WIDTH], fill(COST_WIDTH * COST_WIDTH, 4 / Math.sqrt(COST_WIDTH))),
      f32('cost_zero', [], new Float32Array([0])),
    ],
    out: 'cost_out',
  };
}

function encode(graph: onnx.IGraphProto, metadata: Record<string, string>): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'voxnote-sherpa-tone-model',
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`sherpa tone model: ${problem}`);
  return onnx.ModelProto.encode(model).finish();
}

/** Offline TDNN CTC: x [N, T, featureDim] -> log_probs [N, T, V] (doc §3). */
export function offlineModelBytes(opts: { metadata?: Record<string, string>; featureDim?: number; costLayers?: number } = {}): Uint8Array {
  const featureDim = opts.featureDim ?? NUM_BINS;
  const { W, B } = weights(featureDim);
  const cost = costBranch('x', opts.costLayers ?? 0);
  return encode(
    {
      name: 'tone_tdnn',
      node: [
        { opType: 'MatMul', input: ['x', 'W'], output: ['xw'] },
        { opType: 'Add', input: ['xw', 'B'], output: [cost.out ? 'biased' : 'logits'] },
        ...cost.nodes,
        ...(cost.out ? [{ opType: 'Add', input: ['biased', cost.out], output: ['logits'] }] : []),
        { opType: 'LogSoftmax', input: ['logits'], output: ['log_probs'], attribute: [{ name: 'axis', type: ATTR.INT, i: -1 }] },
      ],
      initializer: [f32('W', [featureDim, V], W), f32('B', [V], B), ...cost.initializers],
      input: [vi('x', DT.FLOAT, ['N', 'T', featureDim])],
      output: [vi('log_probs', DT.FLOAT, ['N', 'T', V])],
    },
    opts.metadata ?? { vocab_size: String(V), model_type: 'tdnn' },
  );
}

export const STREAMING_METADATA: Readonly<Record<string, string>> = {
  window_size: '8',
  chunk_shift: '8',
  subsampling_factor: '4',
  vocab_size: String(V - 1),
  cache_last_channel_dim1: '1',
  cache_last_channel_dim2: '1',
  cache_last_channel_dim3: '1',
  cache_last_time_dim1: '1',
  cache_last_time_dim2: '1',
  cache_last_time_dim3: '1',
  model_type: 'EncDecCTCModelBPE',
};

/** Streaming NeMo cache-aware CTC: Conv(kernel 4, stride 4) over [N, 80, T], caches passed through (doc §4). */
export function streamingModelBytes(opts: { metadata?: Record<string, string>; costLayers?: number } = {}): Uint8Array {
  const { W, B } = weights(NUM_BINS);
  const cost = costBranch('frames', opts.costLayers ?? 0);
  const Wc = new Float32Array(V * NUM_BINS * 4);
  for (let k = 0; k < V; k++) for (let i = 0; i < NUM_BINS; i++) for (let j = 0; j < 4; j++) Wc[(k * NUM_BINS + i) * 4 + j] = W[i * V + k] / 4;
  const cache = (name: string) => vi(name, DT.FLOAT, ['N', 1, 1, 1]);
  return encode(
    {
      name: 'tone_nemo_ctc',
      node: [
        {
          opType: 'Conv',
          input: ['audio_signal', 'Wc', 'Bc'],
          output: ['conv'],
          attribute: [
            { name: 'kernel_shape', type: ATTR.INTS, ints: [4] },
            { name: 'strides', type: ATTR.INTS, ints: [4] },
          ],
        },
        { opType: 'Transpose', input: ['conv'], output: [cost.out ? 'convT' : 'logits'], attribute: [{ name: 'perm', type: ATTR.INTS, ints: [0, 2, 1] }] },
        ...(cost.out
          ? [
              { opType: 'Transpose', input: ['audio_signal'], output: ['frames'], attribute: [{ name: 'perm', type: ATTR.INTS, ints: [0, 2, 1] }] },
              ...cost.nodes,
              { opType: 'Add', input: ['convT', cost.out], output: ['logits'] },
            ]
          : []),
        { opType: 'LogSoftmax', input: ['logits'], output: ['log_probs'], attribute: [{ name: 'axis', type: ATTR.INT, i: -1 }] },
        { opType: 'Div', input: ['length', 'four'], output: ['encoded_len'] },
        { opType: 'Identity', input: ['cache_last_channel'], output: ['cache_last_channel_next'] },
        { opType: 'Identity', input: ['cache_last_time'], output: ['cache_last_time_next'] },
        { opType: 'Identity', input: ['cache_last_channel_len'], output: ['cache_last_channel_len_next'] },
      ],
      initializer: [f32('Wc', [V, NUM_BINS, 4], Wc), f32('Bc', [V], B), i64('four', 4n), ...cost.initializers],
      input: [
        vi('audio_signal', DT.FLOAT, ['N', NUM_BINS, 'T']),
        vi('length', DT.INT64, ['N']),
        cache('cache_last_channel'),
        cache('cache_last_time'),
        vi('cache_last_channel_len', DT.INT64, ['N']),
      ],
      output: [
        vi('log_probs', DT.FLOAT, ['N', 'T4', V]),
        vi('encoded_len', DT.INT64, ['N']),
        cache('cache_last_channel_next'),
        cache('cache_last_time_next'),
        vi('cache_last_channel_len_next', DT.INT64, ['N']),
      ],
    },
    opts.metadata ?? { ...STREAMING_METADATA },
  );
}

const tokensTxt = (names: Readonly<Record<string, string>> = {}) => TOKENS.map(([sym], id) => `${names[sym] ?? sym} ${id}`).join('\n') + '\n';
export const TOKENS_TXT = tokensTxt();

/**
 * Another word table for the same tones: a model built with it decodes the
 * same audio to other words ("yes no" → "oui non", "hello" → "bonjour"), so a
 * test can tell which of two models produced a text (two-pass recognition).
 */
export const FRENCH_TOKENS: Readonly<Record<string, string>> = {
  '▁yes': '▁oui',
  '▁no': '▁non',
  '▁open': '▁ouvrir',
  '▁close': '▁fermer',
  '▁file': '▁fichier',
  '▁save': '▁sauver',
  '▁run': '▁courir',
  '▁stop': '▁arret',
  '▁hel': '▁bon',
  lo: 'jour',
};
/** A text of the default table in `names` (FRENCH_TOKENS): what a model built with it decodes from the same tones. */
export function retoken(text: string, names: Readonly<Record<string, string>>): string {
  return text
    .split(' ')
    .map((word) => (SHERPA_TONE_VOCABULARY[word] ?? [word]).map((t) => (names[t] ?? t).replace('▁', '')).join(''))
    .join(' ');
}

export type SherpaToneKind = 'offline' | 'streaming';

export interface BuildOptions {
  /** Write voxnote-model.json (default true); false leaves a folder in an official release layout. */
  manifest?: boolean;
  /** Add a Silero VAD model (offline only; default true there). */
  vad?: boolean;
  /** Side-branch MatMul layers that cost decode time and change nothing (costCalibration's sherpaCostLayers picks them for a target cost). */
  costLayers?: number;
  /** Extra metadata for the offline model (e.g. a Whisper-like segment limit). */
  metadata?: Record<string, string>;
  /** Other names for the tokens (FRENCH_TOKENS): the same tones decode to other words. */
  tokenNames?: Readonly<Record<string, string>>;
}

/** The repository: the nearest folder up with a package.json (this file also runs bundled, from dist/). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

/** The Silero VAD v5 model the extension ships (models/vad/README.md says where it comes from). */
export const SILERO_VAD = path.join(repoRoot(), 'models', 'vad', 'silero_vad_v5.onnx');

/** Writes a sherpa tone model folder: model.onnx, tokens.txt, voxnote-model.json and, offline, silero_vad.onnx. */
export function buildSherpaToneModel(dir: string, kind: SherpaToneKind, opts: BuildOptions = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const costLayers = opts.costLayers;
  fs.writeFileSync(
    path.join(dir, 'model.onnx'),
    kind === 'offline'
      ? offlineModelBytes({ costLayers, metadata: opts.metadata && { vocab_size: String(V), model_type: 'tdnn', ...opts.metadata } })
      : streamingModelBytes({ costLayers }),
  );
  fs.writeFileSync(path.join(dir, 'tokens.txt'), tokensTxt(opts.tokenNames));
  const vad = kind === 'offline' && opts.vad !== false;
  if (vad) fs.copyFileSync(SILERO_VAD, path.join(dir, 'silero_vad.onnx'));
  if (opts.manifest !== false) {
    const manifest = {
      engine: 'sherpa',
      streaming: kind === 'streaming',
      kind: kind === 'offline' ? 'tdnn' : 'nemoCtc',
      files: { model: 'model.onnx' },
      tokens: 'tokens.txt',
      ...(vad ? { vad: 'silero_vad.onnx' } : {}),
      language: 'tones',
    };
    fs.writeFileSync(path.join(dir, 'voxnote-model.json'), JSON.stringify(manifest, null, 2) + '\n');
  }
  return dir;
}

// ---------------------------------------------------------------------------
// Audio that Silero VAD segments (doc §6)

const FIXTURES = path.join(repoRoot(), 'test', 'fixtures');

/** espeak-ng "hello world", trimmed, peak 0.8 (test/fixtures/README.md says how it was made). */
export function speechSegment(sampleRate: 16000 | 48000): Float32Array {
  // sox wrote a canonical mono s16 WAV: the samples are the 'data' chunk.
  const wav = fs.readFileSync(path.join(FIXTURES, `speech-hello-world-${sampleRate / 1000}k.wav`));
  if (wav.readUInt32LE(24) !== sampleRate || wav.readUInt16LE(22) !== 1) throw new Error('unexpected speech fixture format');
  const at = wav.indexOf('data', 12, 'latin1');
  const bytes = wav.readUInt32LE(at + 4);
  const out = new Float32Array(bytes / 2);
  for (let i = 0; i < out.length; i++) out[i] = wav.readInt16LE(at + 8 + 2 * i) / 32768;
  return out;
}

export interface VadScript extends ToneScript {
  /** Each utterance's span (speech start to speech end) and its words. */
  utterances: Array<{ start: number; end: number; text: string }>;
}

/**
 * Utterances of the form S T(w1) S T(w2) … S: speech (which the tone model
 * decodes as blank) keeps Silero VAD in speech, the 0.2 s tones in between are
 * too short to count as silence, so each utterance is one VAD segment that
 * decodes to exactly its words. `gap` seconds of digital silence between utterances.
 */
export function vadScript(utterances: ReadonlyArray<readonly string[]>, opts: { sampleRate?: 16000 | 48000; gap?: number; lead?: number } = {}): VadScript {
  const rate = opts.sampleRate ?? 16000;
  const speech = speechSegment(rate);
  const gap = opts.gap ?? 1.5;
  const parts: Float32Array[] = [];
  const words: ToneWord[] = [];
  const spans: VadScript['utterances'] = [];
  let pos = 0;
  const push = (a: Float32Array) => {
    parts.push(a);
    pos += a.length;
  };
  push(new Float32Array(Math.round((opts.lead ?? 1) * rate)));
  utterances.forEach((utterance, u) => {
    if (u > 0) push(new Float32Array(Math.round(gap * rate)));
    const start = pos / rate;
    push(speech);
    for (const word of utterance) {
      const tones = sherpaToneScript([word], { sampleRate: rate });
      words.push({ word, start: pos / rate, end: pos / rate + tones.duration });
      push(tones.samples);
      push(speech);
    }
    spans.push({ start, end: pos / rate, text: utterance.join(' ') });
  });
  push(new Float32Array(Math.round(gap * rate)));
  const samples = new Float32Array(pos);
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, sampleRate: rate, words, duration: pos / rate, utterances: spans };
}
