import { VoxnoteError } from '../shared/errors';
import type { ErrorCode } from '../shared/protocol';

/** A problem of a session: the protocol's error, plus whether the session recovers by itself. */
export class SpeechError extends VoxnoteError {
  constructor(code: ErrorCode | string, message: string, hint: string, fatal: boolean, readonly restarting: boolean) {
    super(code, message, hint, fatal);
  }
}
