/**
 * Live-capture figures (issue 8), on the private PulseAudio server of the tests:
 * - cpu: CPU seconds per audio minute of the worker plus its recorder (parec),
 *   against a plain loop that reads the same device through the same recorder and
 *   calls libvosk directly (the tutorials' PyAudio-style loop), same audio, one run.
 * - endOfSpeech: end of each utterance's audio to its final, for a file paced at
 *   real time (positions in the audio are exact there), p50 and max: Vosk, and
 *   AssemblyAI against the local mock of its streaming endpoint, on the same audio.
 * CPU is read from /proc (utime + stime) from just before the audio plays to
 * just after it ends, so start-up is excluded: this is the steady state.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { encode, type Command, type EngineSpec, type WorkerEvent } from '../src/shared/protocol';
import { WORKER_NODE_FLAGS } from '../src/speech/workerClient';
import { CHUNK_BYTES, SAMPLE_RATE } from '../src/worker/audio/format';
import { VoskModel, VoskRecognizer } from '../src/worker/engines/vosk/libvosk';
import { AssemblyAIMock } from '../test/support/assemblyaiMock';
import { captureTools, processes } from '../test/support/processes';
import { startVirtualAudio, VIRTUAL } from '../test/support/pulse';
import { encodeWav, toneScript, type ToneScript } from '../test/support/toneAudio';

const TICKS = 100; // USER_HZ on Linux

/** A command before the worker client gives it an id. */
type Unsent = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return NaN;
  }
}

/** About `seconds` of tone speech: words with short and long pauses, like dictation. */
export function speechScript(seconds: number): ToneScript {
  const words = ['yes', 'open', 'file', 'save', 'run', 'close', 'no'];
  const items: Array<string | number> = [0.5];
  for (let i = 0; ; i++) {
    items.push(words[i % words.length], i % 4 === 3 ? 1.2 : 0.35);
    if (i % 8 !== 7) continue;
    const script = toneScript(items);
    if (script.samples.length >= seconds * SAMPLE_RATE) return script;
  }
}

function writeWav(dir: string, script: ToneScript, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeWav(script.samples, SAMPLE_RATE, 'pcm16'));
  return file;
}

/** A worker spoken to over its protocol, as the host does. */
export class RawWorker {
  readonly child: ChildProcess;
  private readonly listeners = new Set<(e: WorkerEvent) => void>();
  private nextId = 1;

