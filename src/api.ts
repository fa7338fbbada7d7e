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
   * Every event of the dictation worker, across restarts. Listeners run in
   * subscription order, so the extension's own handlers (subscribed during
   * activate) have run for an event before a listener added here sees it.
   */
  onWorkerEvent(listener: (event: WorkerEvent) => void): vscode.Disposable;
}

export function voxnoteApi(activationMs: number, dictation: SpeechLane): VoxnoteApi {
  return { activationMs, onWorkerEvent: (listener) => dictation.onWorkerEvent(listener) };
}
