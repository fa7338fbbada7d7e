/**
 * Finds audio a recorder skipped without saying so, from the samples it
 * delivered against the monotonic clock. Neither parec/pw-record nor naudiodon
 * report a lost stretch of input: PulseAudio notifies overflows for playback
 * streams only (pacat prints "Stream overrun." only with -v, and only for
 * those); naudiodon 2.3.6 printf()s PortAudio's paInputOverflow unless
 * closeOnError is set, and then throws away the chunk read with it; its buffer
 * timestamps are whole seconds.
 *
 * lag = wall time since the first chunk − audio delivered. It is a constant
 * plus the recorder's latency plus what was lost. A backlog (this process busy,
 * the recorder or the sound server holding audio) raises it until it is read,
 * and a burst of reads brings it back; audio that never comes raises it for
 * good. So the lowest lag seen is the floor, and a rise is reported once the
 * lag has stayed more than TOLERANCE above it for SETTLE seconds while audio
 * kept flowing at about real time (a steady stream again, not a drain); its
 * size is the lowest lag in the second half of that time.
 */
import { SAMPLE_RATE } from '../audio/format';
import type { CaptureHandlers } from './capture';

/** Rises smaller than this are jitter (a loaded machine's late reads, the recorder's fragments). */
export const GAP_TOLERANCE_SECONDS = 0.4;
/** How long a rise must hold, with audio flowing, before it counts as lost audio. */
export const GAP_SETTLE_SECONDS = 1;
/** The floor follows a device clock up to this much slower than the machine's (seconds per second). */
const DRIFT = 0.001;
/** Audio that must arrive per second of the settle time: a flow at real time, not a backlog still growing. */
const FLOW = 0.8;

export interface Gap {
  /** Seconds of audio missing. */
  seconds: number;
  /** Seconds of audio delivered before the gap. */
  atSeconds: number;
}

export class GapDetector {
  private t0: number | undefined;
  private last = 0;
  private samples = 0;
  private floor = Infinity;
  /**
   * A rise above the floor: the samples before it, and its steady stretch so far (audio arriving without a pause):
   * since when, the samples then, the lowest lag in its second half (once the hole and any drain are over).
   */
  private rise: { samples: number; since: number; sinceSamples: number; min: number } | undefined;

  constructor(
    private readonly sampleRate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Counts `count` samples just delivered; returns the gap when one is now certain (once per gap). */
  push(count: number): Gap | undefined {
    const now = this.now();
    const before = this.samples;
    this.samples += count;
    if (this.t0 === undefined) this.t0 = now;
    const lag = (now - this.t0) / 1000 - this.samples / this.sampleRate;
    const dt = (now - this.last) / 1000;
    this.last = now;
    if (lag <= this.floor + GAP_TOLERANCE_SECONDS) {
      this.rise = undefined;
      this.floor = lag < this.floor ? lag : Math.min(lag, this.floor + DRIFT * dt);
      return undefined;
    }
    if (!this.rise) {
      this.rise = { since: now, samples: before, sinceSamples: before, min: Infinity };
      return undefined;
    }
    if (dt > GAP_SETTLE_SECONDS / 2) {
      // Nothing came for a while (more of the hole, or a stall): the steady stretch starts again here.
      Object.assign(this.rise, { since: now, sinceSamples: before, min: Infinity });
      return undefined;
    }
    const held = (now - this.rise.since) / 1000;
    if (held >= GAP_SETTLE_SECONDS / 2) this.rise.min = Math.min(this.rise.min, lag);
    const flowed = (this.samples - this.rise.sinceSamples) / this.sampleRate;
    if (held < GAP_SETTLE_SECONDS || flowed < FLOW * held) return undefined;
    const gap = { seconds: this.rise.min - this.floor, atSeconds: this.rise.samples / this.sampleRate };
    this.floor = this.rise.min;
    this.rise = undefined;
    return gap;
  }
}

/** For a back-end that reports no loss itself: passes each 16 kHz chunk on, and reports a gap the clock shows. */
export function deliverWatchingGaps(handlers: Pick<CaptureHandlers, 'onData' | 'onDropped'>): (pcm: Buffer) => void {
  const gaps = new GapDetector(SAMPLE_RATE);
  return (pcm) => {
    handlers.onData(pcm);
    const gap = gaps.push(pcm.length / 2);
    if (gap) handlers.onDropped?.(gap.seconds, gap.atSeconds);
  };
}
