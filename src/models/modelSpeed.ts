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

/** What the speed test says: the model keeps up with live speech, or it is for files. */
export type SpeedVerdict = 'live' | 'files';

export const speedVerdict = (rtf: number): SpeedVerdict => (keepsUpLive(rtf) ? 'live' : 'files');

/**
 * How often a non-streaming model (decoded by segments, vadStream.ts) re-decodes
 * the open segment for a partial. Streaming models and Vosk make partials as
 * they decode, at no extra cost, so this applies to the segment path only.
 */
export interface PartialCadence {
  /** Share of one core partials may use; 0: no partials. */
  partialShare: number;
  /** New speech, in seconds, a partial waits for, the first of a segment included. */
  partialSeconds: number;
}

/** Finals plus partials keep the decoder busy at most this share of the time, so a final starts soon after speech ends. */
const BUSY_LIMIT = 0.75;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * The cadence the measured real-time factor sets (models/README.md, "Test Model Speed");
 * without a measurement the worker's defaults hold (a share of 0.25, 1 s):
 * - a model too slow for live dictation gets no partials: every decode goes to
 *   finals, which are late already;
 * - otherwise partials take what finals leave under BUSY_LIMIT, between 0.25
 *   (the old fixed share) and 0.5;
 * - a partial waits for 5 × rtf seconds of new speech, at least 0.5 s and at most
 *   1 s: a fast model shows its first words after half a second, a slower one
 *   waits until its partial costs at most a fifth of the speech it covers, so
 *   the first partials are not spent on a word or two that the next replaces.
 */
export function partialCadence(rtf: number): PartialCadence {
  if (!keepsUpLive(rtf)) return { partialShare: 0, partialSeconds: 1 };
  return { partialShare: clamp(BUSY_LIMIT - rtf, 0.25, 0.5), partialSeconds: clamp(5 * rtf, 0.5, 1) };
}

/** "0.12 s": how long a second of speech takes to decode, for people. */
const perSecond = (rtf: number) => `${Number(rtf.toPrecision(2))} s`;

/**
 * What Test Model Speed says, the same in the editor and the CLI. `pick`: a
 * model to use for live dictation instead (an installed one measured fast
 * enough, or the catalogue's recommendation); none when nothing is known.
 */
export function speedMessage(model: string, rtf: number, pick?: string): string {
  const took = `it decodes a second of speech in ${perSecond(rtf)} on this machine`;
  if (keepsUpLive(rtf)) return `"${model}" is fast enough for live dictation: ${took}.`;
  const instead = pick ? `for live dictation pick "${pick}"` : 'for live dictation pick a smaller model (Voxnote: Download Model…)';
  return `"${model}" is too slow for live dictation (${took}): use it for files; ${instead}.`;
}

/** The machine's yardstick (recommend.ts): the bundled Silero VAD's real-time factor here, measured once per core count. */
export interface MachineYardstick {
  vadRtf: number;
  cores: number;
  measuredAt: string;
}

const YARDSTICK_KEY = 'voxnote.machineYardstick.v1';

export function readYardstick(store: SpeedMemento, cores: number): MachineYardstick | undefined {
  const record = store.get<MachineYardstick>(YARDSTICK_KEY);
  return record && record.cores === cores ? record : undefined;
}

export async function writeYardstick(store: SpeedMemento, yardstick: MachineYardstick): Promise<void> {
  await store.update(YARDSTICK_KEY, yardstick);
}
