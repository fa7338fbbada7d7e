/**
 * Checks a sherpa-onnx model folder before sherpa-onnx sees it: sherpa-onnx
 * ends the process (exit or abort) on a missing metadata key, a tokens file
 * without a blank symbol or with a bad line, a feature dimension that does not
 * match, or a file that is not ONNX (/work/shared/docs/sherpa-tone-model.md §7).
 *
 * A folder describes itself in voxnote-model.json, in sherpa-onnx's own config
 * words; without one, the official release layouts are recognized by file names.
 * Pure file-system work, shared by the worker and the extension host.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OnnxFormatError, OnnxSummary, readOnnxSummary } from './onnxSummary';

export const MANIFEST = 'voxnote-model.json';

/** What the engine needs to configure sherpa-onnx; every path absolute. */
export interface SherpaModel {
  streaming: boolean;
  /** The modelConfig key: transducer, nemoCtc, whisper, … */
  kind: string;
  /** That key's file fields (encoder, decoder, joiner, model, …). */
  files: Record<string, string>;
  tokens: string;
  /** Silero VAD for offline models; absent: the engine's bundled one. */
  vad?: string;
  language?: string;
  /** sherpa-onnx's modelConfig.modelType, e.g. "nemo_transducer". */
  modelType?: string;
  featureDim: number;
}

/** voxnote-model.json: sherpa-onnx's own config words; paths relative to the folder. */
export interface SherpaManifest {
  engine: 'sherpa';
  streaming: boolean;
  kind: string;
  files: Record<string, string>;
  tokens: string;
  vad?: string;
  language?: string;
  modelType?: string;
  featureDim?: number;
}

