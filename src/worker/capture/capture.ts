import { VoxnoteError } from '../../shared/errors';
import type { CaptureBackend, ErrorCode, Source } from '../../shared/protocol';

/** All capture back-ends deliver this format to the recognizer. */
export const SAMPLE_RATE = 16000;
/** 100 ms of 16 kHz mono s16le. */
export const CHUNK_BYTES = 3200;

/** A capture failure a person can act on: `hint` says what to do. Always ends the session. */
export class CaptureError extends VoxnoteError {
  constructor(override readonly code: ErrorCode, message: string, hint: string) {
    super(code, message, hint, true);
  }
}

export interface CaptureHandlers {
  /** 16 kHz mono s16le audio, in chunks of any size. */
  onData(pcm: Buffer): void;
  /** The input ended by itself (end of a file). Not called after stop(). */
  onEnd(): void;
  /** Capture failed after it had started; no more data will come. */
  onError(error: CaptureError): void;
}

export interface Capture {
  readonly backend: CaptureBackend | 'file';
  /** What is being captured, for people: a device name or a file path. */
  readonly device: string;
  /** Length of the input in seconds, when known (files). */
  readonly totalSeconds?: number;
  /** Stops capturing. Resolves when no more onData calls will happen; kills any child process. */
  stop(): Promise<void>;
}

/** Opens a source. Rejects with a CaptureError when it cannot start (missing tool, device, file). */
export type OpenCapture<S extends Source = Source> = (source: S, handlers: CaptureHandlers) => Promise<Capture>;
