/** sherpa-onnx configs from a checked model folder (src/shared/sherpaModelFolder.ts). */
import * as os from 'os';
import type { SherpaModel } from '../../../shared/sherpaModelFolder';
import { SAMPLE_RATE } from '../../audio/format';

/** Endpoint rules in seconds (sherpa-onnx's defaults); rule 2 ends an utterance after a pause. */
export const ENDPOINT_RULES = { rule1MinTrailingSilence: 2.4, rule2MinTrailingSilence: 1.2, rule3MinUtteranceLength: 20 };

/** The VAD settings measured with Silero v4/v5 (v5 needs 512-sample windows). */
export const VAD_WINDOW = 512;
export const VAD_SETTINGS = { threshold: 0.5, minSilenceDuration: 0.5, minSpeechDuration: 0.25, windowSize: VAD_WINDOW };

/** Decode threads when the host gives none (a worker run on its own): one core is left for capture, the host and the editor. */
const THREADS = Math.max(1, Math.min(4, os.availableParallelism() - 1));

function modelConfig(m: SherpaModel, threads = THREADS): object {
  const files: Record<string, string | number> = { ...m.files };
  // Language-aware kinds take the folder's language; sherpa-onnx detects it when empty.
  if (m.kind === 'whisper') Object.assign(files, { language: m.language ?? '', task: 'transcribe' });
  if (m.kind === 'senseVoice') Object.assign(files, { language: m.language ?? 'auto', useInverseTextNormalization: 1 });
  return {
    [m.kind]: files,
    tokens: m.tokens,
    numThreads: threads,
    provider: 'cpu',
    debug: 0,
    ...(m.modelType ? { modelType: m.modelType } : {}),
  };
}

const featConfig = (m: SherpaModel) => ({ sampleRate: SAMPLE_RATE, featureDim: m.featureDim });

export function onlineConfig(m: SherpaModel, threads?: number): object {
  return { featConfig: featConfig(m), modelConfig: modelConfig(m, threads), decodingMethod: 'greedy_search', enableEndpoint: 1, ...ENDPOINT_RULES };
}

export function offlineConfig(m: SherpaModel, threads?: number): object {
  // greedy_search is the one method every kind has (CTC models end the process on others).
  return { featConfig: featConfig(m), modelConfig: modelConfig(m, threads), decodingMethod: 'greedy_search' };
}

export function vadConfig(model: string, maxSegmentSeconds: number): object {
  return { sileroVad: { model, ...VAD_SETTINGS, maxSpeechDuration: maxSegmentSeconds }, sampleRate: SAMPLE_RATE, numThreads: 1, provider: 'cpu', debug: 0 };
}
