/**
 * Meeting time: wall time since the start, less the time paused. Read from the
 * wall clock (Date.now), not a monotonic one, because a snapshot must mean the
 * same thing after a window reload or in another process: the journal keeps the
 * last snapshot, and a resumed meeting continues from it.
 */
import type { ClockSnapshot } from './notesJournal';

export class MeetingClock {
  private m: number;
  private at: number;
  private isRunning: boolean;

  /**
   * A new clock at 0, running; or one continued from a journal snapshot. A
   * snapshot taken while running keeps running through the time since it was
   * taken: the meeting went on while Voxnote was not there to hear it.
   */
  constructor(
    private readonly now: () => number = Date.now,
    from: ClockSnapshot = { m: 0, at: now(), running: true },
  ) {
    this.m = from.m;
    this.at = from.at;
    this.isRunning = from.running;
  }

  /** Meeting seconds now. */
  seconds(): number {
    return this.isRunning ? this.m + Math.max(0, this.now() - this.at) / 1000 : this.m;
  }

  get running(): boolean {
    return this.isRunning;
  }

  pause(): ClockSnapshot {
    return this.set(false);
  }

  resume(): ClockSnapshot {
    return this.set(true);
  }

  snapshot(): ClockSnapshot {
    return { m: this.seconds(), at: this.now(), running: this.isRunning };
  }

  private set(running: boolean): ClockSnapshot {
    this.m = this.seconds();
    this.at = this.now();
    this.isRunning = running;
    return this.snapshot();
  }
}