export function writeManifest(dir: string, manifest: SherpaManifest): void {
  fs.writeFileSync(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

export type SherpaCheck = { ok: true; model: SherpaModel } | { ok: false; message: string; hint: string };

/** File fields per modelConfig key, as sherpa-onnx-node names them. */
export const ONLINE_KINDS: Readonly<Record<string, readonly string[]>> = {
  transducer: ['encoder', 'decoder', 'joiner'],
  paraformer: ['encoder', 'decoder'],
  zipformer2Ctc: ['model'],
  nemoCtc: ['model'],
  toneCtc: ['model'],
};
export const OFFLINE_KINDS: Readonly<Record<string, readonly string[]>> = {
  transducer: ['encoder', 'decoder', 'joiner'],
  paraformer: ['model'],
  zipformerCtc: ['model'],
  wenetCtc: ['model'],
  nemoCtc: ['model'],
  tdnn: ['model'],
  dolphin: ['model'],
  senseVoice: ['model'],
  whisper: ['encoder', 'decoder'],
  canary: ['encoder', 'decoder'],
  fireRedAsr: ['encoder', 'decoder'],
  moonshine: ['preprocessor', 'encoder', 'uncachedDecoder', 'cachedDecoder'],
};

/** CTC decoders take the blank from tokens.txt and end the process without one. */
const CTC_KINDS = new Set(['tdnn', 'nemoCtc', 'zipformer2Ctc', 'zipformerCtc', 'wenetCtc', 'toneCtc']);
const BLANKS = ['<blk>', '<eps>', '<blank>'];

/**
 * Metadata keys sherpa-onnx reads with SHERPA_ONNX_READ_META_DATA (the process
 * exits when one is missing), per file field, for the kinds whose loaders were
 * read (sherpa-onnx sources) and measured; other kinds are isolated by the
 * worker process instead.
 */
const REQUIRED_METADATA: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'offline/tdnn': { model: ['vocab_size'] },
  'online/nemoCtc': {
    model: [
      'window_size',
      'chunk_shift',
      'subsampling_factor',
      'vocab_size',
      'cache_last_channel_dim1',
      'cache_last_channel_dim2',
      'cache_last_channel_dim3',
      'cache_last_time_dim1',
      'cache_last_time_dim2',
      'cache_last_time_dim3',
    ],
  },
  'offline/whisper': {
    encoder: ['n_mels', 'n_text_layer', 'n_text_ctx', 'n_text_state', 'n_vocab', 'sot', 'eot', 'blank_id', 'translate', 'transcribe', 'is_multilingual', 'no_timestamps', 'no_speech', 'sot_sequence'],
  },
};

/** Where the feature dimension sits in input 0, for the CTC kinds whose shapes are known: [N, T, C] for TDNN, [N, C, T] for NeMo. */
const FEATURE_AXIS: Readonly<Record<string, number>> = { 'offline/tdnn': 2, 'online/nemoCtc': 1 };

/** Silero VAD input names sherpa-onnx accepts, in order (v5 and v4). */
const SILERO_INPUTS = [['input', 'state', 'sr'], ['input', 'sr', 'h', 'c']];

const HINT = 'Use a complete model from "Voxnote: Download Model…", or the whole unpacked sherpa-onnx release archive.';

class Bad extends Error {
  constructor(message: string, readonly hint = HINT) {
    super(message);
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A path from the manifest: relative, inside the folder, an existing file. */
function inside(dir: string, rel: unknown, what: string): string {
  if (typeof rel !== 'string' || !rel) throw new Bad(`${MANIFEST} in ${dir} gives no file for ${what}.`);
  const abs = path.resolve(dir, rel);
  if (path.isAbsolute(rel) || !abs.startsWith(path.resolve(dir) + path.sep)) {
    throw new Bad(`${MANIFEST} in ${dir} names ${rel} for ${what}, which is outside the model folder.`, 'Give paths relative to the model folder.');
  }
  if (!isFile(abs)) throw new Bad(`The model folder ${dir} has no ${rel} (${what}).`);
  return abs;
}

function onnx(file: string, dir: string): OnnxSummary {
  try {
    return readOnnxSummary(file);
  } catch (e) {
    const why = e instanceof OnnxFormatError ? e.message : (e as Error).message;
    throw new Bad(`${path.relative(dir, file)} in ${dir} is not a readable ONNX model: it ${why}. The file is damaged or incomplete.`, 'Download the model again.');
  }
}

/** tokens.txt: "symbol id" per line; returns the ids (sherpa-onnx ends the process on a bad line). */
function readTokens(file: string, dir: string): { ids: Set<number>; symbols: Set<string> } {
  const ids = new Set<number>();
  const symbols = new Set<string>();
  const rel = path.relative(dir, file);
  fs.readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2 || !/^\d+$/.test(parts[1])) {
      throw new Bad(`${rel} in ${dir} has a bad line ${i + 1} ("${line.slice(0, 40)}"): each line must be a symbol and its id.`, 'Download the model again.');
    }
    const id = Number(parts[1]);
    if (ids.has(id)) throw new Bad(`${rel} in ${dir} lists the id ${id} twice (line ${i + 1}).`, 'Download the model again.');
    ids.add(id);
    symbols.add(parts[0]);
  });
  if (ids.size === 0) throw new Bad(`${rel} in ${dir} is empty.`, 'Download the model again.');
  return { ids, symbols };
}

function checkVad(file: string, dir: string): void {
  const names = onnx(file, dir).inputs.map((i) => i.name);
  if (!SILERO_INPUTS.some((want) => want.length === names.length && want.every((n, i) => n === names[i]))) {
    throw new Bad(
      `${path.relative(dir, file)} in ${dir} is not a Silero VAD model sherpa-onnx can use (its inputs are ${names.join(', ') || 'none'}).`,
      'Use silero_vad.onnx from the sherpa-onnx releases (Silero VAD v4 or v5), or remove "vad" from voxnote-model.json to use the bundled one.',
    );
  }
}

