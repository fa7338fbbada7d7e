/**
 * Builder for the synthetic "tone model": a tiny but REAL Vosk (Kaldi nnet3)
 * model that libvosk loads and decodes deterministically.
 * Recipe and measured behaviour: /work/shared/docs/tone-model.md.
 *
 * Each word is a sequence of pure tones; each tone sits at the centre of one
 * mel filterbank bin, so a single affine layer over log-mel features separates
 * the tones from each other and from silence.
 *
 * No dependencies: node built-ins only.
 */
import * as fs from 'fs';
import * as path from 'path';

// ---------------------------------------------------------------------------
// Constants

export const TONE_NUM_MEL_BINS = 40;
export const TONE_LOW_FREQ = 20;
export const TONE_HIGH_FREQ = 8000;
export const TONE_SAMPLE_RATE = 16000;

export type ToneName = 'A' | 'B' | 'C' | 'D';
export const TONE_NAMES: readonly ToneName[] = ['A', 'B', 'C', 'D'];
/** Mel bin (0-based, of 40) whose centre each tone sits at. */
export const TONE_MEL_BINS: Readonly<Record<ToneName, number>> = { A: 8, B: 15, C: 22, D: 29 };

/** Kaldi's mel scale: 1127 ln(1 + f / 700). */
export function melScale(freq: number): number {
  return 1127 * Math.log(1 + freq / 700);
}
export function inverseMelScale(mel: number): number {
  return 700 * (Math.exp(mel / 1127) - 1);
}
/** Centre frequency (Hz) of 0-based mel bin `bin`, as Kaldi's MelBanks computes it. */
export function melBinCentre(
  bin: number,
  numBins = TONE_NUM_MEL_BINS,
  lowFreq = TONE_LOW_FREQ,
  highFreq = TONE_HIGH_FREQ,
): number {
  const lo = melScale(lowFreq);
  const hi = melScale(highFreq);
  const delta = (hi - lo) / (numBins + 1);
  return inverseMelScale(lo + (bin + 1) * delta);
}

/** Tone frequencies in Hz (about 544.2, 1203.9, 2213.5, 3758.4). */
export const TONE_FREQS: Readonly<Record<ToneName, number>> = {
  A: melBinCentre(TONE_MEL_BINS.A),
  B: melBinCentre(TONE_MEL_BINS.B),
  C: melBinCentre(TONE_MEL_BINS.C),
  D: melBinCentre(TONE_MEL_BINS.D),
};

/** Default vocabulary: word -> tone sequence. Word ids follow this order (1..7). */
export const TONE_VOCABULARY: Readonly<Record<string, readonly ToneName[]>> = {
  yes: ['A'],
  no: ['B'],
  open: ['A', 'C'],
  close: ['C', 'A'],
  file: ['B', 'D'],
  save: ['D', 'B'],
  run: ['C', 'D', 'A'],
};
export const TONE_WORDS: readonly string[] = Object.keys(TONE_VOCABULARY);

export interface ToneModelOptions {
  /** Adds --determinize-max-delay=10 --determinize-min-chunk-size=5 --frames-per-chunk=15. */
  fastPartials?: boolean;
  /** Side-branch layers that cost decode time and change nothing (costCalibration's voskCostLayers picks them for a target cost). */
  costLayers?: number;
}

/** Width of the cost branch's layers. */
const COST_WIDTH = 512;

// ---------------------------------------------------------------------------
// Phones / transition ids

const NUM_TONES = TONE_NAMES.length;
const NUM_PDFS = 1 + NUM_TONES; // pdf 0 = silence, pdf k = tone k
const NUM_PHONES = 1 + 4 * NUM_TONES; // SIL + T_B, T_E, T_I, T_S per tone
const SIL_PHONE = 1;
type Position = 'B' | 'E' | 'I' | 'S';
const POSITIONS: readonly Position[] = ['B', 'E', 'I', 'S'];
const BOUNDARY: Record<Position, string> = { B: 'begin', E: 'end', I: 'internal', S: 'singleton' };

