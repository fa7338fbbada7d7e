/**
 * The checks a diarization model file passes before sherpa-onnx sees it
 * (sherpa-onnx ends the process on a missing metadata key): a speaker-embedding
 * model (speaker-embedding-extractor-model.cc, -nemo-model.cc) and a pyannote
 * segmentation model (offline-speaker-segmentation-pyannote-model.cc, and the
 * powerset of at most 2 speakers at once that the diarization decodes).
 */
import * as fs from 'fs';
import { OnnxFormatError, readOnnxSummary } from './onnxSummary';

export type DiarizationRole = 'embedding' | 'segmentation';
export type ModelFileCheck = { ok: true } | { ok: false; message: string; hint: string };

const ROLE_NAME: Record<DiarizationRole, string> = {
  embedding: 'speaker-embedding model',
  segmentation: 'speaker-segmentation model',
};
const HINT = 'Download the model again with Voxnote: Download Model…, or clear the voxnote.diarization settings to label lines by source.';

const EMBEDDING_KEYS: Record<string, readonly string[]> = {
  wespeaker: ['output_dim', 'sample_rate', 'normalize_samples', 'language'],
  '3d-speaker': ['output_dim', 'sample_rate', 'normalize_samples', 'language'],
  nemo: ['output_dim', 'feat_dim', 'sample_rate', 'window_size_ms', 'window_stride_ms', 'language'],
};
const SEGMENTATION_KEYS = ['sample_rate', 'window_size', 'receptive_field_size', 'receptive_field_shift', 'num_speakers', 'powerset_max_classes', 'num_classes'];

export function checkDiarizationModel(file: string, role: DiarizationRole): ModelFileCheck {
  const what = `The ${ROLE_NAME[role]} ${file}`;
  try {
    if (!fs.statSync(file).isFile()) return { ok: false, message: `${what} is not a file.`, hint: HINT };
  } catch {
    return { ok: false, message: `${what} does not exist.`, hint: HINT };
  }
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxSummary(file).metadata;
  } catch (e) {
    const why = e instanceof OnnxFormatError ? e.message : (e as Error).message;
    return { ok: false, message: `${what} is not a readable ONNX model: it ${why}.`, hint: HINT };
  }
  let keys: readonly string[];
  if (role === 'embedding') {
    const framework = metadata.framework ?? '';
    keys = EMBEDDING_KEYS[framework] ?? [];
    if (!EMBEDDING_KEYS[framework]) {
      return { ok: false, message: `${what} is not one sherpa-onnx can use: its "framework" is "${framework}" (3d-speaker, wespeaker or nemo expected).`, hint: HINT };
    }
  } else {
    keys = SEGMENTATION_KEYS;
  }
  const missing = keys.filter((k) => metadata[k] === undefined);
  if (missing.length) return { ok: false, message: `${what} lacks the metadata sherpa-onnx needs (${missing.join(', ')}).`, hint: HINT };
  if (role === 'segmentation' && !['1', '2'].includes(metadata.powerset_max_classes)) {
    return { ok: false, message: `${what} has powerset_max_classes ${metadata.powerset_max_classes}; sherpa-onnx decodes 1 or 2.`, hint: HINT };
  }
  return { ok: true };
}
