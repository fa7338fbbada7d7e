/**
 * The sherpa-onnx engine: a checked model folder loaded once, a stream per
 * session. Streaming models find their own endpoints; non-streaming ones are
 * segmented by Silero VAD (the folder's, or the one shipped in models/vad/).
 */
import * as path from 'path';
import { VoxnoteError } from '../../../shared/errors';
import { checkSherpaFolder, checkVadFile, SherpaModel } from '../../../shared/sherpaModelFolder';
import { SAMPLE_RATE } from '../../audio/format';
import type { Engine, RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { loadSherpa, OfflineRecognizer, OnlineRecognizer, SherpaAddon, streamDone } from './addon';
import { offlineConfig, onlineConfig, vadConfig } from './config';
import { StreamingStream } from './streamingStream';
import { modelSegmentLimit } from './segmentLimit';
import { DEFAULT_PARTIAL_SECONDS, DEFAULT_PARTIAL_SHARE, SegmentDecoder, VadStream } from './vadStream';

export interface SherpaEngineOptions {
  /** Longest segment of a non-streaming model, in seconds (default 30). */
  maxSegmentSeconds?: number;
  /** Decode threads (the host's share of its budget; default: the cores less one, at most 4). */
  threads?: number;
  /** Non-streaming models: share of one core partials may use, 0 for none (default DEFAULT_PARTIAL_SHARE). */
  partialShare?: number;
  /** Non-streaming models: seconds of new speech a partial waits for (default DEFAULT_PARTIAL_SECONDS). */
  partialSeconds?: number;
}

export const DEFAULT_MAX_SEGMENT_SECONDS = 30;

/** From the bundle (dist/worker.js) to models/vad/ in the extension or the repository. */
export const BUNDLED_VAD = path.join(__dirname, '..', 'models', 'vad', 'silero_vad_v5.onnx');

const LOAD_HINT = 'Download the model again, or choose another with "Voxnote: Select Model".';

function addon(): SherpaAddon {
  try {
    return loadSherpa();
  } catch (e) {
    throw new VoxnoteError(
      'model-load-failed',
      `sherpa-onnx cannot be loaded on ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}`,
      'sherpa-onnx models run on Windows x64, macOS and Linux x64/arm64; use a Vosk model here, or reinstall Voxnote for this platform.',
    );
  }
}

function loadFailed(model: string, e: unknown): VoxnoteError {
  return new VoxnoteError('model-load-failed', `sherpa-onnx could not load the model at ${model}: ${(e as Error).message}.`, LOAD_HINT);
}

export async function loadSherpaEngine(modelDir: string, options: SherpaEngineOptions = {}): Promise<Engine> {
  const check = checkSherpaFolder(modelDir);
  if (!check.ok) throw new VoxnoteError('bad-model', check.message, check.hint);
  const model = check.model;
  const maxSegmentSeconds = options.maxSegmentSeconds ?? DEFAULT_MAX_SEGMENT_SECONDS;
  if (!(maxSegmentSeconds >= 1)) throw new VoxnoteError('bad-command', `The longest segment must be at least 1 s (got ${maxSegmentSeconds}).`, 'Use the default of 30 s.');
  const sherpa = addon();
  if (model.streaming) {
    let recognizer: OnlineRecognizer;
    try {
      recognizer = new sherpa.OnlineRecognizer(onlineConfig(model, options.threads));
    } catch (e) {
      throw loadFailed(modelDir, e);
    }
    return engine(modelDir, (opts, sink) => new StreamingStream(recognizer, opts, sink));
  }
  const vad = model.vad ?? BUNDLED_VAD;
  const vadCheck = checkVadFile(vad);
  if (!vadCheck.ok) throw new VoxnoteError('bad-model', vadCheck.message, vadCheck.hint);
  const { decode, segmentSeconds } = await offlineDecoder(sherpa, modelDir, model, maxSegmentSeconds, options.threads);
  return engine(modelDir, (opts, sink) => {
    let detector;
    try {
      detector = new sherpa.Vad(vadConfig(vad, vadMaxSpeechSeconds(segmentSeconds)), vadMaxSpeechSeconds(segmentSeconds) + 10);
    } catch (e) {
      throw loadFailed(vad, e);
    }
    return new VadStream(decode, detector, opts, sink, {
      maxSegmentSeconds: segmentSeconds,
      partialShare: options.partialShare ?? DEFAULT_PARTIAL_SHARE,
      partialSeconds: options.partialSeconds ?? DEFAULT_PARTIAL_SECONDS,
      maxBacklogSeconds: 2 * segmentSeconds,
    });
  });
}

/** A non-streaming model's decoder and the longest audio one decode gets. */
export interface OfflineDecoder {
  decode: SegmentDecoder;
  segmentSeconds: number;
}

async function offlineDecoder(sherpa: SherpaAddon, modelDir: string, model: SherpaModel, maxSegmentSeconds: number, threads: number | undefined): Promise<OfflineDecoder> {
  // No decode gets more than the model decodes: Whisper keeps under 30 s and drops the rest.
  const segmentSeconds = Math.min(maxSegmentSeconds, modelSegmentLimit(model) ?? Infinity);
  let recognizer: OfflineRecognizer;
  try {
    recognizer = await sherpa.OfflineRecognizer.createAsync(offlineConfig(model, threads));
  } catch (e) {
    throw loadFailed(modelDir, e);
  }
  return { decode: segmentDecoder(recognizer, model), segmentSeconds };
}

/** A two-pass engine's final model: a non-streaming sherpa-onnx model folder, decoding whole utterances. */
export async function loadFinalModel(modelDir: string, options: SherpaEngineOptions = {}): Promise<OfflineDecoder> {
  const check = checkSherpaFolder(modelDir);
  if (!check.ok) throw new VoxnoteError('bad-model', `The two-pass final model: ${check.message}`, check.hint);
  if (check.model.streaming) {
    throw new VoxnoteError('bad-model', `The two-pass final model at ${modelDir} is a streaming model.`, 'Set voxnote.twoPass.model to an offline model folder (Whisper, Parakeet, SenseVoice, Moonshine…).');
  }
  return offlineDecoder(addon(), modelDir, check.model, options.maxSegmentSeconds ?? DEFAULT_MAX_SEGMENT_SECONDS, options.threads);
}

/**
 * The VAD's own forced split only guards its buffer: VadStream cuts long
 * speech itself, at a quiet point, well before it.
 */
const vadMaxSpeechSeconds = (segmentSeconds: number) => Math.max(60, 4 * segmentSeconds);

/**
 * One decode at a time on the recognizer, across sessions (a cancelled
 * session's decode may still be running). Whisper partials get no tail
 * padding: sherpa-onnx pads each decode with 10 s of silence by default so
 * Whisper finds the end of text, which would make a 1 s partial cost an 11 s pass.
 */
function segmentDecoder(recognizer: OfflineRecognizer, model: SherpaModel): SegmentDecoder {
  let lane: Promise<unknown> = Promise.resolve();
  const base = offlineConfig(model) as { modelConfig: Record<string, object> };
  const withTail = (tailPaddings: number) => ({ ...base, modelConfig: { ...base.modelConfig, whisper: { ...base.modelConfig.whisper, tailPaddings } } });
  const tails = model.kind === 'whisper' ? { partial: withTail(PARTIAL_TAIL_FRAMES), final: withTail(-1) } : undefined;
  let current: 'partial' | 'final' = 'final';
  return (samples, purpose) => {
    const run = lane.then(async () => {
      if (tails && purpose !== current) {
        recognizer.setConfig(tails[purpose]);
        current = purpose;
      }
      const s = recognizer.createStream();
      s.acceptWaveform({ samples, sampleRate: SAMPLE_RATE });
      return recognizer.decodeAsync(s).finally(() => streamDone(samples.length / SAMPLE_RATE));
    });
    lane = run.catch(() => undefined);
    return run;
  };
}

/** Whisper partials: the 50 frames (0.5 s) sherpa-onnx always leaves after the audio, no more. */
const PARTIAL_TAIL_FRAMES = 50;

function engine(key: string, open: (options: StreamOptions, sink: StreamSink) => RecognitionStream): Engine {
  return {
    key,
    open: async (options, sink) => open(options, sink),
    // The recognizer's native memory is freed with its JS object.
    dispose: () => undefined,
  };
}