/** The checks on the model files themselves, before sherpa-onnx sees them. */
function checkModel(dir: string, m: SherpaModel): void {
  const summaries = Object.fromEntries(Object.entries(m.files).map(([field, file]) => [field, onnx(file, dir)]));
  const { ids, symbols } = readTokens(m.tokens, dir);
  const tokensRel = path.relative(dir, m.tokens);
  if (CTC_KINDS.has(m.kind) && !BLANKS.some((b) => symbols.has(b))) {
    throw new Bad(`${tokensRel} in ${dir} has no blank symbol (${BLANKS.join(', ')}), which a CTC model needs.`, 'Download the model again.');
  }
  const key = `${m.streaming ? 'online' : 'offline'}/${m.kind}`;
  for (const [field, keys] of Object.entries(REQUIRED_METADATA[key] ?? {})) {
    const absent = keys.filter((k) => !(k in summaries[field].metadata));
    if (absent.length) {
      throw new Bad(
        `${path.relative(dir, m.files[field])} in ${dir} is not a ${m.streaming ? 'streaming' : 'non-streaming'} ${m.kind} ${field === 'model' ? 'model' : field}: its metadata lacks ${absent.join(', ')}.`,
        `Check "kind" and "streaming" in ${MANIFEST}, or download the model again.`,
      );
    }
  }
  const featureAxis = FEATURE_AXIS[key];
  const main = summaries.model;
  if (featureAxis !== undefined && main) {
    // CTC output: [N, T, V]; every id it can emit must have a symbol.
    const vocab = main.outputs[0]?.dims[2];
    if (typeof vocab === 'number') {
      const lacking = [...Array(vocab).keys()].filter((id) => !ids.has(id));
      if (lacking.length) throw new Bad(`${tokensRel} in ${dir} has no symbol for ${lacking.length} of the model's ${vocab} outputs (ids ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? ', …' : ''}).`, 'Download the model again.');
    }
    const dim = main.inputs[0]?.dims[featureAxis];
    if (typeof dim === 'number' && dim !== m.featureDim) {
      throw new Bad(`${path.relative(dir, m.files.model)} in ${dir} takes ${dim}-dimensional features, but the folder says ${m.featureDim}.`, `Set "featureDim": ${dim} in ${MANIFEST}.`);
    }
  }
  if (m.vad) checkVad(m.vad, dir);
}

function fromManifest(dir: string): SherpaModel {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch (e) {
    throw new Bad(`${MANIFEST} in ${dir} cannot be read: ${(e as Error).message}.`, `Fix or delete ${MANIFEST}.`);
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const fix = `See models/README.md for the ${MANIFEST} format.`;
  if (o.engine !== 'sherpa') throw new Bad(`${MANIFEST} in ${dir} does not say "engine": "sherpa".`, fix);
  if (typeof o.streaming !== 'boolean') throw new Bad(`${MANIFEST} in ${dir} does not say whether the model is streaming ("streaming": true or false).`, fix);
  const kinds = o.streaming ? ONLINE_KINDS : OFFLINE_KINDS;
  const kind = o.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(kinds, kind)) {
    throw new Bad(`${MANIFEST} in ${dir} has "kind": ${JSON.stringify(kind)}, which is not a ${o.streaming ? 'streaming' : 'non-streaming'} sherpa-onnx model type (${Object.keys(kinds).join(', ')}).`, fix);
  }
  const files = (typeof o.files === 'object' && o.files !== null ? o.files : {}) as Record<string, unknown>;
  const featureDim = o.featureDim ?? 80;
  if (!Number.isInteger(featureDim) || (featureDim as number) <= 0) throw new Bad(`${MANIFEST} in ${dir} has a "featureDim" that is not a positive whole number.`, fix);
  for (const key of ['language', 'modelType'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'string') throw new Bad(`${MANIFEST} in ${dir} has a "${key}" that is not text.`, fix);
  }
  if (o.vad !== undefined && o.streaming) throw new Bad(`${MANIFEST} in ${dir} names a "vad" for a streaming model, which finds its own endpoints.`, `Remove "vad" from ${MANIFEST}.`);
  return {
    streaming: o.streaming,
    kind,
    files: Object.fromEntries(kinds[kind].map((field) => [field, inside(dir, files[field], `the ${kind} ${field}`)])),
    tokens: inside(dir, o.tokens, 'the tokens'),
    ...(o.vad !== undefined ? { vad: inside(dir, o.vad, 'the Silero VAD model') } : {}),
    ...(o.language ? { language: o.language as string } : {}),
    ...(o.modelType ? { modelType: o.modelType as string } : {}),
    featureDim: featureDim as number,
  };
}

