/** What bench/targets.ts (the driver) and bench/targetsHost.ts (in the extension host) exchange. */
export const TARGETS_PLAN_ENV = 'VOXNOTE_TARGETS_PLAN';

export interface TargetsPlan {
  /** A workspace file the "save file" command saves. */
  file: string;
  /** `utterances` times "save file", each its own utterance. */
  commandWav: string;
  /** `utterances` one-word utterances, for the commit box. */
  commitWav: string;
  utterances: number;
}