function phoneId(tone: number, pos: Position): number {
  return 2 + 4 * tone + POSITIONS.indexOf(pos);
}
function phonePdf(phone: number): number {
  return phone === SIL_PHONE ? 0 : 1 + Math.floor((phone - 2) / 4);
}
function phoneBoundary(phone: number): string {
  return phone === SIL_PHONE ? 'nonword' : BOUNDARY[POSITIONS[(phone - 2) % 4]];
}
const loopTid = (phone: number): number => 2 * phone - 1;
const exitTid = (phone: number): number => 2 * phone;
const NUM_TIDS = 2 * NUM_PHONES;

function wordPhones(tones: readonly ToneName[]): number[] {
  const idx = tones.map((t) => TONE_NAMES.indexOf(t));
  if (idx.length === 1) return [phoneId(idx[0], 'S')];
  return idx.map((t, i) => phoneId(t, i === 0 ? 'B' : i === idx.length - 1 ? 'E' : 'I'));
}

// ---------------------------------------------------------------------------
// Internal (variant) options, used by MODEL_FAULTS

interface MdlVariant {
  /** Swap two triples so they are no longer sorted by phone. */
  unsortedTriples?: boolean;
  /** nnet input dim (features are 40-dim). */
  inputDim?: number;
  /** nnet output dim (default = number of pdfs, 5). */
  outputDim?: number;
  costLayers?: number;
}
interface GraphVariant {
  /** Put a transition id beyond the last one on the silence self-loop. */
  badIlabel?: boolean;
  /** Make one arc point to a state that does not exist. */
  badNextstate?: boolean;
  /** Start state written into the header. */
  start?: number;
  /** Corrupt the OpenFst magic number. */
  badMagic?: boolean;
}

// ---------------------------------------------------------------------------
// File contents

function modelConf(opts: ToneModelOptions, extra: string[] = []): string {
  const lines = [
    '--min-active=200',
    '--max-active=3000',
    '--beam=10.0',
    '--lattice-beam=4.0',
    '--acoustic-scale=1.0',
    '--frame-subsampling-factor=3',
    '--endpoint.silence-phones=1',
    '--endpoint.rule2.min-trailing-silence=0.5',
    '--endpoint.rule3.min-trailing-silence=1.0',
    '--endpoint.rule4.min-trailing-silence=2.0',
  ];
  if (opts.fastPartials) {
    lines.push('--determinize-max-delay=10', '--determinize-min-chunk-size=5', '--frames-per-chunk=15');
  }
  return [...lines, ...extra].join('\n') + '\n';
}

function fbankConf(): string {
  return (
    [
      `--sample-frequency=${TONE_SAMPLE_RATE}`,
      `--num-mel-bins=${TONE_NUM_MEL_BINS}`,
      `--low-freq=${TONE_LOW_FREQ}`,
      `--high-freq=${TONE_HIGH_FREQ}`,
      '--dither=0',
      '--use-energy=false',
    ].join('\n') + '\n'
  );
}

/** Kaldi-safe number text: must start with a digit or '-', no exponent. */
function num(x: number): string {
  if (Object.is(x, -0) || x === 0) return '0';
  let s = x.toFixed(8).replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s;
}

