/** What bench/dictation.ts (the driver) and bench/dictationHost.ts (in the extension host) exchange. */

export const PLAN_ENV = 'VOXNOTE_BENCH_PLAN';
export const RESULT_PREFIX = 'voxnote-bench ';

export interface HostPlan {
  /** 'activation' only, or also the dictation figures. */
  measure: 'activation' | 'dictation';
  /** Tone speech of `utterances` short utterances, 48 kHz, for the virtual mic. */
  wav: string;
  utterances: number;
  pushToTalkRuns: number;
}

export interface ActivationSample {
  /** The extension was already active when the runner started (its onStartupFinished event came first). */
  alreadyActive: boolean;
  /** extension.activate() as called here, from not activated (module load + activate + VS Code's context set-up); only the rest of it if an onStartupFinished activation was already under way. */
  activateCallMs?: number;
  /** VS Code's own marks around require() of dist/extension.js (Date.now(): whole milliseconds). */
  moduleLoadMs?: number;
  /** VS Code's own marks around calling activate() until it returned (whole milliseconds). */
  activateMs?: number;
  /** activate()'s body as the extension measures it (VoxnoteApi.activationMs). */
  activateBodyMs: number;
}

export interface HostResult {
  activation: ActivationSample;
  finalToDocumentMs?: number[];
  /** A plain TextEditor.edit of one word to its document change: the workbench's round trip alone. */
  plainEditMs?: number[];
  /** Finals the worker sent (each one reached the document, or the run fails). */
  finals?: number;
  /** A `ready` came during the dictation session: the worker was NOT warm (voxnote.preloadModel did not preload). */
  loadedDuringSession?: boolean;
  pushToTalkMs?: number[];
}
