/**
 * What activate() returns (vscode.extensions.getExtension('voxnote.voxnote').exports):
 * read-only hooks for measuring the extension from outside it (npm run bench).
 */
import type * as vscode from 'vscode';
import type { SpeechLane } from './speech/speechService';
import type { WorkerEvent } from './shared/protocol';

export interface VoxnoteApi {
  /** Milliseconds activate()'s own body took; loading the module is not included. */
  readonly activationMs: number;
  /**
   * Every event of the dictation worker, across restarts. A listener here sees
   * an event after the extension's own handlers have run for it.
   */
  onWorkerEvent(listener: (event: WorkerEvent) => void): vscode.Disposable;
}

export function voxnoteApi(activationMs: number, dictation: SpeechLane): VoxnoteApi {
  return { activationMs, onWorkerEvent: (listener) => dictation.onWorkerEvent(listener) };
}
