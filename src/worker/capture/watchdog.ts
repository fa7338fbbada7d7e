/**
 * Turns "no audio for a while" into an error. Some back-ends fail silently:
 * naudiodon emits nothing when the sound server dies, and a suspended or
 * unplugged device can just stop delivering (shared/docs/audio-in-ci.md).
 */
import type { CaptureHandlers } from './capture';
import { VoxnoteError } from '../../shared/errors';

export const STALL_SECONDS = 3;

export interface Watchdog {
  /** Pass these to the OpenCapture function instead of the originals. */
  readonly handlers: CaptureHandlers;
  /** Starts timing once the capture is open; `device` names it in the hint. */
  start(device: string): void;
  /** Stops timing (call when stopping the capture). */
  stop(): void;
  /** True once the stall was reported. */
  readonly stalled: boolean;
}

/**
 * Wraps `handlers`: after start(), a gap of `seconds` with no onData calls
 * onError(VoxnoteError 'capture-stalled') once; after that nothing more is
 * passed on, so a late chunk cannot follow the error. The caller still stops
 * the capture.
 */
export function watchCapture(handlers: CaptureHandlers, seconds = STALL_SECONDS): Watchdog {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  let stalled = false;

  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  return {
    handlers: {
      onData(pcm) {
        if (done) return;
        timer?.refresh();
        handlers.onData(pcm);
      },
      onDropped(seconds, skippedAt) {
        if (!done) handlers.onDropped?.(seconds, skippedAt);
      },
      onEnd() {
        if (done) return;
        done = true;
        disarm();
        handlers.onEnd();
      },
      onError(error) {
        if (done) return;
        done = true;
        disarm();
        handlers.onError(error);
      },
    },
    start(device) {
      if (done || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (done) return;
        done = true;
        stalled = true;
        handlers.onError(
          new VoxnoteError(
            'capture-stalled',
            `No audio from ${device} for ${seconds} s.`,
            `No audio from ${device} for ${seconds} s. Check that the device is connected and not muted, ` +
              'or choose another with Voxnote: Select Microphone.',
          ),
        );
      }, seconds * 1000);
    },
    stop() {
      done = true;
      disarm();
    },
    get stalled() {
      return stalled;
    },
  };
}
