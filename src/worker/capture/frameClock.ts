/**
 * When to read a ring-buffered recorder (PvRecorder) and what it lost. The
 * recorder fills a fixed ring of frames in real time and overwrites the oldest
 * frames when nobody reads; a read of a frame not yet recorded blocks the
 * worker's event loop (the addon polls every 2 ms). So the reader works from a
 * clock: on each wake-up it reads every frame that is due, all at once, never
 * one it would wait for, and frames due beyond the ring's size were
 * overwritten: lost audio, reported, never silent.
 *
 * The device's clock is not the system's: a read that had to wait, or a probe
 * read of the next frame made just before it is due (about once a second),
 * re-anchors the clock to when a frame really arrived, so drift either way
 * never adds up.
 */

/** A read that took longer than this waited for its frame: the ring was empty. */
export const WAITED_MS = 1;
/** How early a probe read asks for the next frame, at most this long blocked. */
const PROBE_LEAD_MS = 4;
const PROBE_EVERY_MS = 1000;

export interface ReadPlan {
  /** Frames recorded and still in the ring: read them all now. */
  frames: number;
  /** Frames overwritten since the last plan (due beyond the ring's size). */
  lost: number;
}

export class FrameClock {
  /** When the frame before `sinceAnchor` frames ago had just been recorded. */
  private anchorMs: number;
  /** Frames read or counted lost since the anchor. */
  private sinceAnchor = 0;

  constructor(
    private readonly frameMs: number,
    private readonly ringFrames: number,
    startMs: number,
    /** Wake-ups read this many frames each (fewer wake-ups, less CPU). */
    private readonly framesPerWake = 1,
  ) {
    this.anchorMs = startMs;
  }

  private due(nowMs: number): number {
    return Math.floor((nowMs - this.anchorMs) / this.frameMs) - this.sinceAnchor;
  }

  private probeDue(nowMs: number): boolean {
    return nowMs - this.anchorMs >= PROBE_EVERY_MS;
  }

  /** What to read at `nowMs`. Counts the lost frames as consumed. */
  plan(nowMs: number): ReadPlan {
    const due = Math.max(0, this.due(nowMs));
    // One frame of slack: the anchor is only as exact as the device's delivery.
    const lost = due > this.ringFrames + 1 ? due - this.ringFrames : 0;
    this.sinceAnchor += lost;
    return { frames: due - lost, lost };
  }

  /** After the planned reads: read one more frame, the next one, to check the clock (it may wait a few ms)? */
  probeNow(nowMs: number): boolean {
    const next = this.anchorMs + (this.sinceAnchor + 1) * this.frameMs;
    return this.probeDue(nowMs) && next - nowMs <= PROBE_LEAD_MS + 1;
  }

  /** A frame was read, ending at `nowMs`, after `tookMs`; a probe's read always re-anchors. */
  read(nowMs: number, tookMs: number, probe = false): void {
    this.sinceAnchor++;
    if (probe || tookMs > WAITED_MS) {
      // This frame was recorded at (or, for a probe found ready, before) `nowMs`.
      this.anchorMs = nowMs;
      this.sinceAnchor = 0;
    }
  }

  /** Milliseconds to sleep before the next plan: until `framesPerWake` frames are due, or a probe's moment. */
  sleepMs(nowMs: number): number {
    const nextFrame = this.anchorMs + (this.sinceAnchor + 1) * this.frameMs;
    const wake = this.anchorMs + (this.sinceAnchor + this.framesPerWake) * this.frameMs + 1;
    const probeAt = nextFrame - PROBE_LEAD_MS;
    const at = this.probeDue(Math.max(nowMs, probeAt)) && probeAt > nowMs ? Math.min(wake, probeAt) : wake;
    return Math.max(0, at - nowMs);
  }
}
