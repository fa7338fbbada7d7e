/**
 * npm run bench: engine figures printed as JSON (not timed tests).
 * - overhead: `voxnote transcribe` on 10 minutes of 16 kHz audio against a plain
 *   loop calling libvosk directly on the same file, each in its own process.
 * - latency: per chunk that produced a partial or final, the worker's time beyond
 *   libvosk's own calls (VOXNOTE_TRACE), from the chunk's arrival to its line written.
 * - memory: worker RSS after 1 minute and after 1 hour of audio (fast file source).
 * - live: CPU per audio minute live from the virtual microphone, worker vs a plain
 *   libvosk loop, and end of speech to final for Vosk and AssemblyAI's local mock
 *   (bench/liveCpu.ts), with sherpa-onnx's beside them when the sherpa part runs too.
 * - sherpa: sherpa-onnx streaming and offline paths beside a plain sherpa-onnx loop (bench/sherpa.ts).
 * - costly: the same paths with cost-realistic test models at 0.02, 0.1 and 0.3 s of decode per audio second (bench/costly.ts).
 * - speed: Test Model Speed's measured real-time factor and verdict at three knob costs, and the yardstick (bench/speedTest.ts).
 * - twopass: two-pass dictation beside streaming-only and offline-only, at those costs (bench/twoPass.ts).
 * - filelong (only when named: ~50 min): Transcribe Audio File on a 2-hour recording at cost 0.3: peak RSS, Cancel time, throughput vs a plain loop (bench/fileLong.ts).
 * - server: the speech-server engine through the loopback stand-in against the same model locally (bench/server.ts).
 * - notes: meeting-notes figures (bench/notes.ts); order: the time-order hold at real time (also with notes).
 * - summary: Summarize Meeting for a 1-hour meeting through the local chat stand-in (bench/summary.ts).
 * - dictation: activation, final → document and warm push-to-talk in a real VS Code (bench/dictation.ts).
 * - targets: a voice command's final → its effect, final → commit box (bench/targets.ts).
 * - diarization: who spoke: worker CPU per audio minute and the extra latency per line (bench/diarization.ts).
 * `node dist/bench.js engine|notes|dictation…` runs only those parts.
 * Audio and model are the synthetic tone model's (no real model can be had here).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkerClient } from '../src/speech/workerClient';
import { SAMPLE_RATE } from '../src/worker/audio/format';
import { VoskModel, VoskRecognizer } from '../src/worker/engines/vosk/libvosk';
import { toneScript, writeRepeatedWav } from '../test/support/toneAudio';
import { buildToneModel } from '../test/support/toneModel';
import { procMemory } from '../test/support/procStatus';
import { dictationBench } from './dictation';
import { liveBench, plainLiveLoop } from './liveCpu';
import { startupBench } from './startupCpu';
import { costlyBench } from './costly';
import { diarizationBench } from './diarization';
import { speedTestBench } from './speedTest';
import { fileLongBench } from './fileLong';
import { lineOrderBench, notesBench } from './notes';
import { serverBench } from './server';
import { summaryBench } from './summary';
import { sherpaBench, sherpaDirect } from './sherpa';
import { targetsBench } from './targets';
import { twoPassBench } from './twoPass';

const DIST = __dirname;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-bench-'));

/** A WAV of `minutes` of tone speech, written by repeating one minute. */
function longWav(minutes: number): string {
  const items: Array<string | number> = [0.5];
  const words = ['yes', 'open', 'file', 'save', 'run', 'close', 'no'];
  for (let i = 0; items.length < 200; i++) items.push(words[i % words.length], i % 4 === 3 ? 1.2 : 0.35);
  const minute = toneScript(items);
  const block = new Float32Array(60 * SAMPLE_RATE);
  block.set(minute.samples.subarray(0, block.length));
  return writeRepeatedWav(path.join(work, `${minutes}min.wav`), block, SAMPLE_RATE, minutes);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * The baseline: read the file, 100 ms chunks straight into libvosk, print the number of finals.
 * With `marks` (minutes), also prints this process's RSS at each mark, for the memory figure.
 */
function directLoop(file: string, modelPath: string, marks: number[] = []): void {
  const model = VoskModel.load(modelPath)!;
  const rec = new VoskRecognizer(model, SAMPLE_RATE);
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(3200);
  const rss: Record<number, number> = {};
  let n: number;
  let pos = 44;
  let lines = 0;
  for (let chunks = 1; (n = fs.readSync(fd, chunk, 0, chunk.length, pos)) > 0; chunks++) {
    pos += n;
    if (rec.accept(chunk.subarray(0, n))) {
      if (rec.result().text) lines++;
    } else if (marks.length) rec.partial(); // the memory run mirrors the worker's partials
    if (marks.includes(chunks / 600)) rss[chunks / 600] = process.memoryUsage().rss;
  }
  if (rec.finalResult().text) lines++;
  process.stdout.write(marks.length ? JSON.stringify(rss) + '\n' : `${lines}\n`);
}

function timeMs(args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { ms: performance.now() - t, stdout: r.stdout };
}

function overhead(modelPath: string) {
  const file = longWav(10);
  const cli = [], direct = [];
  let finals = 0;
  for (let i = 0; i < 5; i++) {
    const c = timeMs([path.join(DIST, 'cli.js'), 'transcribe', file, '--model', modelPath, '--format', 'text']);
    const d = timeMs([path.join(DIST, 'bench.js'), 'direct', file, modelPath]);
    cli.push(c.ms);
    direct.push(d.ms);
    finals = c.stdout.trim().split('\n').length;
    if (String(finals) !== d.stdout.trim()) throw new Error(`finals differ: cli ${finals}, direct ${d.stdout.trim()}`);
  }
  return {
    audioMinutes: 10,
    finals,
    cliMs: Math.round(median(cli)),
    directMs: Math.round(median(direct)),
    ratio: Math.round((median(cli) / median(direct)) * 1000) / 1000,
    target: '<= 1.25',
  };
}

async function latency(modelPath: string) {
  const file = longWav(2);
  const added: number[] = [];
  const client = new WorkerClient({
    workerPath: path.join(DIST, 'worker.js'),
    env: { VOXNOTE_TRACE: '1' },
    log: (l) => {
      const m = /^voxnote-trace (\S+)/.exec(l);
      if (m) added.push(Number(m[1]));
    },
  });
  await client.request({ type: 'start', engine: { kind: 'vosk', model: modelPath }, source: { kind: 'file', path: file }, options: { words: true } }, 'stopped', 120000);
  await client.shutdown();
  return {
    chunksWithOutput: added.length,
    p50Ms: Math.round(percentile(added, 50) * 1000) / 1000,
    p95Ms: Math.round(percentile(added, 95) * 1000) / 1000,
    maxMs: Math.round(Math.max(...added) * 1000) / 1000,
    target: 'p95 <= 5',
  };
}

/** RSS in MB at minutes 1, 15 and 60 of a 60-minute file, for the worker and for a plain libvosk loop. */
async function memory(modelPath: string) {
  const file = longWav(60);
  const marks = [1, 15, 60];
  const client = new WorkerClient({ workerPath: path.join(DIST, 'worker.js') });
  const worker: Record<number, number> = {};
  client.onEvent((e) => {
    // progress comes after each second of audio is decoded: minute m ends at second 60m - 1.
    const minute = (e.type === 'progress' && (e.seconds + 1) / 60) || 0;
    if (marks.includes(minute)) worker[minute] = procMemory(client.pid!, 'VmRSS');
  });
  const t = performance.now();
  await client.request({ type: 'start', engine: { kind: 'vosk', model: modelPath }, source: { kind: 'file', path: file }, options: { partials: true } }, 'stopped', 600000);
  const seconds = (performance.now() - t) / 1000;
  await client.shutdown();
  const direct = JSON.parse(timeMs([path.join(DIST, 'bench.js'), 'direct', file, modelPath, marks.join(',')]).stdout) as Record<number, number>;
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  const curve = (r: Record<number, number>) => ({
    rssMB: Object.fromEntries(marks.map((m) => [`${m}min`, mb(r[m])])),
    growth1to60MB: mb(r[60] - r[1]),
    growth15to60MB: mb(r[60] - r[15]),
  });
  return {
    audioMinutes: 60,
    wallSeconds: Math.round(seconds * 10) / 10,
    worker: curve(worker),
    plainLibvoskLoop: curve(direct),
    target: 'worker growth from 1 to 60 min <= 5 MB',
  };
}

/** sherpa-onnx's worker figures (bench/sherpa.ts, its own tone audio) in the shape of the live ones, to read side by side. */
function sherpaEndOfSpeech(sherpa: Awaited<ReturnType<typeof sherpaBench>> | undefined) {
  if (!sherpa) return { sherpa: 'not run: add the sherpa part (node dist/bench.js live sherpa) to see it here' };
  const figure = ({ endOfSpeechToFinalSeconds: { worker } }: typeof sherpa.streaming) => ({
    utterances: worker.n,
    p50Ms: Math.round(worker.p50 * 1000),
    maxMs: Math.round(worker.max * 1000),
    audio: "the sherpa tone model's own (its tones differ from Vosk's), paced at real time; details under sherpa",
  });
  return { sherpaStreaming: figure(sherpa.streaming), sherpaOffline: figure(sherpa.offline) };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'plainlive') return plainLiveLoop(process.argv[3], process.argv[4]);
  if (process.argv[2] === 'direct') return directLoop(process.argv[3], process.argv[4], process.argv[5]?.split(',').map(Number));
  if (process.argv[2] === 'sherpa-direct') {
    const [kind, file, model, mode, marks] = process.argv.slice(3);
    return sherpaDirect(kind as 'streaming' | 'offline', file, model, mode, marks ? marks.split(',').map(Number) : []);
  }
  const parts = process.argv.slice(2);
  const want = (part: string) => !parts.length || parts.includes(part);
  const modelPath = path.join(work, 'model');
  buildToneModel(modelPath);
  const engine = want('engine') ? { overhead: overhead(modelPath), addedLatency: await latency(modelPath), memory: await memory(modelPath) } : undefined;
  const live = want('live') ? await liveBench(DIST, modelPath) : undefined;
  const sherpa = want('sherpa') ? await sherpaBench(DIST, work) : undefined;
  const startup = want('startup') ? await startupBench(DIST, modelPath) : undefined;
  const results = {
    machine: { cpus: os.cpus().length, node: process.version },
    ...(engine ? { engine } : {}),
    ...(live ? { live: { ...live, endOfSpeechToFinal: { ...live.endOfSpeechToFinal, ...sherpaEndOfSpeech(sherpa) } } } : {}),
    ...(sherpa ? { sherpa } : {}),
    ...(want('costly') ? { costly: await costlyBench(DIST, work) } : {}),
    ...(want('speed') ? { speedTest: await speedTestBench(DIST, work) } : {}),
    ...(want('twopass') ? { twoPass: await twoPassBench(DIST, work) } : {}),
    ...(parts.includes('filelong') ? { filelong: await fileLongBench(DIST, work) } : {}),
    ...(want('server') ? { server: await serverBench(DIST, work) } : {}),
    ...(startup ? { startup } : {}),
    ...(want('notes') ? { notes: await notesBench(path.join(DIST, 'worker.js'), modelPath) } : {}),
    ...(want('notes') || want('order') ? { notesTimeOrder: await lineOrderBench(path.join(DIST, 'worker.js'), modelPath) } : {}),
    ...(want('summary') ? { summary: await summaryBench() } : {}),
    ...(want('dictation') ? { dictation: await dictationBench({ dist: DIST }) } : {}),
    ...(want('targets') ? { targets: await targetsBench({ dist: DIST }) } : {}),
    ...(want('diarization') ? { diarization: await diarizationBench(DIST, work) } : {}),
  };
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e: Error) => {
  process.stderr.write(`bench failed: ${e.stack}\n`);
  process.exit(1);
});
