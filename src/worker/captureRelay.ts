/**
 * Keeps a live capture open across a `stop`, so that a `start` right after it
 * (a press while the last dictation is still stopping) continues the same
 * capture: nothing has to open, and no audio after the press is lost. While
 * parked, audio goes to nobody; only the last moments are held, for the start
 * that may arrive. The worker closes a parked capture as soon as the stopped
 * recognition has finished (its last final out), or when another source is
 * started.
 */
import type { Capture, CaptureHandlers, OpenCapture } from './capture/capture';
import type { Source } from '../shared/protocol';
import { SAMPLE_RATE } from './audio/format';

/** Audio held while parked: covers the start command's trip from the press to here. */
const HOLD_MS = 50;

export class CaptureRelay implements Capture {
  private handlers?: CaptureHandlers;
  private held: Array<{ at: number; pcm: Buffer }> = [];
  private inner!: Capture;
  /** When the capture delivered its first audio to the current recognition (performance.now()). */
  firstAudioAt?: number;
  /** Bytes the capture delivered, and where the current recognition's audio began among them (a drop's place is its own). */
  private captured = 0;
  private base = 0;

  private constructor(readonly source: Source) {}

  static async open(source: Source, handlers: CaptureHandlers, open: OpenCapture): Promise<CaptureRelay> {
    const relay = new CaptureRelay(source);
    relay.handlers = handlers;
    relay.inner = await open(source, {
      onData: (pcm) => relay.onData(pcm),
      onDropped: (seconds, skippedAt) =>
        relay.handlers?.onDropped?.(seconds, skippedAt === undefined ? undefined : Math.max(0, skippedAt - relay.base / 2 / SAMPLE_RATE)),
      onEnd: () => relay.handlers?.onEnd(),
      onError: (e) => relay.handlers?.onError(e),
    });
    return relay;
  }

  get backend(): Capture['backend'] {
    return this.inner.backend;
  }

  get device(): string {
    return this.inner.device;
  }

  get parked(): boolean {
    return !this.handlers;
  }

  /** The recognition stops: audio goes to nobody until a start adopts the capture or it is closed. */
  stop(): Promise<void> {
    // What was recorded up to the stop still goes to the stopping recognition: its last words.
    this.inner.flush?.();
    this.handlers = undefined;
    this.held = [];
    return Promise.resolve();
  }

  /** A new recognition continues the capture, from the audio that arrived since `since` (performance.now()). */
  adopt(handlers: CaptureHandlers, since: number): void {
    this.handlers = handlers;
    this.firstAudioAt = undefined;
    const held = this.held.filter((c) => c.at >= since - HOLD_MS);
    this.held = [];
    this.base = this.captured - held.reduce((n, c) => n + c.pcm.length, 0);
    for (const c of held) this.deliver(c.pcm, c.at);
  }

  close(): Promise<void> {
    this.handlers = undefined;
    this.held = [];
    return this.inner.stop();
  }

  private onData(pcm: Buffer): void {
    const at = performance.now();
    this.captured += pcm.length;
    if (this.handlers) return this.deliver(pcm, at);
    this.held.push({ at, pcm });
    while (this.held.length && this.held[0].at < at - HOLD_MS) this.held.shift();
  }

  private deliver(pcm: Buffer, at: number): void {
    this.firstAudioAt ??= at;
    this.handlers!.onData(pcm);
  }
}
