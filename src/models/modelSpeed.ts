/**
 * What "Voxnote: Test Model Speed" measured, per model folder, and the one
 * rule that reads it: whether a model keeps up with live speech on this
 * machine. The speed test writes records; the recommendation, the partial
 * cadence and the two-pass default read them. No VS Code API here: the
 * store is any Memento-like get/update (globalState in the extension).
 */

/** One measurement of a model on this machine. */
export interface ModelSpeed {
  /** Real-time factor: wall seconds of decoding per second of audio, lower is faster. */
  rtf: number;
  /** Decode threads the measurement used. */
  threads: number;
  /** Logical cores of the machine when measured: a record from another machine is not trusted. */
  cores: number;
  /** ISO date of the measurement. */
  measuredAt: string;
}

export interface SpeedMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const KEY = 'voxnote.modelSpeed.v1';

/**
 * Share of one core live decoding may take and still keep up while the
 * editor, capture and partials run beside it.
 */
export const LIVE_RTF_LIMIT = 0.5;

export function readSpeed(store: SpeedMemento, modelFolder: string, cores: number): ModelSpeed | undefined {
  const record = store.get<Record<string, ModelSpeed>>(KEY)?.[modelFolder];
  return record && record.cores === cores ? record : undefined;
}

export async function writeSpeed(store: SpeedMemento, modelFolder: string, speed: ModelSpeed): Promise<void> {
  await store.update(KEY, { ...(store.get<Record<string, ModelSpeed>>(KEY) ?? {}), [modelFolder]: speed });
}

/** True when a model measured at `rtf` keeps up with live dictation. */
export function keepsUpLive(rtf: number): boolean {
  return rtf <= LIVE_RTF_LIMIT;
}
