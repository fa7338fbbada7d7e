/** Errors of the model download and install service, each with a next step. */

export class ModelError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

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
