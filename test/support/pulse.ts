/**
 * A private PulseAudio daemon with a virtual speaker and a virtual microphone,
 * so capture back-ends can be tested for real on a machine with no sound card.
 * Set-up as measured in shared/docs/audio-in-ci.md.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { MicSource } from '../../src/shared/protocol';
import type { OpenCapture } from '../../src/worker/capture/capture';
import type { VoxnoteError } from '../../src/shared/errors';
import { pcm16MonoWavHeader } from '../../src/shared/wav';

const run = promisify(execFile);

export interface VirtualAudio {
  /** The fresh directory holding the daemon's runtime dir, home and log. */
  readonly dir: string;
  readonly daemonPid: number;
  /** Plays a WAV into the virtual mic (`micfeed`, heard on source `virtmic`) or the speaker (`virt`, heard on `virt.monitor`). Resolves when playback ends. */
  play(target: 'mic' | 'system', wavPath: string): Promise<void>;
  /** Kills the keepers and the daemon, waits for them, and restores the environment. */
  stop(): Promise<void>;
}

/** Names the harness creates, for assertions. */
export const VIRTUAL = {
  mic: 'virtmic',
  micFeedSink: 'micfeed',
  sink: 'virt',
  monitor: 'virt.monitor',
} as const;

/** A capture tool's arguments record the virtual mic: by name, or as the default source (which it is here: parec starts on it before pactl names it). */
export const recordsVirtualMic = (argv: readonly string[]): boolean => argv.some((a) => a.includes(VIRTUAL.mic) || a.includes('@DEFAULT_SOURCE@'));

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** True when the harness can run: pulseaudio, pactl, paplay and parec are installed. */
export function pulseAvailable(): boolean {
  return ['pulseaudio', 'pactl', 'paplay', 'parec'].every(onPath);
}

/** Tests call this first so a machine without the tools fails loudly instead of skipping. */
export const PULSE_MISSING =
  'the virtual-audio harness needs pulseaudio, pactl, paplay and parec: ' +
  'apt-get install -y --no-install-recommends pulseaudio pulseaudio-utils libasound2-plugins';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A daemon reparented to an init that does not reap stays a zombie; that is gone enough.
  try {
    return !/\)\s+Z\s/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the daemon in a fresh directory under `parent` (a new one each call, so a
 * stale daemon or socket from an earlier run is never reused) and points this
 * process's environment at it, so child tools and in-process libpulse find it.
 */