  /** `onStderr`: the worker's log lines (VOXNOTE_TRACE's among them); otherwise they go to this process's stderr. */
  constructor(workerPath: string, env: NodeJS.ProcessEnv = {}, onStderr?: (line: string) => void) {
    this.child = spawn(process.execPath, [...WORKER_NODE_FLAGS, workerPath], { env: { ...process.env, ...env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', onStderr ? 'pipe' : 'inherit'] });
    if (onStderr) readline.createInterface({ input: this.child.stderr! }).on('line', onStderr);
    readline.createInterface({ input: this.child.stdout! }).on('line', (l) => {
      const e = JSON.parse(l) as WorkerEvent;
      for (const f of this.listeners) f(e);
    });
  }

  send(command: Unsent): number {
    const id = this.nextId++;
    this.child.stdin!.write(encode({ ...command, id } as Command));
    return id;
  }

  on(f: (e: WorkerEvent) => void): void {
    this.listeners.add(f);
  }

  until<T extends WorkerEvent['type']>(type: T, ms = 60000): Promise<Extract<WorkerEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} in ${ms} ms`)), ms);
      const f = (e: WorkerEvent) => {
        if (e.type === 'error' && e.fatal) reject(new Error(e.message));
        if (e.type !== type) return;
        clearTimeout(timer);
        this.listeners.delete(f);
        resolve(e as Extract<WorkerEvent, { type: T }>);
      };
      this.listeners.add(f);
    });
  }

  async close(): Promise<void> {
    this.send({ type: 'shutdown' });
    this.child.stdin!.end();
    await new Promise((r) => this.child.once('exit', r));
  }
}

/** The plain loop, run as its own process: parec into libvosk, 100 ms chunks (as the worker), a partial per chunk. */
export function plainLiveLoop(modelPath: string, device: string): void {
  const model = VoskModel.load(modelPath)!;
  const rec = new VoskRecognizer(model, SAMPLE_RATE);
  const parec = spawn('parec', ['-d', device, '--raw', '--format=s16le', `--rate=${SAMPLE_RATE}`, '--channels=1', '--latency-msec=50'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let finals = 0;
  let pending = Buffer.alloc(0);
  parec.stdout.on('data', (data: Buffer) => {
    pending = Buffer.concat([pending, data]);
    for (; pending.length >= CHUNK_BYTES; pending = pending.subarray(CHUNK_BYTES)) {
      if (rec.accept(pending.subarray(0, CHUNK_BYTES))) {
        if (rec.result().text) finals++;
      } else rec.partial();
    }
  });
  process.stdin.on('data', () => undefined).on('end', () => {
    parec.kill();
    if (rec.finalResult().text) finals++;
    process.stdout.write(`${finals}\n`);
    process.exit(0);
  });
}

interface CpuFigure {
  engineProcessCpuSPerAudioMin: number;
  recorderCpuSPerAudioMin: number;
  totalCpuSPerAudioMin: number;
  finals: number;
}

const perMinute = (cpu: number, audioSeconds: number) => Math.round((cpu / (audioSeconds / 60)) * 1000) / 1000;

async function measureWhilePlaying(pid: number, recorder: () => number | undefined, play: () => Promise<void>, audioSeconds: number) {
  await new Promise((r) => setTimeout(r, 1500)); // capture running, start-up done
  const rec = recorder();
  if (!rec) throw new Error('no recorder process found');
  const e0 = cpuSeconds(pid);
  const r0 = cpuSeconds(rec);
  await play();
  await new Promise((r) => setTimeout(r, 500));
  return { engine: perMinute(cpuSeconds(pid) - e0, audioSeconds), recorder: perMinute(cpuSeconds(rec) - r0, audioSeconds) };
}

async function workerCpu(workerPath: string, engine: EngineSpec, play: () => Promise<void>, audioSeconds: number): Promise<CpuFigure> {
  const w = new RawWorker(workerPath);
  let finals = 0;
  w.on((e) => e.type === 'final' && finals++);
  const started = w.until('started');
  w.send({ type: 'start', engine, source: { kind: 'mic', device: VIRTUAL.mic, backend: 'pulse' }, options: { partials: true, levels: true } });
  await started;
  const m = await measureWhilePlaying(w.child.pid!, () => captureTools(w.child.pid!)[0]?.pid, play, audioSeconds);
  const stopped = w.until('stopped');
  w.send({ type: 'stop' });
  await stopped;
  await w.close();
  return { engineProcessCpuSPerAudioMin: m.engine, recorderCpuSPerAudioMin: m.recorder, totalCpuSPerAudioMin: Math.round((m.engine + m.recorder) * 1000) / 1000, finals };
}

async function plainCpu(benchPath: string, modelPath: string, play: () => Promise<void>, audioSeconds: number): Promise<CpuFigure> {
  const child = spawn(process.execPath, [benchPath, 'plainlive', modelPath, VIRTUAL.mic], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  const parec = () => processes().find((p) => p.ppid === child.pid && /parec$/.test(p.argv[0] ?? ''))?.pid;
  const m = await measureWhilePlaying(child.pid!, parec, play, audioSeconds);
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
  return { engineProcessCpuSPerAudioMin: m.engine, recorderCpuSPerAudioMin: m.recorder, totalCpuSPerAudioMin: Math.round((m.engine + m.recorder) * 1000) / 1000, finals: Number(out.trim()) };
}

/** End of each utterance's audio to its final, file paced at real time. */
export async function endOfSpeechToFinal(workerPath: string, engine: EngineSpec, wav: string, script: ToneScript, env: NodeJS.ProcessEnv = {}) {
  const w = new RawWorker(workerPath, env);
  let t0 = 0;
  const arrivals: Array<{ end: number; at: number }> = [];
  w.on((e) => {
    if (e.type === 'started') t0 = performance.now();
    if (e.type === 'final') arrivals.push({ end: e.end, at: performance.now() });
  });
  const stopped = w.until('stopped', 300000);
  w.send({ type: 'start', engine, source: { kind: 'file', path: wav, realtime: true }, options: { words: true, partials: true } });
  await stopped;
  await w.close();
  // Each final's last word ends at a known audio position; the file is fed from t0 at 1x.
  const lags = arrivals.map((a) => (a.at - t0) / 1000 - a.end).filter((x) => x >= 0);
  const s = [...lags].sort((a, b) => a - b);
  return {
    utterances: arrivals.length,
    spokenWords: script.words.length,
    p50Ms: Math.round((s[Math.floor(s.length / 2)] ?? NaN) * 1000),
    maxMs: Math.round((s[s.length - 1] ?? NaN) * 1000),
  };
}

/**
 * The same measure for the AssemblyAI engine against the local TLS mock (test/support/assemblyaiMock.ts),
 * which ends a turn after 700 ms of silence. The key is made here, goes to the worker only in the start
 * command on stdin, and is checked to be absent from the figures.
 */
async function assemblyaiMockEndOfSpeech(workerPath: string, wav: string, script: ToneScript) {
  const key = `aai-bench-${randomBytes(12).toString('hex')}`;
  const mock = await AssemblyAIMock.start({ apiKey: key });
  try {
    const figures = await endOfSpeechToFinal(workerPath, { kind: 'assemblyai', credential: key, url: mock.url }, wav, script, { NODE_EXTRA_CA_CERTS: mock.caFile });
    if (JSON.stringify(figures).includes(key)) throw new Error('the AssemblyAI key reached the bench figures');
    return figures;
  } finally {
    await mock.close();
    fs.rmSync(path.dirname(mock.caFile), { recursive: true, force: true });
  }
}

export async function liveBench(dist: string, modelPath: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-live-'));
  const script = speechScript(60);
  const wav = writeWav(dir, script, 'speech.wav');
  const audioSeconds = script.samples.length / SAMPLE_RATE;
  const audio = await startVirtualAudio(dir);
  try {
    const play = () => audio.play('mic', wav);
    const engine: EngineSpec = { kind: 'vosk', model: modelPath };
    const worker = await workerCpu(path.join(dist, 'worker.js'), engine, play, audioSeconds);
    const plain = await plainCpu(path.join(dist, 'bench.js'), modelPath, play, audioSeconds);
    const short = speechScript(30);
    const shortWav = writeWav(dir, short, 'short.wav');
    return {
      cpu: { audioSeconds: Math.round(audioSeconds), worker, plainLoop: plain, target: 'worker total <= plain loop total' },
      endOfSpeechToFinal: {
        vosk: await endOfSpeechToFinal(path.join(dist, 'worker.js'), engine, shortWav, short),
        assemblyaiMock: await assemblyaiMockEndOfSpeech(path.join(dist, 'worker.js'), shortWav, short),
        note:
          "vosk and assemblyaiMock: the same 30 s of tone speech, paced at real time. assemblyaiMock measures Voxnote's own path " +
          "(worker, 50 ms frames, TLS WebSocket on 127.0.0.1) plus the local mock's endpointing (a turn ends after 700 ms of silence), " +
          "not AssemblyAI's service.",
      },
    };
  } finally {
    await audio.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
