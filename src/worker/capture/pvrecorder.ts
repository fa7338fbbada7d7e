/**
 * Live capture through PvRecorder (@picovoice/pvrecorder-node, Apache-2.0):
 * miniaudio behind a prebuilt N-API addon for Windows (WASAPI), macOS (Core
 * Audio) and Linux, shipped inside the npm package, so no compiler is needed.
 * It always delivers 16 kHz mono s16, what the recognizer wants.
 *
 * The addon is loaded directly: the package's JS finds it relative to its own
 * folder, which a bundle does not have. Its read() blocks until a frame is
 * buffered (polling every 2 ms, giving up after ~1 s), so reads run on a
 * thread of their own (READER below) and the worker's event loop stays free.
 * PvRecorder opens capture devices only: Windows loopback of an output is not
 * in its API, so system audio is an input that carries it (Stereo Mix, a
 * virtual cable, BlackHole; see systemAudio.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ErrorCode, MicSource } from '../../shared/protocol';
import { VoxnoteError } from '../../shared/errors';
import type { Capture, CaptureHandlers, OpenCapture } from './capture';
import { isSystemAudioInput, systemAudioHelp } from '../../shared/systemAudio';


/** 50 ms frames: small enough for prompt partials, large enough to read rarely. */
export const FRAME_SAMPLES = 800;
const FRAME_MS = (FRAME_SAMPLES / 16000) * 1000;
const FRAME_SECONDS = FRAME_SAMPLES / 16000;
/** Frames posted together: 100 ms, the recognizer's chunk. */
const BATCH_FRAMES = 2;
/** PvRecorder's own ring, for when the reader thread itself is starved: 2.5 s. */
const RING_FRAMES = 50;
/** Audio held for a busy recognizer by default: 10 s (320 KB), so a slow decode or a busy machine loses nothing. */
const BACKLOG_SECONDS = 10;

/** pv_recorder_status_t */
export const PV_STATUS = [
  'SUCCESS', 'OUT_OF_MEMORY', 'INVALID_ARGUMENT', 'INVALID_STATE', 'BACKEND_ERROR',
  'DEVICE_ALREADY_INITIALIZED', 'DEVICE_NOT_INITIALIZED', 'IO_ERROR', 'RUNTIME_ERROR',
] as const;
const IO_ERROR = 7;

/** The addon's functions (project/node/pv_recorder_napi.c). */
export interface PvRecorderAddon {
  init(frameLength: number, deviceIndex: number, bufferedFrames: number): { handle: bigint | number; status: number };
  start(handle: bigint | number): number;
  stop(handle: bigint | number): number;
  read(handle: bigint | number, pcm: Int16Array): number;
  delete(handle: bigint | number): void;
  get_selected_device(handle: bigint | number): string;
  get_available_devices(): string[];
}

/** The folder names PvRecorder's package uses for each platform we ship. */
const LIB_DIRS: Record<string, string> = {
  'linux-x64': 'linux/x86_64',
  'win32-x64': 'windows/amd64',
  'darwin-x64': 'mac/x86_64',
  'darwin-arm64': 'mac/arm64',
};

/** dist/native/pv_recorder.node in a packaged extension, else the package's own copy. */
export function pvRecorderAddonPath(platform = process.platform, arch = process.arch): string {
  const packaged = path.join(__dirname, 'native', 'pv_recorder.node');
  if (fs.existsSync(packaged)) return packaged;
  const dir = LIB_DIRS[`${platform}-${arch}`];
  if (!dir) throw new VoxnoteError('no-capture-tool', `PvRecorder has no capture library for ${platform}-${arch}`, 'Use the pulse back-end on Linux.');
  return path.join(path.dirname(require.resolve('@picovoice/pvrecorder-node/package.json')), 'lib', dir, 'pv_recorder.node');
}

const REINSTALL_HINT = 'Reinstall Voxnote (its package for this platform carries the capture library), or report it with the message above.';

let cached: PvRecorderAddon | undefined;
/** The addon's file, for the reader thread to load it too (an N-API addon loads in any thread). */
let loadedFrom: string | undefined;
/** Loads the addon once. Throws VoxnoteError 'no-capture-tool' saying why it cannot. */
export function loadPvRecorder(): PvRecorderAddon {
  if (cached) return cached;
  let file: string;
  try {
    file = pvRecorderAddonPath();
  } catch (e) {
    if (e instanceof VoxnoteError) throw e;
    throw new VoxnoteError('no-capture-tool', `PvRecorder is not installed: ${(e as Error).message}`, REINSTALL_HINT);
  }
  try {
    cached = require(file) as PvRecorderAddon;
    loadedFrom = file;
  } catch (e) {
    throw new VoxnoteError('no-capture-tool', `PvRecorder's capture library failed to load: ${(e as Error).message}`, REINSTALL_HINT);
  }
  return cached;
}

function permissionHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') {
    return 'Allow the microphone for Visual Studio Code in System Settings > Privacy & Security > Microphone, then try again.';
  }
  if (platform === 'win32') {
    return 'Check Settings > Privacy & security > Microphone lets desktop apps use the microphone, and that no other app holds the device exclusively.';
  }
  return 'Check that the device is connected and free, or choose another with Voxnote: Select Microphone.';
}

/** A PvRecorder status from `step` (init, start, read) as an error a person can act on. */
export function pvStatusError(status: number, step: 'init' | 'start' | 'read', device: string, platform = process.platform): VoxnoteError<ErrorCode> {
  const name = PV_STATUS[status] ?? `status ${status}`;
  if (step === 'init' && (status === 4 /* BACKEND_ERROR */ || status === 8 /* RUNTIME_ERROR */)) {
    return new VoxnoteError('capture-failed', `The audio system could not open ${device} (${name}).`, permissionHint(platform));
  }
  if (step === 'init' && status === 2 /* INVALID_ARGUMENT */) {
    return new VoxnoteError('device-not-found', `${device} is no longer available (${name}).`,
      'Choose an available device with Voxnote: Select Microphone, or check that it is connected.');
  }
  if (step === 'read') {
    return new VoxnoteError('capture-failed', `Recording from ${device} stopped (${name}).`,
      'The device went away or was taken by another app. Start again; if it keeps failing, choose another with Voxnote: Select Microphone.');
  }
  return new VoxnoteError('capture-failed', `PvRecorder could not ${step} recording from ${device} (${name}).`, permissionHint(platform));
}

export interface PvPlan {
  /** -1: the system's default input. */
  index: number;
  device: string;
}

/**
 * The device index for `source` among PvRecorder's inputs `names`: by name, the
 * system default for a microphone, the first input that carries system audio
 * for 'system'. Throws 'device-not-found' listing only inputs of the kind asked.
 */
export function planPvRecorder(source: MicSource, names: string[], platform = process.platform): PvPlan {
  if (source.device) {
    const index = names.indexOf(source.device);
    if (index >= 0) return { index, device: source.device };
  } else if (source.kind === 'mic') {
    return { index: -1, device: 'default input' };
  } else {
    const index = names.findIndex((n) => isSystemAudioInput(n, platform));
    if (index >= 0) return { index, device: names[index] };
  }
  const system = source.kind === 'system';
  const available = names.filter((n) => isSystemAudioInput(n, platform) === system);
  const what = system ? 'system-audio input' : 'microphone';
  throw new VoxnoteError(
    'device-not-found',
    source.device
      ? `No ${what} named "${source.device}". Available: ${available.join(', ') || 'none'}.`
      : `No ${what} found. Inputs: ${names.join(', ') || 'none'}.`,
    system ? systemAudioHelp(platform) : 'Choose an available device with Voxnote: Select Microphone, or check that it is connected.',
  );
}

/** Inputs with the system default marked (opening the default briefly names it; nothing is recorded). */
export function pvRecorderInputs(addon: PvRecorderAddon): { name: string; isDefault: boolean }[] {
  const names = addon.get_available_devices();
  let defaultName: string | undefined;
  const probe = addon.init(FRAME_SAMPLES, -1, 1);
  if (probe.status === 0) {
    try {
      defaultName = addon.get_selected_device(probe.handle);
    } finally {
      addon.delete(probe.handle);
    }
  }
  return names.map((name) => ({ name, isDefault: name === defaultName }));
}

export interface PvRecorderOptions {
  /** Seconds of audio held for the recognizer while it is busy; audio past that is dropped, and reported. */
  backlogSeconds: number;
}

/** Shared between the threads: [stop, frames the recognizer has taken]. */
const STOP = 0;
const TAKEN = 1;

/**
 * The reader thread. read() blocks until a frame is recorded (polling every
 * 2 ms), so it runs here, where a long decode on the worker's main thread
 * cannot hold it: it reads every frame as it is recorded and posts them in
 * 100 ms batches. Past the backlog the main thread may hold, frames are
 * counted, not posted, and the count is posted once room is back. After a
 * read that waited for its frame, it sleeps most of a frame (fewer polls).
 */
