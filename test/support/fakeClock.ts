/** A manual clock for timer-driven code: time moves only when a test advances it. */
import type { Clock } from '../../src/dictation/holdDetector';

interface Timer {
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** When the next timer is due, if any. */
  nextDue(): number | undefined {
    let at: number | undefined;
    for (const t of this.timers.values()) if (at === undefined || t.at < at) at = t.at;
    return at;
  }

  /** Timers still waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Runs every timer due up to `t`, in time order (creation order on ties),
   * with now() at each timer's due time. Timers due exactly at `t` fire
   * before whatever the test does at `t`.
   */
  advanceTo(t: number): void {
    if (t < this.time) throw new Error(`time goes forward: ${t} < ${this.time}`);
    for (;;) {
      let due: [number, Timer] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= t && (!due || entry[1].at < due[1].at)) due = entry;
      }
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = t;
  }
}