function finalMdl(v: MdlVariant = {}): string {
  const inputDim = v.inputDim ?? TONE_NUM_MEL_BINS;
  const outputDim = v.outputDim ?? NUM_PDFS;
  const s = 0.5;
  const out: string[] = [];
  // Every token is followed by exactly one space (Kaldi's ReadToken eats one char).
  out.push('<TransitionModel> ', '<Topology> ', '<TopologyEntry> ', '<ForPhones> ');
  const phones: number[] = [];
  for (let p = 1; p <= NUM_PHONES; p++) phones.push(p);
  out.push(phones.join(' '));
  out.push('</ForPhones> ');
  out.push('<State> 0 <PdfClass> 0 <Transition> 0 0.5 <Transition> 1 0.5 </State> ');
  out.push('<State> 1 </State> ');
  out.push('</TopologyEntry> ', '</Topology> ');
  out.push(`<Triples> ${NUM_PHONES} `);
  const triples = phones.map((p) => `${p} 0 ${phonePdf(p)}`);
  if (v.unsortedTriples) {
    const t = triples[0];
    triples[0] = triples[1];
    triples[1] = t;
  }
  out.push(...triples);
  out.push('</Triples> ', '<LogProbs> ');
  const lp = ['0'];
  for (let i = 0; i < NUM_TIDS; i++) lp.push(num(Math.log(0.5)));
  out.push(` [ ${lp.join(' ')} ]`);
  out.push('</LogProbs> ', '</TransitionModel> ');
  out.push('<Nnet3> ');
  out.push(`input-node name=input dim=${inputDim}`);
  out.push('component-node name=affine component=affine input=input');
  const costLayers = v.costLayers ?? 0;
  out.push(...costNodes(costLayers));
  out.push(`component-node name=log_softmax component=log_softmax input=${costLayers > 0 ? 'Sum(affine, cost_out)' : 'affine'}`);
  out.push('output-node name=output input=log_softmax objective=linear');
  out.push(''); // blank line ends the config section
  out.push(`<NumComponents> ${costLayers > 0 ? 6 : 2} `);
  // Rows: silence, then tones A..D (row index = pdf id).
  const rows: number[][] = [];
  const bias: number[] = [];
  for (let pdf = 0; pdf < outputDim; pdf++) {
    const row = new Array<number>(inputDim).fill(0);
    if (pdf === 0) {
      bias.push(s * 4);
    } else {
      row.fill(-s / TONE_NUM_MEL_BINS);
      const tone = TONE_NAMES[(pdf - 1) % NUM_TONES];
      row[TONE_MEL_BINS[tone]] += s;
      bias.push(0);
    }
    rows.push(row);
  }
  out.push('<ComponentName> affine <FixedAffineComponent> <LinearParams> [');
  rows.forEach((row, i) => out.push('  ' + row.map(num).join(' ') + (i === rows.length - 1 ? ' ]' : '')));
  out.push(`<BiasParams> [ ${bias.map(num).join(' ')} ]`);
  out.push('</FixedAffineComponent> ');
  out.push(
    `<ComponentName> log_softmax <LogSoftmaxComponent> <Dim> ${outputDim} <ValueAvg> [ ] <DerivAvg> [ ] <Count> 0 </LogSoftmaxComponent> `,
  );
  if (costLayers > 0) out.push(...costComponents(inputDim, outputDim));
  out.push('</Nnet3> ');
  out.push('<LeftContext> 0 <RightContext> 0 <Priors> [ ] ');
  return out.join('\n') + '\n';
}

/**
 * The decode-cost knob (nnet3): input -> affine 40xW -> tanh -> (affine WxW ->
 * tanh) x layers, one shared weight -> an all-zero affine to the pdfs, summed
 * with the real logits. libvosk computes every layer for every output frame,
 * and the zero matrix adds exactly 0, so results are unchanged.
 */
function costNodes(layers: number): string[] {
  if (layers <= 0) return [];
  const out = ['component-node name=cost_0a component=cost_in input=input', 'component-node name=cost_0 component=cost_tanh input=cost_0a'];
  for (let l = 1; l <= layers; l++) out.push(`component-node name=cost_${l}a component=cost_w input=cost_${l - 1}`, `component-node name=cost_${l} component=cost_tanh input=cost_${l}a`);
  out.push(`component-node name=cost_out component=cost_zero input=cost_${layers}`);
  return out;
}

function costComponents(inputDim: number, outputDim: number): string[] {
  let seed = 12345;
  // A fixed pseudo-random fill: the numbers do not matter, only that the work is real.
  const rnd = (scale: number) => num(Math.round(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * scale * 1000) / 1000);
  const matrix = (rows: number, cols: number, value: () => string) =>
    Array.from({ length: rows }, (_, r) => '  ' + Array.from({ length: cols }, value).join(' ') + (r === rows - 1 ? ' ]' : ''));
  const affine = (name: string, rows: number, cols: number, value: () => string) => [
    `<ComponentName> ${name} <FixedAffineComponent> <LinearParams> [`,
    ...matrix(rows, cols, value),
    `<BiasParams> [ ${new Array(rows).fill('0').join(' ')} ]`,
    '</FixedAffineComponent> ',
  ];
  return [
    ...affine('cost_in', COST_WIDTH, inputDim, () => rnd(0.1)),
    `<ComponentName> cost_tanh <TanhComponent> <Dim> ${COST_WIDTH} <ValueAvg> [ ] <DerivAvg> [ ] <Count> 0 </TanhComponent> `,
    ...affine('cost_w', COST_WIDTH, COST_WIDTH, () => rnd(4 / Math.sqrt(COST_WIDTH))),
    ...affine('cost_zero', outputDim, COST_WIDTH, () => '0'),
  ];
}