export async function startVirtualAudio(parent: string): Promise<VirtualAudio> {
  if (!pulseAvailable()) throw new Error(PULSE_MISSING);
  fs.mkdirSync(parent, { recursive: true });
  // Short names: the socket path must stay under the 108-byte unix limit.
  const dir = fs.mkdtempSync(path.join(parent, 'pa-'));
  const runtime = path.join(dir, 'run');
  const home = path.join(dir, 'home');
  fs.mkdirSync(runtime, { mode: 0o700 });
  fs.mkdirSync(home);
  const socket = path.join(runtime, 'pulse', 'native');

  const saved = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER };
  process.env.XDG_RUNTIME_DIR = runtime;
  process.env.PULSE_SERVER = `unix:${socket}`;
  const env = { ...process.env };

  const daemon = spawnSync(
    'pulseaudio',
    [
      '--daemonize=yes', '-n', '--exit-idle-time=-1', '--system=false',
      `--log-target=file:${path.join(dir, 'pulse.log')}`,
      '--load=module-native-protocol-unix auth-anonymous=1',
      '--load=module-null-sink sink_name=virt rate=48000 sink_properties=device.description=VirtualSpeaker',
      '--load=module-null-sink sink_name=micfeed rate=48000 sink_properties=device.description=MicFeed',
      '--load=module-remap-source master=micfeed.monitor source_name=virtmic source_properties=device.description=VirtualMic',
    ],
    { env: { ...env, HOME: home }, encoding: 'utf8', timeout: 15000 },
  );
  const restoreEnv = (): void => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  if (daemon.status !== 0) {
    restoreEnv();
    throw new Error(`pulseaudio did not start (${daemon.status}): ${daemon.stderr}`);
  }
  const daemonPid = Number(fs.readFileSync(path.join(runtime, 'pulse', 'pid'), 'utf8').trim());

  const keepers: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const k of keepers) k.kill('SIGKILL');
    await Promise.all(keepers.map(exited));
    if (alive(daemonPid)) {
      process.kill(daemonPid, 'SIGTERM');
      if (!(await waitGone(daemonPid, 3000))) {
        process.kill(daemonPid, 'SIGKILL');
        await waitGone(daemonPid, 3000);
      }
    }
    restoreEnv();
  };

  try {
    const until = Date.now() + 5000;
    for (;;) {
      try {
        await run('pactl', ['info'], { env, timeout: 2000 });
        break;
      } catch (e) {
        if (Date.now() > until) throw new Error(`pactl info never answered: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await run('pactl', ['set-default-sink', VIRTUAL.sink], { env });
    await run('pactl', ['set-default-source', VIRTUAL.mic], { env });
    // Keep the sources running: a cold one delays a new recorder's first data by 0.8-2 s.
    // The first recorder after start-up waits ~1.9 s however it is done, so wait for the keepers' data.
    const warm: Promise<void>[] = [];
    for (const source of [VIRTUAL.monitor, 'micfeed.monitor', VIRTUAL.mic]) {
      const keeper = spawn('parec', ['-d', source, '--raw', '--latency-msec=20'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
      keepers.push(keeper);
      warm.push(new Promise((resolve, reject) => {
        keeper.stdout!.once('data', () => resolve());
        keeper.once('exit', (code) => reject(new Error(`keeper parec on ${source} exited ${code}`)));
      }));
      keeper.stdout!.resume();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(warm),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no data from the virtual sources within 5 s')), 5000))),
    ]).finally(() => clearTimeout(timer));
  } catch (e) {
    await stop();
    throw e;
  }

  const play = (target: 'mic' | 'system', wavPath: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const sink = target === 'mic' ? VIRTUAL.micFeedSink : VIRTUAL.sink;
      const child = spawn('paplay', ['-d', sink, wavPath], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}: ${err}`))));
    });

  return { dir, daemonPid, play, stop };
}

/** The test signal: 1 kHz bursts at half scale, (start, end) in seconds, in a 2.2 s file. */
export const TONE = { hz: 1000, amplitude: 0.5, bursts: [[0.3, 1.1], [1.5, 1.9]] as const, seconds: 2.2 };

/** Writes the test signal as a 48 kHz mono s16 WAV (the rate of the virtual devices, so only capture resamples). */
export function writeToneWav(file: string): void {
  const rate = 48000;
  const n = Math.round(TONE.seconds * rate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const on = TONE.bursts.some(([a, b]) => t >= a && t < b);
    data.writeInt16LE(on ? Math.round(TONE.amplitude * 32767 * Math.sin(2 * Math.PI * TONE.hz * t)) : 0, i * 2);
  }
  fs.writeFileSync(file, Buffer.concat([pcm16MonoWavHeader(rate, data.length), data]));
}

export interface ToneAnalysis {
  /** Seconds into the capture where the first burst begins. */
  onset: number;
  /** RMS (full scale = 1) inside each burst, edges trimmed. */
  burstRms: number[];
  /** RMS in the gap between the bursts, and after the second. */
  gapRms: number;
  tailRms: number;
  /** Frequency inside the first burst, from zero crossings. */
  hz: number;
}

