/**
 * Picks the capture back-end for a source. Live sources get the stall watchdog:
 * some back-ends fail silently, and a session must never hang.
 */
import { VoxnoteError } from '../../shared/errors';
import { defaultBackend, type CaptureBackend, type MicSource, type Source } from '../../shared/protocol';
import { Capture, CaptureHandlers, OpenCapture } from './capture';
import { openFileSource } from './file';
import { openPortAudioCapture } from './portaudio';
import { openProcessTapCapture, useProcessTap } from './processTap';
import { openPulseCapture } from './pulse';
import { openPvRecorderCapture } from './pvrecorder';
import { watchCapture } from './watchdog';

const BACKENDS: Record<CaptureBackend, OpenCapture<MicSource>> = {
  pulse: openPulseCapture,
  portaudio: openPortAudioCapture,
  pvrecorder: openPvRecorderCapture,
};

const platformBackend = (): CaptureBackend => defaultBackend(process.platform);

async function openLive(source: MicSource, handlers: CaptureHandlers): Promise<Capture> {
  if (source.backend) return BACKENDS[source.backend](source, handlers);
  // macOS 14.2+: system audio with no device named needs no BlackHole.
  if (source.kind === 'system' && !source.device && useProcessTap()) return openProcessTapCapture(handlers);
  try {
    return await BACKENDS[platformBackend()](source, handlers);
  } catch (e) {
    // No parec or pw-record: PvRecorder (shipped) reaches the sound server or ALSA directly.
    if (!(e instanceof VoxnoteError) || e.code !== 'no-capture-tool' || platformBackend() !== 'pulse') throw e;
    return openPvRecorderCapture(source, handlers).catch(() => Promise.reject(e));
  }
}

export async function openCapture(source: Source, handlers: CaptureHandlers): Promise<Capture> {
  if (source.kind === 'file') return openFileSource(source, handlers);
  const watchdog = watchCapture(handlers);
  const capture = await openLive(source, watchdog.handlers);
  watchdog.start(capture.device);
  return {
    backend: capture.backend,
    device: capture.device,
    flush: () => capture.flush?.(),
    stop: () => {
      watchdog.stop();
      return capture.stop();
    },
  };
}
