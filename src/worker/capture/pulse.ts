/**
 * Live capture through the sound server's own recorder: `parec` (PulseAudio, and
 * PipeWire through pipewire-pulse), else `pw-record`. A child process needs no
 * native addon, and dies with "Connection terminated" when the server does, so
 * failures are visible (shared/docs/audio-in-ci.md). The recorder reports no
 * lost input (a record stream's overflow is silent; the server holds ~2 min,
 * 4 MB, for a reader that falls behind): gapDetector.ts finds what it skips.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { findTool } from '../../shared/findTool';
import type { MicSource } from '../../shared/protocol';
import { SAMPLE_RATE } from '../audio/format';
import type { Capture, CaptureHandlers, OpenCapture } from './capture';
import { spawnOwned } from '../../shared/childProcess';
import { openPolledOutput } from './polledOutput';
import { VoxnoteError } from '../../shared/errors';
import { deliverWatchingGaps } from './gapDetector';

/** Small, so the first words are not held back; parec's default fragments are 2 s. */
const LATENCY_MS = 50;
/** How long stop() waits after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 500;
const PACTL_TIMEOUT_MS = 3000;

export const INSTALL_HINT =
  'Install the PulseAudio command-line tools (Debian/Ubuntu: sudo apt install pulseaudio-utils; ' +
  'Fedora: sudo dnf install pulseaudio-utils) or PipeWire\'s pw-record, or choose the portaudio back-end.';
const SERVER_HINT =
  'Start the sound server (PipeWire: systemctl --user start pipewire-pulse; PulseAudio: pulseaudio --start), ' +
  'then try again. `pactl info` shows whether it is reachable.';
const LOST_HINT =
  'The sound server stopped or the device went away. Start dictation again; ' +
  'if it keeps failing, check `pactl info` and Voxnote: Select Microphone.';

export interface PulseSource {
  name: string;
  description: string;
  /** The sink this source monitors ("system audio"), if it is a monitor. */
  monitorOf?: string;
}

export interface PulseState {
  defaultSink?: string;
  defaultSource?: string;
  sources: PulseSource[];
}

function pactl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // LC_ALL=C: the field names we parse are translated otherwise.
    execFile('pactl', args, { env: { ...process.env, LC_ALL: 'C' }, timeout: PACTL_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new VoxnoteError('no-capture-tool', 'pactl is not installed', INSTALL_HINT));
      }
      const why = (stderr || err.message).trim().split('\n').pop() ?? '';
      reject(new VoxnoteError('capture-failed', `No sound server is reachable (pactl ${args[0]}: ${why})`, SERVER_HINT));
    });
  });
}

/** Parses `pactl list sources` (LC_ALL=C); works with PulseAudio and pipewire-pulse of any version, unlike `-f json`. */
export function parseSources(text: string): PulseSource[] {
  const sources: PulseSource[] = [];
  let cur: PulseSource | undefined;
  for (const line of text.split('\n')) {
    if (/^Source #\d+/.test(line)) {
      cur = { name: '', description: '' };
      sources.push(cur);
      continue;
    }
    const m = /^\t(Name|Description|Monitor of Sink): (.*)$/.exec(line);
    if (!m || !cur) continue;
    if (m[1] === 'Name') cur.name = m[2];
    else if (m[1] === 'Description') cur.description = m[2];
    else if (m[2] !== 'n/a') cur.monitorOf = m[2];
  }
  return sources.filter((s) => s.name);
}

/** Default sink/source and all sources. Rejects with a VoxnoteError when pactl or the server is missing. */
export async function readPulseState(): Promise<PulseState> {
  const [info, list] = await Promise.all([pactl(['info']), pactl(['list', 'sources'])]);
  const field = (name: string): string | undefined => {
    const v = new RegExp(`^${name}: (.*)$`, 'm').exec(info)?.[1].trim();
    return v && v !== '(null)' && v !== 'n/a' ? v : undefined;
  };
  return { defaultSink: field('Default Sink'), defaultSource: field('Default Source'), sources: parseSources(list) };
}

