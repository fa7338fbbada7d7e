/**
 * The one place that loads sherpa-onnx-node: lazily, inside the worker only,
 * since sherpa-onnx ends the process on bad input. sherpa-onnx-node finds its
 * per-platform package (sherpa-onnx-<platform>-<arch>: the addon with
 * onnxruntime beside it) next to itself: in node_modules, or in dist/native/
 * of a packaged extension (scripts/lib/natives.js puts both there).
 * The types below are the subset of its API Voxnote uses.
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * sherpa-onnx-node frees a stream's native memory (its audio and features, about 64 KB per
 * second) only when V8 collects the stream's JS object, and V8 does not count that memory: a
 * 20-minute file at cost 0.02 grew the worker by 74 MB, still growing, before collections came
 * (39 MB and flat with them). The worker runs with --expose-gc (WORKER_NODE_FLAGS) and collects
 * after every COLLECT_EVERY_SECONDS of audio through streams that are done with: a few ms for
 * its small heap. Without the flag (another host), nothing is asked.
 */
const COLLECT_EVERY_SECONDS = 30;
let uncollectedSeconds = 0;

/** A stream holding `seconds` of audio is done with: its native memory may be collected. */
export function streamDone(seconds: number): void {
  uncollectedSeconds += seconds;
  if (uncollectedSeconds < COLLECT_EVERY_SECONDS) return;
  uncollectedSeconds = 0;
  (globalThis as { gc?: () => void }).gc?.();
}

export interface Waveform {
  samples: Float32Array;
  sampleRate: number;
}

export interface OnlineResult {
  text: string;
  tokens: string[];
  timestamps: number[];
  /** Seconds from the stream's start to the last reset. */
  start_time: number;
  num_trailing_blanks: number;
}

export interface OfflineResult {
  text: string;
  tokens: string[];
  timestamps: number[];
}

export interface OnlineStream {
  acceptWaveform(wave: Waveform): void;
  inputFinished(): void;
}

export interface OnlineRecognizer {
  createStream(): OnlineStream;
  isReady(stream: OnlineStream): boolean;
  decode(stream: OnlineStream): void;
  isEndpoint(stream: OnlineStream): boolean;
  reset(stream: OnlineStream): void;
  getResult(stream: OnlineStream): OnlineResult;
}

export interface OfflineStream {
  acceptWaveform(wave: Waveform): void;
}

export interface OfflineRecognizer {
  createStream(): OfflineStream;
  /** Replaces the config at run time (Whisper takes its model options from it on each decode). */
  setConfig(config: object): void;
  decodeAsync(stream: OfflineStream): Promise<OfflineResult>;
}

export interface SpeechSegment {
  /** Sample index from the detector's start. */
  start: number;
  samples: Float32Array;
}

export interface Vad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): SpeechSegment;
  pop(): void;
  flush(): void;
}

export interface SpeakerEmbeddingExtractor {
  readonly dim: number;
  createStream(): OnlineStream;
  isReady(stream: OnlineStream): boolean;
  compute(stream: OnlineStream, enableExternalBuffer?: boolean): Float32Array;
}

export interface OfflineSpeakerDiarization {
  readonly sampleRate: number;
  /** Samples in [-1, 1] at `sampleRate`; segments in seconds from the first sample, `speaker` from 0. */
  process(samples: Float32Array): Array<{ start: number; end: number; speaker: number }>;
}

export interface SherpaAddon {
  OnlineRecognizer: new (config: object) => OnlineRecognizer;
  SpeakerEmbeddingExtractor: new (config: object) => SpeakerEmbeddingExtractor;
  OfflineSpeakerDiarization: new (config: object) => OfflineSpeakerDiarization;
  OfflineRecognizer: { createAsync(config: object): Promise<OfflineRecognizer> };
  Vad: new (config: object, bufferSeconds: number) => Vad;
  version: string;
}

let addon: SherpaAddon | undefined;

/** From the bundle (dist/worker.js); vsce --no-dependencies ships no node_modules. */
const PACKAGED = path.join(__dirname, 'native', 'sherpa-onnx-node');

export function loadSherpa(): SherpaAddon {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  addon ??= (fs.existsSync(PACKAGED) ? require(PACKAGED) : require('sherpa-onnx-node')) as SherpaAddon;
  return addon;
}
