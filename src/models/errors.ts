/** Errors of the model download and install service, each with a next step. */
import { VoxnoteError } from '../shared/errors';

/** A download or install that failed; nothing was installed. */
export const modelError = (message: string, hint: string): VoxnoteError => new VoxnoteError('model-install-failed', message, hint);

/** The user cancelled; not a failure to report. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
  }
}

export const OFFLINE_HINT = 'Check your connection and proxy (the http.proxy setting), or download the zip elsewhere and run "Voxnote: Install Model from Folder or Zip…".';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