const READER = `
const { parentPort, workerData } = require('worker_threads');
const { addonPath, handle, frameSamples, batchFrames, maxBacklog, shared } = workerData;
const addon = require(addonPath);
const state = new Int32Array(shared);
const frame = new Int16Array(frameSamples);
const frameMs = (frameSamples / 16000) * 1000;
let batch = new Int16Array(frameSamples * batchFrames);
let inBatch = 0, posted = 0, dropped = 0;
while (Atomics.load(state, ${STOP}) === 0) {
  const t = performance.now();
  const status = addon.read(handle, frame);
  if (Atomics.load(state, ${STOP}) !== 0) break;
  if (status === ${IO_ERROR}) continue; // no frame for ~1 s: the capture watchdog reports a stall
  if (status !== 0) { parentPort.postMessage({ type: 'error', status }); break; }
  if (posted + inBatch - Atomics.load(state, ${TAKEN}) >= maxBacklog) dropped++;
  else {
    if (dropped) { parentPort.postMessage({ type: 'dropped', frames: dropped }); dropped = 0; }
    batch.set(frame, inBatch++ * frameSamples);
    if (inBatch === batchFrames) {
      parentPort.postMessage({ type: 'data', pcm: batch, frames: inBatch }, [batch.buffer]);
      posted += inBatch;
      inBatch = 0;
      batch = new Int16Array(frameSamples * batchFrames);
    }
  }
  if (performance.now() - t > 1) Atomics.wait(state, ${STOP}, 0, frameMs * 0.8);
}
`;

type ReaderMessage = { type: 'data'; pcm: Int16Array; frames: number } | { type: 'dropped'; frames: number } | { type: 'error'; status: number };

/**
 * Opens PvRecorder capture. Recording goes on while the recognizer is busy
 * (the reader thread), so after a long decode capture catches up at once; past
 * `backlogSeconds` held, audio is dropped and reported through onDropped,
 * never silently.
 */
export function pvRecorderCapture(options: PvRecorderOptions): OpenCapture<MicSource> {
  return (source, handlers) => openPvRecorder(source, handlers, Math.max(1, Math.round((options.backlogSeconds * 1000) / FRAME_MS)));
}

async function openPvRecorder(source: MicSource, handlers: CaptureHandlers, maxBacklog: number): Promise<Capture> {
  const addon = loadPvRecorder();
  const plan = planPvRecorder(source, addon.get_available_devices());
  let init: { handle: bigint | number; status: number };
  try {
    init = addon.init(FRAME_SAMPLES, plan.index, RING_FRAMES);
  } catch (e) {
    throw new VoxnoteError('capture-failed', `PvRecorder could not open ${plan.device}: ${(e as Error).message}`, permissionHint(process.platform));
  }
  if (init.status !== 0) throw pvStatusError(init.status, 'init', plan.device);
  const handle = init.handle;
  const device = plan.index === -1 ? addon.get_selected_device(handle) || plan.device : plan.device;
  const started = addon.start(handle);
  if (started !== 0) {
    addon.delete(handle);
    throw pvStatusError(started, 'start', device);
  }

  const shared = new SharedArrayBuffer(8);
  const state = new Int32Array(shared);
  const reader = new Worker(READER, {
    eval: true,
    workerData: { addonPath: loadedFrom!, handle, frameSamples: FRAME_SAMPLES, batchFrames: BATCH_FRAMES, maxBacklog, shared },
  });
  let stopping = false;
  reader.on('message', (m: ReaderMessage) => {
    if (stopping) return;
    if (m.type === 'data') {
      handlers.onData(Buffer.from(m.pcm.buffer, m.pcm.byteOffset, m.pcm.byteLength));
      // Taken once recognized: what is still queued here is the backlog the reader bounds.
      Atomics.add(state, TAKEN, m.frames);
    } else if (m.type === 'dropped') {
      handlers.onDropped?.(m.frames * FRAME_SECONDS);
    } else {
      stopping = true;
      handlers.onError(pvStatusError(m.status, 'read', device));
    }
  });
  reader.on('error', (e) => {
    if (stopping) return;
    stopping = true;
    handlers.onError(new VoxnoteError('capture-failed', `Recording from ${device} failed: ${e.message}`, REINSTALL_HINT));
  });
  const exited = new Promise<void>((resolve) => reader.once('exit', () => resolve()));

  let stopped: Promise<void> | undefined;
  const capture: Capture = {
    backend: 'pvrecorder',
    device,
    stop() {
      stopping = true;
      stopped ??= (async () => {
        Atomics.store(state, STOP, 1);
        Atomics.notify(state, STOP);
        // Ends a read waiting for a frame at once (PvRecorder's read returns once stopped).
        addon.stop(handle);
        await exited;
        addon.delete(handle);
      })();
      return stopped;
    },
  };
  return capture;
}

export const openPvRecorderCapture: OpenCapture<MicSource> = pvRecorderCapture({ backlogSeconds: BACKLOG_SECONDS });