/** One file of a release layout: the int8 variant where both exist (smaller and faster on CPU). */
function pick(names: readonly string[], stem: RegExp): string | undefined {
  const found = names.filter((n) => stem.test(n));
  return found.find((n) => n.includes('.int8.')) ?? found[0];
}

/**
 * Official sherpa-onnx release layouts, by file names (and the folder name
 * where file names are shared). Returns undefined when nothing matches.
 */
export function recognizeLayout(dir: string, names: readonly string[]): Omit<SherpaModel, 'featureDim'> | undefined {
  const base = path.basename(dir).toLowerCase();
  const at = (n: string | undefined) => (n ? path.join(dir, n) : undefined);
  const vad = pick(names, /^silero_vad.*\.onnx$/);
  const extra = vad ? { vad: path.join(dir, vad) } : {};
  // Whisper: <name>-encoder.onnx, <name>-decoder.onnx, <name>-tokens.txt.
  const whisperTokens = names.find((n) => /-tokens\.txt$/.test(n));
  const enc = pick(names, /-encoder(\.int8)?\.onnx$/);
  const dec = pick(names, /-decoder(\.int8)?\.onnx$/);
  if (whisperTokens && enc && dec) return { streaming: false, kind: 'whisper', files: { encoder: at(enc)!, decoder: at(dec)! }, tokens: at(whisperTokens)!, ...extra };
  if (!names.includes('tokens.txt')) return undefined;
  const tokens = path.join(dir, 'tokens.txt');
  // Moonshine: preprocess, encode, uncached_decode, cached_decode.
  const moon = { preprocessor: pick(names, /^preprocess(\.int8)?\.onnx$/), encoder: pick(names, /^encode(\.int8)?\.onnx$/), uncachedDecoder: pick(names, /^uncached_decode(\.int8)?\.onnx$/), cachedDecoder: pick(names, /^cached_decode(\.int8)?\.onnx$/) };
  if (Object.values(moon).every(Boolean)) return { streaming: false, kind: 'moonshine', files: Object.fromEntries(Object.entries(moon).map(([k, v]) => [k, at(v)!])), tokens, ...extra };
  // Transducers: encoder*, decoder*, joiner* (zipformer: encoder-epoch-99-avg-1….onnx).
  const t = { encoder: pick(names, /^encoder.*\.onnx$/), decoder: pick(names, /^decoder.*\.onnx$/), joiner: pick(names, /^joiner.*\.onnx$/) };
  if (t.encoder && t.decoder && t.joiner) {
    const files = { encoder: at(t.encoder)!, decoder: at(t.decoder)!, joiner: at(t.joiner)! };
    if (base.includes('streaming')) return { streaming: true, kind: 'transducer', files, tokens };
    return { streaming: false, kind: 'transducer', files, tokens, ...(/nemo|parakeet/.test(base) ? { modelType: 'nemo_transducer' } : {}), ...extra };
  }
  const model = pick(names, /^model(\.int8)?\.onnx$/);
  if (!model) return undefined;
  if (/sense-?voice/.test(base)) return { streaming: false, kind: 'senseVoice', files: { model: at(model)! }, tokens, ...extra };
  if (base.includes('streaming') && base.includes('ctc')) return { streaming: true, kind: /nemo|fastconformer/.test(base) ? 'nemoCtc' : 'zipformer2Ctc', files: { model: at(model)! }, tokens };
  return undefined;
}

