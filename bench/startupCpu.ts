/**
 * A short live session as a person runs it, start-up included (issue 16):
 * - treeCpu: CPU seconds per audio minute of the whole process tree of
 *   `voxnote listen --source mic --format ndjson` (the CLI, its worker, parec),
 *   from spawn to exit, over 48 s of tone speech on the virtual microphone,
 *   against the closest plain loop available offline: one Node process reading
 *   parec into libvosk directly (the PyAudio + Vosk recipe; Python's vosk
 *   package cannot be installed here, it comes from PyPI), also from spawn to exit.
 * - keyToFirstPartial: a warm worker (model loaded), someone already speaking:
 *   from the start command to the first partial.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SAMPLE_RATE } from '../src/worker/audio/format';
import { processes } from '../test/support/processes';
import { startVirtualAudio, VIRTUAL } from '../test/support/pulse';
import { encodeWav } from '../test/support/toneAudio';
import { RawWorker, speechScript } from './liveCpu';

const TICKS = 100; // USER_HZ on Linux
const ROOT = path.resolve(__dirname, '..');

function cpuOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Own time plus that of waited-for children (a reaped pactl is counted in its parent's cutime/cstime).
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
  } catch {
    return undefined;
  }
}

/** Samples the CPU of `root` and every descendant until `done`, keeping each process's last value. */
async function treeCpu(root: number, done: Promise<unknown>): Promise<number> {
  const last = new Map<number, number>();
  let finished = false;
  void done.then(() => (finished = true));
  const sample = () => {
    const all = processes();
    const tree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of all) if (tree.has(p.ppid) && !tree.has(p.pid)) (tree.add(p.pid), (grew = true));
    }
    for (const pid of tree) {
      const cpu = cpuOf(pid);
      if (cpu !== undefined) last.set(pid, cpu);
    }
  };
  while (!finished) {
    sample();
    await new Promise((r) => setTimeout(r, 200));
  }
  return [...last.values()].reduce((a, b) => a + b, 0);
}

const perMinute = (cpu: number, seconds: number) => Math.round((cpu / (seconds / 60)) * 1000) / 1000;

/** `voxnote listen` for `seconds` while the speech plays into the virtual microphone. */
async function listenRun(dist: string, model: string, play: () => Promise<void>, seconds: number) {
  const child = spawn(
    process.execPath,
    [path.join(dist, 'cli.js'), 'listen', '--source', 'mic', '--device', VIRTUAL.mic, '--backend', 'pulse', '--model', model, '--format', 'ndjson', '--max-seconds', String(seconds)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let lines = 0;
  child.stdout.on('data', (d: Buffer) => (lines += d.toString().split('\n').length - 1));
  child.stderr.on('data', () => undefined);
  const exited = new Promise((r) => child.once('exit', r));
  void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
  const cpu = await treeCpu(child.pid!, exited);
  return { cpu, lines };
}

/** The plain loop (bench.js plainlive) for `seconds` on the same audio. */
async function plainRun(dist: string, model: string, play: () => Promise<void>, seconds: number) {
  const child = spawn(process.execPath, [path.join(dist, 'bench.js'), 'plainlive', model, VIRTUAL.mic], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
  setTimeout(() => child.stdin!.end(), seconds * 1000);
  return { cpu: await treeCpu(child.pid!, exited) };
}

/**
 * A warm worker (the model loaded), someone already speaking into the microphone:
 * from the start command (the key) to the first partial, `runs` times.
 */
async function keyToFirstPartial(dist: string, model: string, play: () => Promise<void>, runs: number) {
  const w = new RawWorker(path.join(dist, 'worker.js'));
  const engine = { kind: 'vosk', model } as const;
  const ms: number[] = [];
  try {
    const ready = w.until('ready');
    w.send({ type: 'load', engine });
    await ready;
    void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
    for (let i = 0; i < runs; i++) {
      await new Promise((r) => setTimeout(r, 700));
      const first = w.until('partial');
      const t0 = performance.now();
      w.send({ type: 'start', engine, source: { kind: 'mic', device: VIRTUAL.mic, backend: 'pulse' }, options: { partials: true } });
      await first;
      ms.push(Math.round(performance.now() - t0));
      const stopped = w.until('stopped');
      w.send({ type: 'stop' });
      await stopped;
    }
  } finally {
    await w.close();
  }
  const s = [...ms].sort((a, b) => a - b);
  return { runs: ms.length, p50Ms: s[Math.floor(s.length / 2)], maxMs: s[s.length - 1], target: 'p50 <= 300 ms' };
}

/** The Python interpreter itself (not a pyenv shim, whose start-up is not Python's), or undefined. */
function python(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The classic recipe as a Python loop (bench/python/plain_vosk_loop.py) for `seconds` on the same audio. */
async function pythonRun(exe: string, model: string, play: () => Promise<void>, seconds: number) {
  const libvosk = path.join(path.dirname(require.resolve('vosk/package.json')), 'lib', 'linux-x86_64', 'libvosk.so');
  const script = path.join(ROOT, 'bench', 'python', 'plain_vosk_loop.py');
  const child = spawn(exe, [script, libvosk, model, VIRTUAL.mic, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
  return { cpu: await treeCpu(child.pid!, exited) };
}

export async function startupBench(dist: string, model: string) {
  const seconds = 48;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-startup-'));
  const wav = path.join(dir, 'session.wav');
  fs.writeFileSync(wav, encodeWav(speechScript(seconds).samples.subarray(0, seconds * SAMPLE_RATE), SAMPLE_RATE, 'pcm16'));
  const audio = await startVirtualAudio(dir);
  let listen: Awaited<ReturnType<typeof listenRun>>;
  let plain: Awaited<ReturnType<typeof plainRun>>;
  let py: Awaited<ReturnType<typeof pythonRun>> | undefined;
  let firstPartial: Awaited<ReturnType<typeof keyToFirstPartial>>;
  const exe = python();
  try {
    const play = () => audio.play('mic', wav);
    listen = await listenRun(dist, model, play, seconds);
    plain = await plainRun(dist, model, play, seconds);
    py = exe ? await pythonRun(exe, model, play, seconds) : undefined;
    firstPartial = await keyToFirstPartial(dist, model, play, 8);
  } finally {
    await audio.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const voxnote = perMinute(listen.cpu, seconds);
  const plainLoop = perMinute(plain.cpu, seconds);
  const pythonLoop = py ? perMinute(py.cpu, seconds) : undefined;
  const ratio = (x: number) => Math.round((voxnote / x) * 100) / 100;
  return {
    audioSeconds: seconds,
    voxnoteListenTreeCpuSPerAudioMin: voxnote,
    plainPythonLoopTreeCpuSPerAudioMin: pythonLoop ?? 'not run: no python3',
    plainNodeLoopTreeCpuSPerAudioMin: plainLoop,
    ratioToPythonLoop: pythonLoop ? ratio(pythonLoop) : 'not run',
    ratioToNodeLoop: ratio(plainLoop),
    ndjsonLines: listen.lines,
    target: 'ratioToPythonLoop <= 1.3',
    keyToFirstPartialWarmWorker: firstPartial,
    note:
      'Whole process trees from spawn to exit, start-up included, the same 48 s of tone speech on the virtual microphone. ' +
      'The Python loop is the classic recipe with libvosk through ctypes and parec in place of PyAudio ' +
      "(Python's vosk and pyaudio packages are on PyPI, unreachable here); the Node loop reads parec into libvosk through koffi.",
  };
}
