/**
 * What activate() returns (vscode.extensions.getExtension('voxnote.voxnote').exports)
 * in test and development mode only: read-only hooks for measuring the extension
 * from outside it (npm run bench). Never in production: the worker's events carry
 * what the user says, and any installed extension could subscribe.
 */
import type * as vscode from 'vscode';
import type { SpeechLane } from './speech/speechService';
import type { WorkerEvent } from './shared/protocol';

/** vscode.ExtensionMode.Test and .Development (this module is type-only on vscode, so the bench can import it). */
const EXTENSION_MODE_DEVELOPMENT = 2 satisfies vscode.ExtensionMode.Development;
const EXTENSION_MODE_TEST = 3 satisfies vscode.ExtensionMode.Test;

export interface VoxnoteApi {
  /** Milliseconds activate()'s own body took; loading the module is not included. */
  readonly activationMs: number;
  /**
   * Every event of the dictation worker, across restarts. A listener here sees
   * an event after the extension's own handlers have run for it.
   */
  onWorkerEvent(listener: (event: WorkerEvent) => void): vscode.Disposable;
}

export function voxnoteApi(mode: vscode.ExtensionMode, activationMs: number, dictation: SpeechLane): VoxnoteApi | undefined {
  if (mode !== EXTENSION_MODE_TEST && mode !== EXTENSION_MODE_DEVELOPMENT) return undefined;
  return { activationMs, onWorkerEvent: (listener) => dictation.onWorkerEvent(listener) };
}