/**
 * The PulseAudio source name to record for `source`: the named device or the
 * default source ('mic'), the named monitor or the default sink's monitor
 * ('system'; a sink name is accepted for its monitor). Throws 'device-not-found'
 * listing what exists.
 */
export function resolvePulseSource(source: MicSource, state: PulseState): string {
  const names = state.sources.map((s) => s.name);
  const has = (n: string | undefined): n is string => n !== undefined && names.includes(n);
  const wanted =
    source.kind === 'mic'
      ? [source.device ?? state.defaultSource]
      : source.device
        ? [source.device, `${source.device}.monitor`]
        : [state.sources.find((s) => s.monitorOf !== undefined && s.monitorOf === state.defaultSink)?.name,
          state.defaultSink && `${state.defaultSink}.monitor`];
  const found = wanted.find(has);
  if (found) return found;
  const what = source.kind === 'mic' ? 'input' : 'system-audio monitor';
  const asked = source.device ?? (source.kind === 'mic' ? 'the default input' : `the default output's monitor (${state.defaultSink ?? 'no default output'})`);
  // Only the kind asked for: a monitor is no microphone.
  const available = state.sources.filter((s) => (s.monitorOf !== undefined) === (source.kind === 'system')).map((s) => s.name);
  throw new VoxnoteError(
    'device-not-found',
    `No ${what} ${source.device ? `named "${asked}"` : `found: ${asked}`}. Available: ${available.join(', ') || 'none'}.`,
    'Choose an available device with Voxnote: Select Microphone, or check that it is connected.',
  );
}

let pwRawFlag: boolean | undefined;
/** PipeWire 1.4 added --raw; older pw-record writes raw (or an AU stream) to "-" without it. */
function pwRecordHasRaw(tool: string): Promise<boolean> {
  if (pwRawFlag !== undefined) return Promise.resolve(pwRawFlag);
  return new Promise((resolve) => {
    execFile(tool, ['--help'], { timeout: 2000 }, (_err, stdout, stderr) => {
      pwRawFlag = /(^|\s)--raw\b/m.test(`${stdout}${stderr}`);
      resolve(pwRawFlag);
    });
  });
}

/**
 * Turns the recorder's byte stream into whole s16le samples: drops an AU header
 * (what pw-record writes to "-" without --raw), byte-swaps big-endian AU data and
 * keeps an odd trailing byte for the next chunk so samples never split.
 */
export function pcmNormalizer(): (chunk: Buffer) => Buffer {
  let head: Buffer | undefined = Buffer.alloc(0);
  let skip = 0;
  let swap = false;
  let carry = Buffer.alloc(0);
  return (chunk) => {
    let buf = chunk;
    if (head) {
      head = Buffer.concat([head, chunk]);
      const magic = head.toString('latin1', 0, Math.min(4, head.length));
      // Wait for magic and header size when the stream might start with an AU header.
      if (head.length < 8 && ('.snd'.startsWith(magic) || 'dns.'.startsWith(magic))) return Buffer.alloc(0);
      if (magic === '.snd' || magic === 'dns.') {
        swap = magic === '.snd';
        skip = swap ? head.readUInt32BE(4) : head.readUInt32LE(4);
      }
      buf = head;
      head = undefined;
    }
    if (skip > 0) {
      const n = Math.min(skip, buf.length);
      skip -= n;
      buf = buf.subarray(n);
    }
    if (carry.length) buf = Buffer.concat([carry, buf]);
    const even = buf.length & ~1;
    carry = Buffer.from(buf.subarray(even));
    const out = buf.subarray(0, even);
    if (swap) {
      const copy = Buffer.from(out);
      copy.swap16();
      return copy;
    }
    return out;
  };
}

interface Recorder {
  tool: string;
  args: string[];
  /** The device, or pactl's check of it while the recorder already starts (its audio waits in the pipe). */
  device: string | Promise<string>;
}

