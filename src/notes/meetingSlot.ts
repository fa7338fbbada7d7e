/**
 * At most one meeting per window. Start Meeting while one exists, even one still
 * opening (resuming into its notes after a reload, waiting for a model), shows
 * that one instead of opening a second: the meeting is in the slot from the
 * moment it is asked for, before any await. No VS Code API here.
 */
import type { Meeting } from './meeting';

export class MeetingSlot<T extends { meeting: Meeting }> {
  private held?: T;

  /** The meeting that has not stopped yet. */
  get current(): T | undefined {
    return this.held && this.held.meeting.current !== 'stopped' ? this.held : undefined;
  }

  /** The meeting under way (asked to show itself), or a new one from `create`. */
  begin(create: () => T): { entry: T; created: boolean } {
    const current = this.current;
    if (current) {
      current.meeting.start();
      return { entry: current, created: false };
    }
    this.held = create();
    return { entry: this.held, created: true };
  }

  /** Forgets `entry` (a meeting that ended). */
  release(entry: T): void {
    if (this.held === entry) this.held = undefined;
  }
}
