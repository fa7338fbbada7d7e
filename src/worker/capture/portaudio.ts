/**
 * Live capture through PortAudio (naudiodon 2.3.6's N-API addon), for machines
 * without parec/pw-record (Windows, macOS) and as a Linux alternative.
 *
 * The addon is loaded directly, not through naudiodon's index.js: that file
 * requires the NAN-based segfault-handler (unbuilt here; breaks in Electron) and
 * writes crash.log into the cwd. The read loop below replaces its Readable.
 *
 * Caveats measured on Linux (shared/docs/audio-in-ci.md):
 * - Through PulseAudio, PortAudio sees only "pulse" and "default"; the source is
 *   chosen by PULSE_SOURCE, which libpulse reads when the stream is opened. We set
 *   it in process.env just around create(), so one capture may open at a time per
 *   process (the worker runs one capture per process).
 * - When the sound server dies, reads never complete and nothing is reported; the
 *   watchdog (watchdog.ts) detects it and stop() does not wait for that read.
 *   Await stop() before the process exits: with the stream left open after the
 *   server died, process.exit() hung (>30 s); after stop() it exits at once.
 * - The addon printf()s banners to the process's stdout (fd 1) on create and stop.
 * - PortAudio's paInputOverflow reaches JS only with closeOnError, and then the
 *   chunk read with it is thrown away (src/PaContext.cc checkStatus, AudioIO.cc
 *   readComplete): lost input is found from the clock instead (gapDetector.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MicSource } from '../../shared/protocol';
import { CHUNK_BYTES, SAMPLE_RATE } from '../audio/format';
import type { Capture, CaptureHandlers, OpenCapture } from './capture';
import { VoxnoteError } from '../../shared/errors';
import { readPulseState, resolvePulseSource, type PulseState } from './pulse';
import { deliverWatchingGaps } from './gapDetector';

export interface PaDevice {
  id: number;
  name: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  hostAPIName: string;
}

interface PaHostApis {
  defaultHostAPI: number;
  HostAPIs: { id: number; name: string; defaultInput: number }[];
}

interface ReadResult {
  buf?: Buffer;
  finished?: boolean;
  err?: string;
}

interface AudioIO {
  start(): void;
  read(bytes: number): Promise<ReadResult>;
  quit(mode: 'WAIT' | 'ABORT'): Promise<void>;
}

export interface Naudiodon {
  getDevices(): PaDevice[];
  getHostAPIs(): PaHostApis;
  create(options: { inOptions: Record<string, number | boolean> }): AudioIO;
}

/** PortAudio callback buffers naudiodon may hold while the worker decodes (about 10 s at 10 ms each). */
const MAX_QUEUED_BUFFERS = 1000;
/** How long stop() waits for PortAudio to close before giving up on it. */
const QUIT_TIMEOUT_MS = 1000;

const BUILD_HINT =
  'Build naudiodon\'s native addon (cd node_modules/naudiodon && npx node-gyp rebuild; needs g++, make, python3), ' +
  'or use the pulse back-end.';

/**
 * The addon, with PortAudio's library beside it: a packaged extension carries it
 * next to the bundle (dist/native), else naudiodon's build folder.
 */
export function naudiodonAddonPath(): string {
  const packaged = path.join(__dirname, 'native', 'naudiodon.node');
  if (fs.existsSync(packaged)) return packaged;
  return path.join(path.dirname(require.resolve('naudiodon/package.json')), 'build', 'Release', 'naudiodon.node');
}

let cached: Naudiodon | undefined;
/** Loads the addon once. Throws VoxnoteError 'no-capture-tool' saying why it cannot. */
export function loadNaudiodon(): Naudiodon {
  if (cached) return cached;
  let file: string;
  try {
    file = naudiodonAddonPath();
  } catch (e) {
    throw new VoxnoteError('no-capture-tool', `naudiodon is not installed: ${(e as Error).message}`, BUILD_HINT);
  }
  if (!fs.existsSync(file)) {
    throw new VoxnoteError('no-capture-tool', `naudiodon's native addon is not built (no ${file})`, BUILD_HINT);
  }
  try {
    // A plain require of the .node: bundlers must leave it external.
    cached = require(file) as Naudiodon;
  } catch (e) {
    cached = retryWithBundledPortAudio(file, e as Error);
  }
  return cached;
}

/**
 * node-gyp links the addon with an absolute RUNPATH to its build folder, so a
 * moved node_modules (a packaged extension) cannot find libportaudio.so.2.
 * Loading the bundled copy first by path (koffi keeps it loaded) satisfies it.
 */
function retryWithBundledPortAudio(file: string, first: Error): Naudiodon {
  const lib = path.join(path.dirname(file), 'libportaudio.so.2');
  if (!/libportaudio/.test(first.message) || !fs.existsSync(lib)) {
    throw new VoxnoteError('no-capture-tool', `naudiodon's native addon failed to load: ${first.message}`, BUILD_HINT);
  }
  try {
    (require('koffi') as { load(path: string): unknown }).load(lib);
    return require(file) as Naudiodon;
  } catch (e) {
    throw new VoxnoteError('no-capture-tool', `naudiodon's native addon failed to load: ${first.message}; ${(e as Error).message}`, BUILD_HINT);
  }
}