interface Arc {
  ilabel: number;
  olabel: number;
  weight: number;
  next: number;
}

function hclgFst(v: GraphVariant = {}): Buffer {
  const states: Arc[][] = [[]];
  const newState = (): number => states.push([]) - 1;
  const V = TONE_WORDS.length;
  // Silence loop.
  const s = newState();
  states[0].push({ ilabel: exitTid(SIL_PHONE), olabel: 0, weight: 1, next: s });
  states[s].push({ ilabel: v.badIlabel ? NUM_TIDS + 1 : loopTid(SIL_PHONE), olabel: 0, weight: 0, next: s });
  states[s].push({ ilabel: 0, olabel: 0, weight: 0, next: 0 });
  // Words.
  TONE_WORDS.forEach((word, i) => {
    const phones = wordPhones(TONE_VOCABULARY[word]);
    let prev = 0;
    phones.forEach((p, j) => {
      const st = newState();
      states[prev].push(
        j === 0
          ? { ilabel: exitTid(p), olabel: i + 1, weight: Math.log(V) + 1, next: st }
          : { ilabel: exitTid(p), olabel: 0, weight: 0, next: st },
      );
      states[st].push({ ilabel: loopTid(p), olabel: 0, weight: 0, next: st });
      prev = st;
    });
    states[prev].push({ ilabel: 0, olabel: 0, weight: 0, next: 0 });
  });
  if (v.badNextstate) states[s][1].next = states.length + 5;

  const numArcs = states.reduce((n, a) => n + a.length, 0);
  const chunks: Buffer[] = [];
  const i32 = (x: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(x);
    return b;
  };
  const i64 = (x: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(x));
    return b;
  };
  const f32 = (x: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    return b;
  };
  const str = (x: string): Buffer => Buffer.concat([i32(x.length), Buffer.from(x, 'latin1')]);
  chunks.push(i32(v.badMagic ? 0x12345678 : 2125659606), str('vector'), str('standard'));
  chunks.push(i32(2), i32(0)); // version, flags
  const props = Buffer.alloc(8);
  props.writeBigUInt64LE(3n); // kExpanded | kMutable
  chunks.push(props, i64(v.start ?? 0), i64(states.length), i64(numArcs));
  states.forEach((arcs, id) => {
    chunks.push(f32(id === 0 ? 0 : Infinity), i64(arcs.length));
    for (const a of arcs) chunks.push(i32(a.ilabel), i32(a.olabel), f32(a.weight), i32(a.next));
  });
  return Buffer.concat(chunks);
}

function wordsTxt(): string {
  return ['<eps> 0', ...TONE_WORDS.map((w, i) => `${w} ${i + 1}`)].join('\n') + '\n';
}