async function planRecorder(source: MicSource): Promise<Recorder> {
  const parec = findTool('parec');
  if (parec) {
    // pactl checks the device: a missing server or device is then a clear error, not a recorder that dies.
    const check = readPulseState().then((state) => resolvePulseSource(source, state));
    check.catch(() => undefined); // awaited once the recorder runs
    // A microphone is recorded at once by the name asked for (or the server's default) while pactl checks it,
    // so the check adds nothing to the time from the key to the first audio; a monitor is named after it.
    const early = source.kind === 'mic' ? (source.device ?? '@DEFAULT_SOURCE@') : undefined;
    const name = early ?? (await check);
    return {
      tool: parec,
      device: early ? check : name,
      args: ['-d', name, '--raw', '--format=s16le', `--rate=${SAMPLE_RATE}`, '--channels=1', `--latency-msec=${LATENCY_MS}`],
    };
  }
  const pwRecord = findTool('pw-record');
  if (!pwRecord) throw new VoxnoteError('no-capture-tool', 'Neither parec nor pw-record is installed', INSTALL_HINT);
  // PipeWire without pipewire-pulse has no pactl: then the device cannot be checked beforehand.
  let state: PulseState | undefined;
  try {
    state = await readPulseState();
  } catch (e) {
    if (!(e instanceof VoxnoteError && e.code === 'no-capture-tool')) throw e;
  }
  const name = state ? resolvePulseSource(source, state) : source.device;
  // pw-record names nodes, not PulseAudio sources: a monitor is its sink plus stream.capture.sink.
  const monitorOf = name && state ? state.sources.find((s) => s.name === name)?.monitorOf : undefined;
  const isSystem = source.kind === 'system' || monitorOf !== undefined;
  const target = monitorOf ?? (source.kind === 'system' ? name?.replace(/\.monitor$/, '') : name);
  const args = ['--rate', String(SAMPLE_RATE), '--channels', '1', '--format', 's16', '--latency', `${LATENCY_MS}ms`];
  if (target) args.push('--target', target);
  if (isSystem) args.push('-P', '{ "stream.capture.sink": true }');
  if (await pwRecordHasRaw(pwRecord)) args.push('--raw');
  args.push('-');
  return { tool: pwRecord, args, device: name ?? (isSystem ? 'default output (monitor)' : 'default input') };
}

export const openPulseCapture: OpenCapture<MicSource> = async (source, handlers: CaptureHandlers) => {
  // Made while pactl checks the device: it adds no time to the start.
  const fifo = openPolledOutput();
  let plan: Recorder;
  try {
    plan = await planRecorder(source);
  } catch (e) {
    (await fifo)?.close();
    throw e;
  }
  const output = await fifo;
  const toolName = path.basename(plan.tool);
  // Owned: killed if the worker exits first, so no recorder outlives it.
  const recorder = spawnOwned(plan.tool, plan.args, { stdio: ['ignore', output?.writeFd ?? 'pipe', 'pipe'] });
  const child = recorder.child;
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => {
      output?.close();
      reject(new VoxnoteError('no-capture-tool', `${toolName} could not be started: ${e.message}`, INSTALL_HINT));
    });
  });

  let stderrTail = '';
  child.stderr!.on('data', (d: Buffer) => (stderrTail = (stderrTail + d.toString()).slice(-1000)));
  let device: string;
  try {
    device = await plan.device;
  } catch (e) {
    output?.close();
    await recorder.stop(KILL_GRACE_MS);
    throw e;
  }

  let stopping = false;
  const normalize = pcmNormalizer();
  const deliver = deliverWatchingGaps(handlers);
  const onData = (chunk: Buffer) => {
    if (stopping) return;
    const pcm = normalize(chunk);
    if (pcm.length) deliver(pcm);
  };
  if (output) output.start(onData);
  else child.stdout!.on('data', onData);
  void recorder.exited.then(({ code, signal }) => {
    output?.close(); // what it wrote before it ended is read first
    if (stopping) return;
    stopping = true;
    const why = stderrTail.trim().split('\n').pop() || (signal ? `killed by ${signal}` : `exit code ${code}`);
    handlers.onError(new VoxnoteError('capture-failed', `${toolName} stopped recording ${device}: ${why}`, LOST_HINT));
  });

  const capture: Capture = {
    backend: 'pulse',
    device,
    flush: () => output?.drain(),
    async stop() {
      output?.drain();
      stopping = true;
      await recorder.stop(KILL_GRACE_MS);
    },
  };
  return capture;
};
