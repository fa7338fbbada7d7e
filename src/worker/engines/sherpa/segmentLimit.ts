/** The longest audio a non-streaming model decodes whole, from the model's own metadata. */
import { readOnnxSummary } from '../../../shared/onnxSummary';
import type { SherpaModel } from '../../../shared/sherpaModelFolder';

/** Kept below the hard limit so that a cut never lands on it. */
const MARGIN_SECONDS = 0.5;

/**
 * Seconds, or undefined when the model has no such limit. Whisper's encoder
 * takes 2 × n_audio_ctx feature frames of 10 ms (1500 → 30 s); sherpa-onnx
 * keeps 50 of its 3000 frames for padding and discards the audio past that
 * (offline-recognizer-whisper-impl.h), so Whisper decodes at most 29.5 s.
 */
export function modelSegmentLimit(model: SherpaModel): number | undefined {
  if (model.kind !== 'whisper') return undefined;
  const ctx = Number(readOnnxSummary(model.files.encoder).metadata.n_audio_ctx);
  const frames = Math.min(3000, Number.isFinite(ctx) && ctx > 0 ? 2 * ctx : 3000) - 50;
  return frames / 100 - MARGIN_SECONDS;
}
