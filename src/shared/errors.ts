/**
 * The one error type that carries what a person needs: a message saying what
 * went wrong and a hint saying what to do next. Host and worker both use it;
 * `code` is the protocol's error code where the error crosses the worker boundary.
 */
import type { ErrorCode } from './protocol';

export class VoxnoteError<Code extends string = ErrorCode | string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly hint: string,
    /** False for notices that do not end what is running. */
    readonly fatal = true,
  ) {
    super(message);
    this.name = 'VoxnoteError';
  }
}