function wordBoundaryInt(onlyPhones?: number[]): string {
  const lines: string[] = [];
  for (let p = 1; p <= NUM_PHONES; p++) if (!onlyPhones || onlyPhones.includes(p)) lines.push(`${p} ${phoneBoundary(p)}`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Public builder

const F = {
  modelConf: 'conf/model.conf',
  fbankConf: 'conf/fbank.conf',
  mdl: 'am/final.mdl',
  hclg: 'graph/HCLG.fst',
  words: 'graph/words.txt',
  wordBoundary: 'graph/phones/word_boundary.int',
} as const;

function put(dir: string, rel: string, data: string | Buffer): void {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

/** Writes a complete v2-layout tone model into `dir` (created if needed). */
export function buildToneModel(dir: string, opts: ToneModelOptions = {}): void {
  put(dir, F.modelConf, modelConf(opts));
  put(dir, F.fbankConf, fbankConf());
  put(dir, F.mdl, finalMdl({ costLayers: opts.costLayers }));
  put(dir, F.hclg, hclgFst());
  put(dir, F.words, wordsTxt());
  put(dir, F.wordBoundary, wordBoundaryInt());
}

// ---------------------------------------------------------------------------
// Malformed models

export interface ModelFault {
  name: string;
  /**
   * 'clean': vosk_model_new (or vosk_recognizer_new, see name) returns NULL and
   * logs an ERROR; 'crash': the process is killed by a signal (SIGABRT/SIGSEGV)
   * during model/recognizer creation or decoding.
   */
  kind: 'clean' | 'crash';
  /** Turns a freshly built tone model folder into the malformed case. */
  apply(dir: string): void;
}

function rm(dir: string, rel: string): void {
  fs.rmSync(path.join(dir, rel), { force: true });
}

export const MODEL_FAULTS: readonly ModelFault[] = [
  // --- clean failures: vosk_model_new returns NULL
  {
    name: 'bad option in model.conf',
    kind: 'clean',
    apply: (dir) => fs.appendFileSync(path.join(dir, F.modelConf), '--no-such-option=1\n'),
  },
  {
    name: 'bad option in fbank.conf',
    kind: 'clean',
    apply: (dir) => fs.appendFileSync(path.join(dir, F.fbankConf), '--no-such-option=1\n'),
  },
  { name: 'missing feature conf', kind: 'clean', apply: (dir) => rm(dir, F.fbankConf) },
  { name: 'missing final.mdl', kind: 'clean', apply: (dir) => rm(dir, F.mdl) },
  {
    name: 'truncated final.mdl',
    kind: 'clean',
    apply: (dir) => {
      const file = path.join(dir, F.mdl);
      const data = fs.readFileSync(file);
      fs.writeFileSync(file, data.subarray(0, Math.floor(data.length / 2)));
    },
  },
  {
    name: 'garbage final.mdl',
    kind: 'clean',
    apply: (dir) => {
      const bytes = Buffer.alloc(4096);
      let x = 12345;
      for (let i = 0; i < bytes.length; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        bytes[i] = x >>> 24;
      }
      put(dir, F.mdl, bytes);
    },
  },
  { name: 'unsorted triples', kind: 'clean', apply: (dir) => put(dir, F.mdl, finalMdl({ unsortedTriples: true })) },
  { name: 'bad HCLG magic', kind: 'clean', apply: (dir) => put(dir, F.hclg, hclgFst({ badMagic: true })) },
  { name: 'missing words.txt', kind: 'clean', apply: (dir) => rm(dir, F.words) },
  // --- clean failures: model loads, vosk_recognizer_new returns NULL
  { name: 'missing HCLG.fst (recognizer NULL)', kind: 'clean', apply: (dir) => rm(dir, F.hclg) },
  {
    name: 'feature-dim mismatch (recognizer NULL)',
    kind: 'clean',
    apply: (dir) => put(dir, F.mdl, finalMdl({ inputDim: TONE_NUM_MEL_BINS + 1 })),
  },
  // --- the process is killed
  { name: 'HCLG ilabel beyond last transition id', kind: 'crash', apply: (dir) => put(dir, F.hclg, hclgFst({ badIlabel: true })) },
  { name: 'HCLG nextstate out of range', kind: 'crash', apply: (dir) => put(dir, F.hclg, hclgFst({ badNextstate: true })) },
  { name: 'HCLG start = -1', kind: 'crash', apply: (dir) => put(dir, F.hclg, hclgFst({ start: -1 })) },
  // Measured: output dim 4 (one pdf short) decodes without crashing; with 1
  // output every tone pdf reads past the row -> NaN costs -> SIGABRT while
  // decoding, even on pure silence.
  {
    name: 'nnet output dim != number of pdfs',
    kind: 'crash',
    apply: (dir) => put(dir, F.mdl, finalMdl({ outputDim: 1 })),
  },
  // Measured: dropping ONE line whose phone id is <= the highest listed id does
  // not crash (times come out garbled). A phone id above the highest listed one
  // makes TypeOfPhone() throw, uncaught in Result() -> SIGABRT. Only SIL is
  // listed here, so any recognised word aborts vosk_recognizer_result/final_result.
  {
    name: 'phone missing from word_boundary.int',
    kind: 'crash',
    apply: (dir) => put(dir, F.wordBoundary, wordBoundaryInt([SIL_PHONE])),
  },
  // Measured: aborts in Result() (assert lat.Start() == 0) with or without
  // set_partial_words, as soon as a result is produced.
  { name: 'word_boundary.int missing', kind: 'crash', apply: (dir) => rm(dir, F.wordBoundary) },
];
