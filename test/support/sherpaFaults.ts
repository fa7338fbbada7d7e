/**
 * Broken sherpa model folders: every case of /work/shared/docs/sherpa-tone-model.md
 * §7 that a model folder can cause, with what sherpa-onnx itself does with it
 * (`dies`: the process ends, which the folder check must prevent).
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { offlineModelBytes, STREAMING_METADATA, streamingModelBytes, SherpaToneKind, TOKENS_TXT } from './sherpaToneModel';

export interface SherpaFault {
  name: string;
  kind: SherpaToneKind;
  apply(dir: string): void;
  /** What Voxnote's message must say. */
  message: RegExp;
  /** sherpa-onnx on its own: ends the process with exit 255, or aborts (134), or `throws` a JS error. */
  dies?: 'exit' | 'abort' | 'throws';
}

const manifest = (dir: string, change: (m: Record<string, unknown>) => void) => {
  const file = path.join(dir, 'voxnote-model.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(m);
  fs.writeFileSync(file, JSON.stringify(m));
};
const tokens = (dir: string, text: string) => fs.writeFileSync(path.join(dir, 'tokens.txt'), text);
const model = (dir: string, bytes: Uint8Array | string) => fs.writeFileSync(path.join(dir, 'model.onnx'), bytes);

/** An ONNX file with the given float inputs passed through: the shape of a Silero model sherpa-onnx rejects. */
function vadLike(inputs: string[]): Uint8Array {
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'not_silero', node: inputs.map((n) => ({ opType: 'Identity', input: [n], output: [`${n}_out`] })), input: inputs.map(vi), output: inputs.map((n) => vi(`${n}_out`)) },
  }).finish();
}

export const SHERPA_FAULTS: readonly SherpaFault[] = [
  { name: 'model file missing', kind: 'offline', apply: (d) => fs.rmSync(path.join(d, 'model.onnx')), message: /has no model\.onnx \(the tdnn model\)/, dies: 'throws' },
  { name: 'tokens file missing', kind: 'streaming', apply: (d) => fs.rmSync(path.join(d, 'tokens.txt')), message: /has no tokens\.txt \(the tokens\)/, dies: 'throws' },
  { name: 'model file is garbage', kind: 'offline', apply: (d) => model(d, 'this is not an onnx model, just text\n'.repeat(40)), message: /model\.onnx .* is not a readable ONNX model/, dies: 'abort' },
  { name: 'model file cut short (interrupted download)', kind: 'streaming', apply: (d) => model(d, streamingModelBytes().subarray(0, 6000)), message: /model\.onnx .* is not a readable ONNX model: it ends early/, dies: 'abort' },
  { name: 'TDNN model without vocab_size', kind: 'offline', apply: (d) => model(d, offlineModelBytes({ metadata: { model_type: 'tdnn' } })), message: /metadata lacks vocab_size/, dies: 'exit' },
  {
    name: 'NeMo streaming model without window_size',
    kind: 'streaming',
    apply: (d) => model(d, streamingModelBytes({ metadata: Object.fromEntries(Object.entries(STREAMING_METADATA).filter(([k]) => k !== 'window_size')) })),
    message: /metadata lacks window_size/,
    dies: 'exit',
  },
  { name: 'TDNN model declared as a streaming nemoCtc model', kind: 'offline', apply: (d) => manifest(d, (m) => Object.assign(m, { streaming: true, kind: 'nemoCtc', vad: undefined })), message: /is not a streaming nemoCtc model: its metadata lacks window_size/, dies: 'exit' },
  {
    name: 'TDNN model declared as a Whisper model',
    kind: 'offline',
    apply: (d) => manifest(d, (m) => Object.assign(m, { kind: 'whisper', files: { encoder: 'model.onnx', decoder: 'model.onnx' } })),
    message: /is not a non-streaming whisper encoder: its metadata lacks n_mels, n_text_layer/,
    dies: 'exit',
  },
  { name: 'tokens.txt without a blank symbol', kind: 'streaming', apply: (d) => tokens(d, TOKENS_TXT.replace('<blk> 0', 'a 0')), message: /has no blank symbol/, dies: 'exit' },
  { name: 'tokens.txt missing ids the model emits', kind: 'offline', apply: (d) => tokens(d, TOKENS_TXT.split('\n').slice(0, 9).join('\n')), message: /no symbol for 2 of the model's 11 outputs \(ids 9, 10\)/, dies: 'abort' },
  { name: 'tokens.txt with a line of 3 fields', kind: 'offline', apply: (d) => tokens(d, `${TOKENS_TXT}two words 11\n`), message: /bad line 12 \("two words 11"\)/, dies: 'exit' },
  { name: 'featureDim 40 for a model of 80-dimensional features', kind: 'offline', apply: (d) => manifest(d, (m) => (m.featureDim = 40)), message: /takes 80-dimensional features, but the folder says 40/, dies: 'abort' },
  { name: 'VAD model missing', kind: 'offline', apply: (d) => fs.rmSync(path.join(d, 'silero_vad.onnx')), message: /has no silero_vad\.onnx \(the Silero VAD model\)/ },
  { name: 'VAD model with two inputs (silero_vad_half)', kind: 'offline', apply: (d) => fs.writeFileSync(path.join(d, 'silero_vad.onnx'), vadLike(['input', 'sr'])), message: /not a Silero VAD model sherpa-onnx can use \(its inputs are input, sr\)/, dies: 'exit' },
  { name: 'VAD model with inputs in another order (op18_ifless)', kind: 'offline', apply: (d) => fs.writeFileSync(path.join(d, 'silero_vad.onnx'), vadLike(['input', 'sr', 'state'])), message: /its inputs are input, sr, state/, dies: 'exit' },
];