/** For a folder that almost has a release layout: the files it lacks. */
function nearMiss(names: readonly string[]): string | undefined {
  const has = (re: RegExp) => names.some((n) => re.test(n));
  const lacking = (want: Array<[RegExp, string]>) => want.filter(([re]) => !has(re)).map(([, name]) => name);
  const whisper: Array<[RegExp, string]> = [[/-encoder(\.int8)?\.onnx$/, '<name>-encoder.onnx'], [/-decoder(\.int8)?\.onnx$/, '<name>-decoder.onnx'], [/-tokens\.txt$/, '<name>-tokens.txt']];
  const moonshine: Array<[RegExp, string]> = [[/^preprocess(\.int8)?\.onnx$/, 'preprocess.onnx'], [/^encode(\.int8)?\.onnx$/, 'encode.onnx'], [/^uncached_decode(\.int8)?\.onnx$/, 'uncached_decode.onnx'], [/^cached_decode(\.int8)?\.onnx$/, 'cached_decode.onnx'], [/^tokens\.txt$/, 'tokens.txt']];
  const transducer: Array<[RegExp, string]> = [[/^encoder.*\.onnx$/, 'encoder….onnx'], [/^decoder.*\.onnx$/, 'decoder….onnx'], [/^joiner.*\.onnx$/, 'joiner….onnx'], [/^tokens\.txt$/, 'tokens.txt']];
  for (const [what, want] of [['a Whisper', whisper], ['a Moonshine', moonshine], ['a transducer', transducer]] as const) {
    const missing = lacking([...want]);
    // Present: one of its own model files (two for a transducer, whose names are common words).
    const own = want.filter(([re, name]) => !name.includes('tokens') && has(re)).length;
    if (missing.length && own >= (what === 'a transducer' ? 2 : 1)) return `looks like ${what} model but has no ${missing.join(', ')}`;
  }
  if (!names.includes('tokens.txt') && !has(/-tokens\.txt$/)) return 'has .onnx files but no tokens.txt';
  return undefined;
}

/** What a folder without a manifest would need, for the message. */
const LAYOUTS = 'voxnote-model.json, or an official sherpa-onnx layout (Whisper: <name>-encoder.onnx, <name>-decoder.onnx, <name>-tokens.txt; transducer: encoder, decoder and joiner .onnx files with tokens.txt; Moonshine; SenseVoice)';

/** True when the folder claims to be (or looks like) a sherpa-onnx model. */
export function looksLikeSherpa(names: readonly string[]): boolean {
  return names.includes(MANIFEST) || names.some((n) => n.endsWith('.onnx'));
}

export function checkSherpaFolder(dir: string): SherpaCheck {
  try {
    const names = fs.readdirSync(dir);
    let model: SherpaModel;
    if (names.includes(MANIFEST)) model = fromManifest(dir);
    else {
      const found = recognizeLayout(dir, names);
      if (!found) {
        const near = nearMiss(names);
        throw new Bad(`The model folder ${dir} ${near ?? `has .onnx files but neither ${LAYOUTS}`}.`, `Use the whole unpacked sherpa-onnx release archive, or add a ${MANIFEST} (see models/README.md).`);
      }
      model = { ...found, featureDim: 80 };
    }
    checkModel(dir, model);
    return { ok: true, model };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, message: e.message, hint: e.hint };
    return { ok: false, message: `The model folder ${dir} cannot be read: ${(e as Error).message}.`, hint: HINT };
  }
}

/** The bundled Silero VAD is checked like a folder's own before the engine uses it. */
export function checkVadFile(file: string): { ok: true } | { ok: false; message: string; hint: string } {
  try {
    if (!isFile(file)) throw new Bad(`The Silero VAD model ${file} is missing.`, 'Reinstall Voxnote.');
    checkVad(file, path.dirname(file));
    return { ok: true };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, message: e.message, hint: e.hint };
    throw e;
  }
}
