/**
 * The sherpa-onnx engine: a checked model folder loaded once, a stream per
 * session. Streaming models find their own endpoints; non-streaming ones are
 * segmented by Silero VAD (the folder's, or the one shipped in models/vad/).
 */
import * as path from 'path';
import { VoxnoteError } from '../../../shared/errors';
import { checkSherpaFolder, checkVadFile } from '../../../shared/sherpaModelFolder';
import type { Engine, RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { loadSherpa, OfflineRecognizer, OnlineRecognizer, SherpaAddon } from './addon';
import { offlineConfig, onlineConfig, vadConfig } from './config';
import { StreamingStream } from './streamingStream';
import { VadStream } from './vadStream';

export interface SherpaEngineOptions {
  /** Longest segment of a non-streaming model, in seconds (default 30). */
  maxSegmentSeconds?: number;
  /** Decode threads (the host's share of its budget; default: the cores less one, at most 4). */
  threads?: number;
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
  let recognizer: OfflineRecognizer;
  try {
    recognizer = await sherpa.OfflineRecognizer.createAsync(offlineConfig(model, options.threads));
  } catch (e) {
    throw loadFailed(modelDir, e);
  }
  return engine(modelDir, (opts, sink) => {
    let detector;
    try {
      // The buffer holds the longest segment and the look-back before it.
      detector = new sherpa.Vad(vadConfig(vad, maxSegmentSeconds), maxSegmentSeconds + 10);
    } catch (e) {
      throw loadFailed(vad, e);
    }
    return new VadStream(recognizer, detector, opts, sink, { maxSegmentSeconds, partialEverySeconds: 1 });
  });
}

function engine(key: string, open: (options: StreamOptions, sink: StreamSink) => RecognitionStream): Engine {
  return {
    key,
    open: async (options, sink) => open(options, sink),
    // The recognizer's native memory is freed with its JS object.
    dispose: () => undefined,
  };
}