/** Finds the played pattern in 16 kHz mono s16le capture; throws if no burst is there. */
export function analyseTone(pcm: Buffer, rate = 16000): ToneAnalysis {
  const x = new Float64Array(pcm.length >> 1);
  for (let i = 0; i < x.length; i++) x[i] = pcm.readInt16LE(i * 2) / 32768;
  const first = x.findIndex((v) => Math.abs(v) > 0.1);
  if (first < 0) throw new Error(`no burst in ${(x.length / rate).toFixed(2)} s of capture (peak ${x.reduce((m, v) => Math.max(m, Math.abs(v)), 0).toFixed(4)})`);
  const at = (s: number): number => Math.max(0, Math.min(x.length, Math.round(first + (s - TONE.bursts[0][0]) * rate)));
  const rms = (a: number, b: number): number => {
    const [i, j] = [at(a), at(b)];
    if (j <= i) return NaN;
    let sum = 0;
    for (let k = i; k < j; k++) sum += x[k] * x[k];
    return Math.sqrt(sum / (j - i));
  };
  const [[a1, b1], [a2, b2]] = TONE.bursts;
  let crossings = 0;
  for (let k = at(a1 + 0.05) + 1; k < at(b1 - 0.05); k++) if (x[k - 1] < 0 !== x[k] < 0) crossings++;
  return {
    onset: first / rate,
    burstRms: [rms(a1 + 0.05, b1 - 0.05), rms(a2 + 0.05, b2 - 0.05)],
    gapRms: rms(b1 + 0.05, a2 - 0.05),
    tailRms: rms(b2 + 0.05, TONE.seconds - 0.02),
    hz: crossings / 2 / (b1 - a1 - 0.1),
  };
}

