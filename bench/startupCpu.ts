/**
 * A short live session as a person runs it, start-up included (issue 16):
 * - treeCpu: CPU seconds per audio minute of the whole process tree of
 *   `voxnote listen --source mic --format ndjson` (the CLI, its worker, parec, pactl),
 *   from spawn to exit, over 48 s of tone speech on the virtual microphone,
 *   against the classic plain loop in Python (libvosk through ctypes, parec) and
 *   one Node process reading parec into libvosk directly, also from spawn to exit.
 *   Each variant runs `rounds` times, interleaved; each process's share is printed.
 * - keyToFirstPartial: a warm worker (model loaded), someone already speaking
 *   (running speech: no pause longer than 0.3 s): from the start command (the key)
 *   to the first partial, and to the first captured audio reaching recognition.
 */
import * as fs from 'fs';
import { spawn, spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { Chunker } from '../src/worker/audio/chunker';
import { CHUNK_BYTES, LEAD_IN, SAMPLE_RATE } from '../src/worker/audio/format';
import { VoskModel, VoskRecognizer } from '../src/worker/engines/vosk/libvosk';
import { startVirtualAudio, VIRTUAL } from '../test/support/pulse';
import { encodeWav, toneScript, type ToneScript } from '../test/support/toneAudio';
import { RawWorker, speechScript } from './liveCpu';

const TICKS = 100; // USER_HZ on Linux
const ROOT = path.resolve(__dirname, '..');

interface ProcStat {
  ppid: number;
  comm: string;
  /** The process's own CPU seconds. */
  own: number;
  /** CPU seconds of the children it has reaped (cutime + cstime). */
  reaped: number;
}

/** Zombies included: a child that exited but is not reaped yet is not yet in its parent's figures. */
function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      own: (Number(f[11]) + Number(f[12])) / TICKS,
      reaped: (Number(f[13]) + Number(f[14])) / TICKS,
    };
  } catch {
    return undefined;
  }
}

function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) out.set(Number(entry), s.ppid);
  }
  return out;
}

interface TreeCpu {
  total: number;
  /** CPU seconds per process of the tree, by role ("root node", "node", "parec", …). */
  byProcess: Record<string, number>;
}

/**
 * The CPU of `root` and every descendant until `done`. Each process counts its own
 * time (last sample) plus what its reaped children used beyond their last sample
 * (a short-lived pactl, the end of a worker), never a child twice: a child seen gone
 * before its parent's last sample is taken out of the parent's reaped time.
 */
