import type { VoxnoteError } from '../../shared/errors';
import type { CaptureBackend, ErrorCode, Source } from '../../shared/protocol';

export interface CaptureHandlers {
  /** 16 kHz mono s16le audio, in chunks of any size. */
  onData(pcm: Buffer): void;
  /** The input ended by itself (end of a file). Not called after stop(). */
  onEnd(): void;
  /**
   * Audio was lost: its length in seconds. Without `skippedAt`, the recorder's buffer overflowed while the worker
   * was busy; with it, the recorder skipped that much after `skippedAt` seconds of audio without saying so (gapDetector.ts).
   */
  onDropped?(seconds: number, skippedAt?: number): void;
  /** Capture failed after it had started; no more data will come. */
  onError(error: VoxnoteError<ErrorCode>): void;
  /** Resolves when the recognizer can take more: a source that can wait (a file read as fast as it decodes) waits for it. */
  ready?(): Promise<void>;
}

export interface Capture {
  readonly backend: CaptureBackend | 'file' | 'process-tap';
  /** What is being captured, for people: a device name or a file path. */
  readonly device: string;
  /** Length of the input in seconds, when known (files). */
  readonly totalSeconds?: number;
  /** Passes on at once what the back-end has read but not delivered yet (one that reads on a timer). */
  flush?(): void;
  /** Stops capturing. Resolves when no more onData calls will happen; kills any child process. */
  stop(): Promise<void>;
}

/** Opens a source. Rejects with a VoxnoteError when it cannot start (missing tool, device, file). */
export type OpenCapture<S extends Source = Source> = (source: S, handlers: CaptureHandlers) => Promise<Capture>;