export interface Recording {
  pcm: Buffer;
  chunkSizes: number[];
  device: string;
  /** From the open call to the first onData. */
  firstDataMs: number;
  /** From the first onData to stop(), for checking the byte rate. */
  seconds: number;
  errors: VoxnoteError[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Opens a capture, waits for its first data, plays the tone into `target`, and stops 300 ms after playback ends. */
export async function recordWhilePlaying(
  audio: VirtualAudio,
  open: OpenCapture<MicSource>,
  source: MicSource,
  target: 'mic' | 'system',
  wavPath: string,
): Promise<Recording> {
  const chunks: Buffer[] = [];
  const errors: VoxnoteError[] = [];
  const t0 = performance.now();
  let firstAt = 0;
  let gotFirst!: () => void;
  const first = new Promise<void>((r) => (gotFirst = r));
  const capture = await open(source, {
    onData(pcm) {
      if (!chunks.length) {
        firstAt = performance.now();
        gotFirst();
      }
      chunks.push(pcm);
    },
    onEnd() {
      errors.push(new Error('unexpected onEnd') as VoxnoteError);
    },
    onError(e) {
      errors.push(e);
    },
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no data from ${capture.device} within 5 s`)), 5000);
    });
    await Promise.race([first, late]).finally(() => clearTimeout(timer));
    await audio.play(target, wavPath);
    await sleep(300);
  } finally {
    await capture.stop();
  }
  const seconds = (performance.now() - firstAt) / 1000;
  return {
    pcm: Buffer.concat(chunks),
    chunkSizes: chunks.map((c) => c.length),
    device: capture.device,
    firstDataMs: firstAt - t0,
    seconds,
    errors,
  };
}

/** Polls `cond` every 10 ms until it holds, or fails naming `what`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Asserts a recording of the TONE file is that signal: about 16000 samples/s, 1 kHz,
 * each burst at the played level, silence around them. `chunkOk` checks chunk sizes.
 */
export function assertCapturedTone(rec: Recording, label: string, chunkOk: (bytes: number) => boolean, chunkRule: string): void {
  const a = analyseTone(rec.pcm);
  const expected = TONE.amplitude / Math.SQRT2;
  const db = (v: number): string => (20 * Math.log10(v)).toFixed(1);
  console.log(
    `${label}: device ${rec.device}, first data ${rec.firstDataMs.toFixed(0)} ms, chunks ${[...new Set(rec.chunkSizes)].slice(0, 4).join('/')} B, ` +
      `bursts ${a.burstRms.map(db).join('/')} dBFS (expected ${db(expected)}), gap ${db(a.gapRms)} dBFS, tail ${db(a.tailRms)} dBFS, ${a.hz.toFixed(0)} Hz`,
  );
  assert.deepEqual(rec.errors, []);
  assert.ok(rec.chunkSizes.every(chunkOk), chunkRule);
  // 16 kHz mono s16 = 32000 bytes a second of wall time.
  const rate = rec.pcm.length / 2 / rec.seconds;
  assert.ok(Math.abs(rate - 16000) < 16000 * 0.1, `~16000 samples/s, got ${rate.toFixed(0)}`);
  assert.ok(Math.abs(a.hz - TONE.hz) < 15, `1 kHz at 16 kHz sampling, got ${a.hz.toFixed(1)} Hz`);
  for (const r of a.burstRms) assert.ok(Math.abs(20 * Math.log10(r / expected)) < 1, `burst level ${db(r)} dBFS`);
  assert.ok(a.gapRms < 0.003 && a.tailRms < 0.003, 'silence between and after the bursts');
}

export interface DropProbe {
  drops: Array<{ seconds: number; skippedAt?: number }>;
  errors: VoxnoteError[];
  /** Seconds of audio captured, and of wall time from the first chunk to the stop. */
  audioSeconds: number;
  wallSeconds: number;
  /** Seconds of audio captured when the disturbance began. */
  disturbedAt: number;
  /** Chunks that came after the first drop was reported. */
  chunksAfterDrop: number;
}

/**
 * Records the virtual mic through `open` for 1.5 s, runs `disturb` (which makes the
 * recorder skip audio, or the reader fall behind), records 2.5 s more and stops.
 */
export async function recordThrough(open: OpenCapture<MicSource>, disturb: () => Promise<void> | void): Promise<DropProbe> {
  const probe: DropProbe = { drops: [], errors: [], audioSeconds: 0, wallSeconds: 0, disturbedAt: 0, chunksAfterDrop: 0 };
  let first = 0;
  const capture = await open({ kind: 'mic' }, {
    onData: (pcm) => {
      first ||= performance.now();
      probe.audioSeconds += pcm.length / 2 / 16000;
      if (probe.drops.length) probe.chunksAfterDrop++;
    },
    onDropped: (seconds, skippedAt) => void probe.drops.push({ seconds, skippedAt }),
    onEnd: () => undefined,
    onError: (e) => void probe.errors.push(e),
  });
  await until(() => first > 0, 3000, 'first data');
  await new Promise((r) => setTimeout(r, 1500));
  probe.disturbedAt = probe.audioSeconds;
  await disturb();
  await new Promise((r) => setTimeout(r, 2500));
  probe.wallSeconds = (performance.now() - first) / 1000;
  await capture.stop();
  return probe;
}

/** What a 2 s suspend of the source must give: one drop of about 2 s at its place, no error, capture going on. */
export function assertOneSkip(p: DropProbe, backend: string): void {
  console.log(`${backend} skip: ${JSON.stringify(p)}`);
  assert.deepEqual(p.errors, []);
  assert.equal(p.drops.length, 1, JSON.stringify(p.drops));
  const [drop] = p.drops;
  assert.ok(drop.seconds > 1.6 && drop.seconds < 2.6, `span ${drop.seconds} s`);
  assert.ok(Math.abs(drop.skippedAt! - p.disturbedAt) < 0.5, `at ${drop.skippedAt} s, suspended at ${p.disturbedAt} s`);
  assert.ok(p.chunksAfterDrop > 5, 'capture goes on after the report');
}

/** Suspends the virtual mic's source for `ms`: it delivers nothing meanwhile, as a device that drops out. */
export async function suspendMic(ms: number): Promise<void> {
  await run('pactl', ['suspend-source', VIRTUAL.mic, '1']);
  await new Promise((r) => setTimeout(r, ms));
  await run('pactl', ['suspend-source', VIRTUAL.mic, '0']);
}

/** Keeps this process's event loop busy for `ms`, as a long synchronous decode would. */
export function blockEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Stops this whole process (every thread, PortAudio's too) for `ms`, then continues it. */
export async function stopThisProcess(ms: number): Promise<void> {
  const sh = spawn('sh', ['-c', `kill -STOP ${process.pid}; sleep ${ms / 1000}; kill -CONT ${process.pid}`], { stdio: 'ignore' });
  await new Promise((r) => sh.once('exit', r));
}
