/**
 * A private PulseAudio daemon with a virtual speaker and a virtual microphone,
 * so capture back-ends can be tested for real on a machine with no sound card.
 * Set-up as measured in shared/docs/audio-in-ci.md.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

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
    // Keep both monitors running: a cold monitor delays a new recorder's first data by 0.8-1.9 s.
    for (const source of [VIRTUAL.monitor, 'micfeed.monitor']) {
      keepers.push(spawn('parec', ['-d', source, '--raw', '--latency-msec=20'], { env, stdio: 'ignore' }));
    }
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