/** PortAudio input devices, with the default host API's default input marked. */
export function portAudioInputs(addon: Naudiodon): (PaDevice & { isDefault: boolean })[] {
  const apis = addon.getHostAPIs();
  const defaultInput = apis.HostAPIs.find((h) => h.id === apis.defaultHostAPI)?.defaultInput;
  return addon
    .getDevices()
    .filter((d) => d.maxInputChannels > 0)
    .map((d) => ({ ...d, isDefault: d.id === defaultInput }));
}

interface Plan {
  deviceId: number;
  device: string;
  pulseSource?: string;
}

async function pulseState(): Promise<PulseState | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return await readPulseState();
  } catch {
    return undefined; // no pactl or no server: plain ALSA/OSS devices only
  }
}

async function plan(addon: Naudiodon, source: MicSource): Promise<Plan> {
  // getDevices and getHostAPIs each re-initialise PortAudio (~50-130 ms, blocking): ask for the default only when needed.
  const inputs = addon.getDevices().filter((d) => d.maxInputChannels > 0);
  const byName = source.device ? inputs.find((d) => d.name === source.device) : undefined;
  if (byName) return { deviceId: byName.id, device: byName.name };

  const state = await pulseState();
  const pulse = inputs.find((d) => d.name === 'pulse');
  if (state && pulse) {
    // Any source the server knows, including monitors, is reached through the "pulse" device.
    const name = resolvePulseSource(source, state);
    return { deviceId: pulse.id, device: name, pulseSource: name };
  }
  if (source.kind === 'mic' && !source.device) {
    const def = portAudioInputs(addon).find((d) => d.isDefault) ?? inputs[0];
    if (def) return { deviceId: def.id, device: def.name };
  }
  const names = inputs.map((d) => d.name);
  throw new VoxnoteError(
    'device-not-found',
    source.device
      ? `No PortAudio input named "${source.device}". Available: ${names.join(', ') || 'none'}.`
      : source.kind === 'system'
        ? `PortAudio has no system-audio input to pick by default. Available inputs: ${names.join(', ') || 'none'}.`
        : 'PortAudio found no input device.',
    source.kind === 'system'
      ? 'Choose a loopback input (a PulseAudio monitor, "Stereo Mix" on Windows, or BlackHole on macOS) with Voxnote: Select Microphone.'
      : 'Connect a microphone, or choose another device with Voxnote: Select Microphone.',
  );
}

function withPulseSource<T>(name: string | undefined, open: () => T): T {
  if (name === undefined) return open();
  const before = process.env.PULSE_SOURCE;
  process.env.PULSE_SOURCE = name;
  try {
    return open();
  } finally {
    if (before === undefined) delete process.env.PULSE_SOURCE;
    else process.env.PULSE_SOURCE = before;
  }
}

const timeout = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export const openPortAudioCapture: OpenCapture<MicSource> = async (source, handlers: CaptureHandlers) => {
  const addon = loadNaudiodon();
  const p = await plan(addon, source);
  let io: AudioIO | undefined;
  try {
    io = withPulseSource(p.pulseSource, () =>
      addon.create({
        inOptions: {
          channelCount: 1,
          sampleFormat: 16,
          sampleRate: SAMPLE_RATE,
          deviceId: p.deviceId,
          // Overflow notices are not fatal: dictation should go on.
          closeOnError: false,
          // naudiodon queues 2 callback buffers by default, then blocks PortAudio's callback, which then drops audio:
          // room for seconds of audio instead, so a long decode is caught up on (one read per queued buffer), not lost.
          maxQueue: MAX_QUEUED_BUFFERS,
        },
      }),
    );
    io.start();
  } catch (e) {
    void io?.quit('ABORT').catch(() => undefined);
    throw new VoxnoteError(
      'capture-failed',
      `PortAudio could not open ${p.device}: ${(e as Error).message}`,
      'Check that the device is free and connected, or try the pulse back-end.',
    );
  }

  const stream = io;
  const deliver = deliverWatchingGaps(handlers);
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      let r: ReadResult;
      try {
        // One 100 ms chunk per read (naudiodon's "highwaterMark: 3200").
        r = await stream.read(CHUNK_BYTES);
      } catch (e) {
        r = { err: (e as Error).message };
      }
      if (stopping) return;
      if (r.err) {
        stopping = true;
        handlers.onError(new VoxnoteError('capture-failed', `PortAudio stopped recording ${p.device}: ${r.err}`,
          'Start dictation again; if it keeps failing, choose another device with Voxnote: Select Microphone.'));
        return;
      }
      if (r.buf && r.buf.length) deliver(r.buf);
      if (r.finished) {
        stopping = true;
        handlers.onError(new VoxnoteError('capture-failed', `PortAudio input ${p.device} ended`,
          'Start dictation again, or choose another device with Voxnote: Select Microphone.'));
        return;
      }
    }
  })();

  let stopped: Promise<void> | undefined;
  const capture: Capture = {
    backend: 'portaudio',
    device: p.device,
    stop() {
      stopping = true;
      // After a dead sound server, quit and the pending read may never settle: do not wait for them.
      stopped ??= Promise.race([Promise.all([stream.quit('ABORT').catch(() => undefined), loop]).then(() => undefined), timeout(QUIT_TIMEOUT_MS)]);
      return stopped;
    },
  };
  return capture;
};
