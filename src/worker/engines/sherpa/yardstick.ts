/**
 * The machine's speed in one number, with no speech model: seconds the
 * bundled Silero VAD (sherpa-onnx, one thread, the windows the segment path
 * feeds it) takes per second of audio. The recommendation (models/recommend.ts)
 * scales published model costs by it before any model was measured here.
 */
import { VoxnoteError } from '../../../shared/errors';
import { SAMPLE_RATE } from '../../audio/format';
import { loadSherpa } from './addon';
import { VAD_WINDOW, vadConfig } from './config';
import { BUNDLED_VAD } from './sherpaEngine';

/** Audio the measurement runs over: long enough to time, a fraction of a second to run. */
const SECONDS = 60;

export function measureVadRtf(): number {
  let vad;
  try {
    vad = new (loadSherpa().Vad)(vadConfig(BUNDLED_VAD, SECONDS), SECONDS + 10);
  } catch (e) {
    throw new VoxnoteError('model-load-failed', `Silero VAD could not be loaded to measure this machine: ${(e as Error).message.split('\n')[0]}`, 'Nothing to do: the usual model is offered.');
  }
  // The content does not change what the network costs: a fixed low noise.
  let seed = 1;
  const window = Float32Array.from({ length: VAD_WINDOW }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.02);
  const windows = Math.round((SECONDS * SAMPLE_RATE) / VAD_WINDOW);
  for (let i = 0; i < 16; i++) vad.acceptWaveform(window); // the first runs allocate
  const t0 = performance.now();
  for (let i = 0; i < windows; i++) {
    vad.acceptWaveform(window);
    while (!vad.isEmpty()) vad.pop();
  }
  return (performance.now() - t0) / 1000 / SECONDS;
}
