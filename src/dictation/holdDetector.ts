/**
 * Push-to-talk from a key VS Code only reports going down. Extensions get no
 * key-up: holding the key re-runs the command through OS key repeat, first
 * after an initial delay (250-660 ms on common systems; X11 defaults to 660,
 * GNOME and Windows to about 500), then every 30-50 ms. So a release is
 * inferred when the repeats stop, and the numbers below are what separates
 * "the key is still down" from "it came up".
 *
 * Listening always starts on the first press, so no speech is lost while a
 * press is being classified; only the stop is decided later.
 *
 * Timeline of one key-down with the defaults:
 * - First press at 0. Until a repeat arrives the key may still be down inside
 *   the OS initial delay, so release is assumed only after
 *   `firstRepeatTimeoutMs` (750 = X11's 660 + slack for command dispatch) with
 *   no repeat. A tap therefore ends 750 ms after its press.
 * - Once repeats flow, the key is released when none arrived for
 *   max(`minReleaseGapMs` 150, `releaseGapFactor` 3 × the repeat interval),
 *   the interval being the larger of `repeatIntervalMs` (50) and the slowest
 *   seen in this hold, so slow repeat rates do not look like releases.
 * - Any press while the key is down is that key's repeat, including a second
 *   tap inside the first-repeat window: a double tap counts as one press.
 *
 * Modes:
 * - hold: listen from the press until release, plus `releaseTailMs`.
 * - toggle: each press flips listening at the press; its repeats are ignored.
 * - auto: a press while idle starts listening. Held for at least
 *   `holdThresholdMs` (500; time from press to its last repeat) it behaves as
 *   hold; shorter (a tap, or a short hold) it stays on like toggle. A press
 *   while toggled on stops at the press.
 *
 * After a release the detector keeps listening `releaseTailMs` (300) so the
 * last word and the audio in flight are not cut, then calls onStop. A press
 * during that tail cancels the stop and continues the same hold: it is either
 * the user pressing again or repeats delayed by a busy extension host.
 */
import { type PushToTalkMode, SETTING_DEFAULTS } from '../shared/settings';

/** Injected so tests can drive time; `systemClock` is the real one. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface HoldDetectorOptions {
  mode: PushToTalkMode;
  /** No repeat this long after a press means the key was released (must exceed the OS initial delay). */
  firstRepeatTimeoutMs?: number;
  /** Expected OS repeat interval; the release gap never assumes a faster one. */
  repeatIntervalMs?: number;
  /** Release gap as a multiple of the repeat interval. */
  releaseGapFactor?: number;
  /** Shortest release gap, so event-loop jitter between repeats is not a release. */
  minReleaseGapMs?: number;
  /** auto: a press held this long is push-to-talk rather than a toggle. */
  holdThresholdMs?: number;
  /** Extra listening after a release before onStop. */
  releaseTailMs?: number;
}

export const DEFAULT_HOLD_TIMING = Object.freeze({
  firstRepeatTimeoutMs: 750,
  repeatIntervalMs: 50,
  releaseGapFactor: 3,
  minReleaseGapMs: 150,
  holdThresholdMs: 500,
  releaseTailMs: SETTING_DEFAULTS['pushToTalk.releaseTailMs'],
});

export type StopReason = 'release' | 'toggle';

export interface HoldDetectorEvents {
  onStart(): void;
  onStop(event: { reason: StopReason }): void;
}

/** What the key's release will mean: end a hold, decide hold-or-toggle (auto), or nothing. */
type Purpose = 'hold' | 'classify' | 'ignore';

interface KeyDown {
  since: number;
  last: number;
  repeats: number;
  slowestInterval: number;
  purpose: Purpose;
}

export class HoldDetector {
  private readonly timing: Required<Omit<HoldDetectorOptions, 'mode'>>;
  private isListening = false;
  private key: KeyDown | undefined;
  private releaseTimer: unknown;
  private tailTimer: unknown;
  private disposed = false;

  constructor(
    private readonly options: HoldDetectorOptions,
    private readonly events: HoldDetectorEvents,
    private readonly clock: Clock = systemClock,
  ) {
    const { mode: _mode, ...timing } = options;
    this.timing = { ...DEFAULT_HOLD_TIMING, ...definedOnly(timing) };
  }

  get listening(): boolean {
    return this.isListening;
  }

  /** The key is down as far as we can tell: a press now is its repeat. */
  get keyHeld(): boolean {
    return this.key !== undefined;
  }

  /** The push-to-talk command ran: a key press or one of its repeats. */
  press(): void {
    if (this.disposed) return;
    const now = this.clock.now();
    if (this.key) {
      this.repeat(now);
      return;
    }
    if (this.tailTimer !== undefined) {
      this.clearTimer('tailTimer');
      this.keyDown(now, 'hold');
      return;
    }
    const mode = this.options.mode;
    // Listening with the key up and no tail pending means toggled on (hold mode never gets here).
    if (this.isListening) {
      this.keyDown(now, 'ignore');
      this.stop('toggle');
      return;
    }
    this.keyDown(now, mode === 'hold' ? 'hold' : mode === 'toggle' ? 'ignore' : 'classify');
    this.isListening = true;
    this.events.onStart();
  }

  /**
   * The caller stopped listening some other way (a button, an error): forget
   * the session without calling onStop. A key still held stays tracked so
   * its repeats do not start a new session.
   */
  reset(): void {
    this.clearTimer('tailTimer');
    this.isListening = false;
    if (this.key) this.key.purpose = 'ignore';
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer('releaseTimer');
    this.clearTimer('tailTimer');
    this.key = undefined;
    this.isListening = false;
  }

  private keyDown(now: number, purpose: Purpose): void {
    this.key = { since: now, last: now, repeats: 0, slowestInterval: 0, purpose };
    this.armRelease(this.timing.firstRepeatTimeoutMs);
  }

  private repeat(now: number): void {
    const key = this.key!;
    // The first repeat's distance is the OS initial delay, not the repeat interval.
    if (key.repeats > 0) key.slowestInterval = Math.max(key.slowestInterval, now - key.last);
    key.repeats++;
    key.last = now;
    const interval = Math.max(this.timing.repeatIntervalMs, key.slowestInterval);
    this.armRelease(Math.max(this.timing.minReleaseGapMs, this.timing.releaseGapFactor * interval));
  }

  private armRelease(ms: number): void {
    this.clearTimer('releaseTimer');
    this.releaseTimer = this.clock.setTimeout(() => {
      this.releaseTimer = undefined;
      this.released();
    }, ms);
  }

  private released(): void {
    const key = this.key!;
    this.key = undefined;
    const hold = key.purpose === 'hold' || (key.purpose === 'classify' && key.last - key.since >= this.timing.holdThresholdMs);
    if (!hold || !this.isListening) return;
    if (this.timing.releaseTailMs <= 0) {
      this.stop('release');
      return;
    }
    this.tailTimer = this.clock.setTimeout(() => {
      this.tailTimer = undefined;
      this.stop('release');
    }, this.timing.releaseTailMs);
  }

  private stop(reason: StopReason): void {
    this.isListening = false;
    this.events.onStop({ reason });
  }

  private clearTimer(which: 'releaseTimer' | 'tailTimer'): void {
    if (this[which] === undefined) return;
    this.clock.clearTimeout(this[which]);
    this[which] = undefined;
  }
}

/** `{ releaseTailMs: undefined }` must not override the default. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