async function treeCpu(root: number, done: Promise<unknown>): Promise<TreeCpu> {
  const last = new Map<number, ProcStat & { sweep: number; depth: number }>();
  const goneAt = new Map<number, number>();
  let finished = false;
  void done.then(() => (finished = true));
  for (let sweep = 0; !finished; sweep++) {
    const all = parents();
    const depth = new Map([[root, 0]]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of all) if (depth.has(ppid) && !depth.has(pid)) (depth.set(pid, depth.get(ppid)! + 1), (grew = true));
    }
    for (const pid of last.keys()) if (!goneAt.has(pid) && !fs.existsSync(`/proc/${pid}`)) goneAt.set(pid, sweep);
    for (const [pid, d] of depth) {
      const s = readStat(pid);
      if (s) last.set(pid, { ...s, sweep, depth: d });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const byProcess: Record<string, number> = {};
  let total = 0;
  for (const [pid, p] of last) {
    const counted = [...last].filter(([c, s]) => s.ppid === pid && (goneAt.get(c) ?? Infinity) <= p.sweep).reduce((a, [, s]) => a + s.own + s.reaped, 0);
    const cpu = p.own + Math.max(0, p.reaped - counted);
    const role = `${p.depth === 0 ? 'root ' : ''}${p.comm}`;
    byProcess[role] = Math.round(((byProcess[role] ?? 0) + cpu) * 100) / 100;
    total += cpu;
  }
  return { total, byProcess };
}

const perMinute = (cpu: number, seconds: number) => Math.round((cpu / (seconds / 60)) * 1000) / 1000;

/** `voxnote listen` for `seconds` while the speech plays into the virtual microphone. */
async function listenRun(dist: string, model: string, play: () => Promise<void>, seconds: number, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(
    process.execPath,
    [path.join(dist, 'cli.js'), 'listen', '--source', 'mic', '--device', VIRTUAL.mic, '--backend', 'pulse', '--model', model, '--format', 'ndjson', '--max-seconds', String(seconds)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let lines = 0;
  child.stdout.on('data', (d: Buffer) => (lines += d.toString().split('\n').length - 1));
  child.stderr.on('data', () => undefined);
  const exited = new Promise((r) => child.once('exit', r));
  void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
  return { ...(await treeCpu(child.pid!, exited)), lines };
}

/** The plain loop (bench.js plainlive) for `seconds` on the same audio. */
async function plainRun(dist: string, model: string, play: () => Promise<void>, seconds: number) {
  const child = spawn(process.execPath, [path.join(dist, 'bench.js'), 'plainlive', model, VIRTUAL.mic], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
  setTimeout(() => child.stdin!.end(), seconds * 1000);
  return treeCpu(child.pid!, exited);
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
  return treeCpu(child.pid!, exited);
}

/** Running speech: words with 0.3 s between them (the least the tone model separates), about `seconds` long. */
function runningSpeech(seconds: number): ToneScript {
  const words = ['yes', 'open', 'file', 'save', 'run', 'close', 'no'];
  const items: Array<string | number> = [0.3];
  for (let i = 0; items.length < seconds * 3; i++) items.push(words[i % words.length], 0.3);
  return toneScript(items);
}

/**
 * The model's own share of one key press: a fresh recognizer fed the audio that session
 * captured (VOXNOTE_TRACE_AUDIO), cut as the worker cuts a capture (LEAD_IN, then 100 ms
 * chunks), nothing else in the way: the audio position at which it gives its first partial.
 */
function modelShareMs(m: VoskModel, pcm: Buffer): number | undefined {
  const rec = new VoskRecognizer(m, SAMPLE_RATE);
  try {
    let fed = 0;
    for (const chunk of new Chunker(CHUNK_BYTES, LEAD_IN).push(pcm)) {
      fed += chunk.length;
      if (!rec.accept(chunk) && rec.partial()) return Math.round((fed / 2 / SAMPLE_RATE) * 1000);
    }
    return undefined;
  } finally {
    rec.free();
  }
}

function spread(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { runs: s.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: s[s.length - 1] };
}

/**
 * A warm worker (the model loaded), someone speaking into the microphone: from the
 * start command (the key) to the first partial, and to the first captured audio
 * reaching the recognition (VOXNOTE_TRACE), `runs` times. Each press's first partial
 * splits into the model's share (the audio it needs: modelShareMs on what that
 * session captured) and Voxnote's own part (the rest: capture start, delivery, decoding time). The keys fall at varied
 * moments of the speech: 0.7-1.7 s after the last session stopped.
 */
async function keyToFirstPartial(dist: string, model: string, play: () => Promise<void>, runs: number, dir: string) {
  let firstAudioAt: number | undefined;
  const captured = path.join(dir, 'captured');
  const w = new RawWorker(path.join(dist, 'worker.js'), { VOXNOTE_TRACE: '1', VOXNOTE_TRACE_AUDIO: captured }, (line) => {
    const m = /^voxnote-trace-first-audio (\S+) /.exec(line);
    if (m) firstAudioAt = Number(m[1]);
  });
  const engine = { kind: 'vosk', model } as const;
  const partial: number[] = [];
  const audio: number[] = [];
  const now = () => performance.timeOrigin + performance.now();
  try {
    const ready = w.until('ready');
    w.send({ type: 'load', engine });
    await ready;
    void play().catch(() => undefined); // ended by the sound server stopping: the figures are taken
    for (let i = 0; i < runs; i++) {
      await new Promise((r) => setTimeout(r, 700 + ((i * 389) % 1000)));
      firstAudioAt = undefined;
      const first = w.until('partial');
      const t0 = now();
      w.send({ type: 'start', engine, source: { kind: 'mic', device: VIRTUAL.mic, backend: 'pulse' }, options: { partials: true } });
      await first;
      partial.push(Math.round(now() - t0));
      // The trace line comes on stderr, its own pipe: it may trail the partial.
      for (let k = 0; k < 100 && firstAudioAt === undefined; k++) await new Promise((r) => setTimeout(r, 10));
      if (firstAudioAt !== undefined) audio.push(Math.round(firstAudioAt - t0));
      const stopped = w.until('stopped');
      w.send({ type: 'stop' });
      await stopped;
    }
  } finally {
    await w.close();
  }
  const m = VoskModel.load(model)!;
  const share = partial.map((_, i) => modelShareMs(m, fs.readFileSync(`${captured}-${i + 1}.s16`)));
  m.free();
  const own = partial.flatMap((ms, i) => (share[i] === undefined ? [] : [ms - share[i]!]));
  return {
    keyToFirstPartial: { ...spread(partial), target: 'p50 <= 300 ms' },
    modelShare: { ...spread(share.filter((s) => s !== undefined)), note: 'per press: the audio the same model, fed that session\'s captured audio alone, needs for its first partial' },
    voxnoteOwnPart: { ...spread(own), note: 'per press: key to first partial minus the model\'s share (capture start, delivery, decoding time)' },
    keyToFirstCapturedAudio: { ...spread(audio), target: '<= 50 ms' },
    eachPress: partial.map((ms, i) => ({ keyToFirstPartialMs: ms, modelShareMs: share[i] ?? 'no partial alone', voxnoteOwnMs: share[i] === undefined ? 'n/a' : ms - share[i]! })),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function startupBench(dist: string, model: string) {
  const seconds = 48;
  const rounds = Number(process.env.VOXNOTE_BENCH_ROUNDS ?? 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-startup-'));
  const wav = path.join(dir, 'session.wav');
  fs.writeFileSync(wav, encodeWav(speechScript(seconds).samples.subarray(0, seconds * SAMPLE_RATE), SAMPLE_RATE, 'pcm16'));
  const running = runningSpeech(60);
  const runningWav = path.join(dir, 'running.wav');
  fs.writeFileSync(runningWav, encodeWav(running.samples, SAMPLE_RATE, 'pcm16'));
  const audio = await startVirtualAudio(dir);
  const load = { before: os.loadavg().map((x) => Math.round(x * 100) / 100), after: [] as number[] };
  const listen: Array<Awaited<ReturnType<typeof listenRun>>> = [];
  // Node parses NODE_EXTRA_CA_CERTS at every start (0.04 CPU-s for a system bundle); Python's loop never reads it.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const listenNoCa: typeof listen = [];
  const plain: TreeCpu[] = [];
  const py: TreeCpu[] = [];
  let firstPartial: Awaited<ReturnType<typeof keyToFirstPartial>>;
  const exe = python();
  try {
    const play = () => audio.play('mic', wav);
    // Interleaved, so that a change in the machine's load falls on every variant alike.
    for (let r = 0; r < rounds; r++) {
      listen.push(await listenRun(dist, model, play, seconds));
      if (extraCa) listenNoCa.push(await listenRun(dist, model, play, seconds, { NODE_EXTRA_CA_CERTS: undefined }));
      if (exe) py.push(await pythonRun(exe, model, play, seconds));
      plain.push(await plainRun(dist, model, play, seconds));
    }
    firstPartial = await keyToFirstPartial(dist, model, () => audio.play('mic', runningWav), 10, dir);
  } finally {
    await audio.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  load.after = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const figure = (runs: TreeCpu[]) => ({
    cpuSPerAudioMin: perMinute(median(runs.map((r) => r.total)), seconds),
    eachRun: runs.map((r) => perMinute(r.total, seconds)),
    cpuSecondsByProcess: runs.map((r) => r.byProcess),
  });
  const voxnote = figure(listen);
  const voxnoteNoCa = listenNoCa.length ? figure(listenNoCa) : undefined;
  const pythonLoop = py.length ? figure(py) : undefined;
  const nodeLoop = figure(plain);
  const ratio = (x: { cpuSPerAudioMin: number }, v = voxnote) => Math.round((v.cpuSPerAudioMin / x.cpuSPerAudioMin) * 100) / 100;
  return {
    audioSeconds: seconds,
    rounds,
    loadAverage1m5m15m: load,
    treeCpuSPerAudioMin: {
      voxnoteListen: voxnote.cpuSPerAudioMin,
      plainPythonLoop: pythonLoop?.cpuSPerAudioMin ?? 'not run: no python3',
      plainNodeLoop: nodeLoop.cpuSPerAudioMin,
    },
    ratioToPythonLoop: pythonLoop ? ratio(pythonLoop) : 'not run',
    ...(voxnoteNoCa && {
      withoutNodeExtraCaCerts: {
        note: `this environment sets NODE_EXTRA_CA_CERTS (${extraCa}), which every Node process parses at start; most machines do not`,
        voxnoteListen: voxnoteNoCa.cpuSPerAudioMin,
        ratioToPythonLoop: pythonLoop ? ratio(pythonLoop, voxnoteNoCa) : 'not run',
        runs: voxnoteNoCa,
      },
    }),
    ratioToNodeLoop: ratio(nodeLoop),
    target: 'ratioToPythonLoop <= 1.3',
    ndjsonLinesPerSecond: Math.round((median(listen.map((l) => l.lines)) / seconds) * 10) / 10,
    runs: { voxnoteListen: voxnote, plainPythonLoop: pythonLoop ?? 'not run', plainNodeLoop: nodeLoop },
    warmWorker: firstPartial,
    note:
      'Whole process trees from spawn to exit, start-up included, the same 48 s of tone speech on the virtual microphone; ' +
      'the median of the rounds. The Python loop is the classic recipe with libvosk through ctypes and parec in place of PyAudio ' +
      "(Python's vosk and pyaudio packages are on PyPI, unreachable here); the Node loop reads parec into libvosk through koffi. " +
      'Key figures: running speech (0.3 s between words) already playing when the start command is sent.',
  };
}
