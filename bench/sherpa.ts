/**
 * sherpa-onnx figures, for the streaming path (NeMo CTC tone model, endpoints)
 * and the offline path (TDNN CTC tone model + Silero VAD), each beside a plain
 * loop calling sherpa-onnx directly on the same audio with the same configs:
 * - cpu: CPU seconds per audio minute on 10 minutes of audio (fast file source);
 * - endToFinal: end of speech to final (p50, max), audio played in real time;
 * - memory: RSS after 1 and 60 minutes of audio (fast file source).
 * The tone models decode hundreds of times faster than real models: these
 * figures measure Voxnote's own cost and the endpointing/VAD delays, not a real
 * model's decode time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { WorkerClient } from '../src/speech/workerClient';
import type { EngineSpec } from '../src/shared/protocol';
import { checkSherpaFolder, SherpaModel } from '../src/shared/sherpaModelFolder';
import { loadSherpa } from '../src/worker/engines/sherpa/addon';
import { offlineConfig, onlineConfig, VAD_WINDOW, vadConfig } from '../src/worker/engines/sherpa/config';
import { BUNDLED_VAD } from '../src/worker/engines/sherpa/sherpaEngine';
import { buildSherpaToneModel, sherpaToneScript, SherpaToneKind, vadScript } from '../test/support/sherpaToneModel';
import { writeRepeatedWav } from '../test/support/toneAudio';
import { procMemory } from '../test/support/procStatus';

const RATE = 16000;
const CHUNK = 3200;

export interface Block {
  samples: Float32Array;
  /** Seconds into the block where each utterance's speech ends, and its text. */
  ends: Array<{ end: number; text: string }>;
}

/** One minute of speech for each path, exactly 60 s so that repeats keep the timing. */
export function block(kind: SherpaToneKind): Block {
  const samples = new Float32Array(60 * RATE);
  if (kind === 'streaming') {
    const words = ['yes', 'open', 'file', 'save', 'run', 'close', 'no', 'stop', 'hello'];
    const items: Array<string | number> = [0.5];
    const groups: string[][] = [];
    for (let i = 0; items.length < 60; i += 3) {
      const g = [words[i % 9], words[(i + 1) % 9], words[(i + 2) % 9]];
      groups.push(g);
      g.forEach((w, j) => items.push(...(j ? [0.3] : []), w));
      items.push(2);
    }
    const s = sherpaToneScript(items);
    const ends: Block['ends'] = [];
    let w = 0;
    for (const g of groups) {
      w += g.length;
      const end = s.words[w - 1].end;
      if (end + 2 <= 60) ends.push({ end, text: g.join(' ') });
    }
    samples.set(s.samples.subarray(0, Math.min(s.samples.length, ends.at(-1)!.end * RATE + 1.5 * RATE)));
    return { samples, ends };
  }
  const pairs = [['yes', 'no'], ['open', 'file'], ['save', 'run'], ['close', 'stop'], ['hello', 'yes']];
  const utterances = Array.from({ length: 14 }, (_, i) => pairs[i % pairs.length]);
  const s = vadScript(utterances, { lead: 0.5 });
  const ends = s.utterances.filter((u) => u.end + 1.5 <= 60);
  samples.set(s.samples.subarray(0, Math.min(s.samples.length, samples.length)));
  return { samples, ends: ends.map((u) => ({ end: u.end, text: u.text })) };
}

/** `minutes` repeats of the block as a 16 kHz WAV. */
export const writeRepeats = (file: string, b: Block, minutes: number): string => writeRepeatedWav(file, b.samples, RATE, minutes);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMB = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
export function procCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

// ---------------------------------------------------------------------------
// The plain loop: `node bench.js sherpa-direct KIND FILE MODEL realtime|fast [MARKS]`, prints JSON.

export async function sherpaDirect(kind: SherpaToneKind, file: string, modelDir: string, mode: string, marks: number[]): Promise<void> {
  const check = checkSherpaFolder(modelDir);
  if (!check.ok) throw new Error(check.message);
  const m: SherpaModel = check.model;
  const sherpa = loadSherpa() as unknown as Record<string, any>;
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(CHUNK);
  const finals: Array<{ text: string; at: number }> = [];
  const rss: Record<number, number> = {};
  const realtime = mode === 'realtime';
  let t0 = 0;
  const onFinal = (text: string) => text.trim() && finals.push({ text: text.trim(), at: (performance.now() - t0) / 1000 });
  let feed: (samples: Float32Array) => void;
  let end: () => void;
  if (kind === 'streaming') {
    const rec = new sherpa.OnlineRecognizer(onlineConfig(m));
    const s = rec.createStream();
    const drain = () => {
      while (rec.isReady(s)) {
        rec.decode(s);
        if (rec.isEndpoint(s)) {
          onFinal(rec.getResult(s).text);
          rec.reset(s);
        }
      }
    };
    feed = (samples) => {
      s.acceptWaveform({ samples, sampleRate: RATE });
      drain();
      rec.getResult(s); // the partial, as the worker reads it
    };
    end = () => {
      s.acceptWaveform({ samples: new Float32Array(0.66 * RATE), sampleRate: RATE });
      s.inputFinished();
      drain();
      onFinal(rec.getResult(s).text);
    };
  } else {
    const rec = new sherpa.OfflineRecognizer(offlineConfig(m));
    const vad = new sherpa.Vad(vadConfig(m.vad ?? BUNDLED_VAD, 30), 40);
    let pending = new Float32Array(0);
    const segments = () => {
      while (!vad.isEmpty()) {
        const seg = vad.front(false);
        vad.pop();
        const st = rec.createStream();
        st.acceptWaveform({ samples: seg.samples, sampleRate: RATE });
        rec.decode(st);
        onFinal(rec.getResult(st).text);
      }
    };
    feed = (samples) => {
      const all = new Float32Array(pending.length + samples.length);
      all.set(pending);
      all.set(samples, pending.length);
      let at = 0;
      for (; at + VAD_WINDOW <= all.length; at += VAD_WINDOW) {
        vad.acceptWaveform(all.slice(at, at + VAD_WINDOW));
        segments();
      }
      pending = all.slice(at);
    };
    end = () => {
      vad.flush();
      segments();
    };
  }
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  let chunks = 0;
  for (let pos = 44; pos < size; pos += CHUNK) {
    const n = fs.readSync(fd, buf, 0, CHUNK, pos);
    if (realtime) {
      const wait = t0 + ((chunks + 1) * CHUNK * 1000) / (RATE * 2) - performance.now();
      if (wait > 0) await sleep(wait);
    } else if (chunks % 100 === 99) {
      // sherpa-onnx-node frees a stream's native memory in a finalizer that runs on the event loop.
      await new Promise((r) => setImmediate(r));
    }
    const samples = new Float32Array(n >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(2 * i) / 32768;
    feed(samples);
    chunks++;
    if (marks.includes(chunks / 600)) rss[chunks / 600] = process.memoryUsage().rss;
  }
  end();
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ finals, cpuSeconds: (cpu.user + cpu.system) / 1e6, rss }) + '\n');
}

export function runDirect(dist: string, args: string[]): { finals: Array<{ text: string; at: number }>; cpuSeconds: number; rss: Record<number, number> } {
  const r = spawnSync(process.execPath, [path.join(dist, 'bench.js'), 'sherpa-direct', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`sherpa-direct ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

// ---------------------------------------------------------------------------
// The worker

interface WorkerRun {
  finals: Array<{ text: string; at: number }>;
  cpuSeconds: number;
  rss: Record<number, number>;
}

export async function runWorker(dist: string, engine: EngineSpec, file: string, realtime: boolean, marks: number[] = []): Promise<WorkerRun> {
  const client = new WorkerClient({ workerPath: path.join(dist, 'worker.js') });
  const finals: WorkerRun['finals'] = [];
  const rss: Record<number, number> = {};
  /** The audio clock's zero: level event k (0-based) comes with chunk k, due (k + 1) × 0.1 s after it, never before. */
  let t0 = Infinity;
  let levels = 0;
  const arrivals: Array<{ text: string; now: number }> = [];
  let cpu0 = 0;
  client.onEvent((e) => {
    const now = performance.now();
    // The earliest-possible reading wins: a chunk held back by a busy event loop (then a burst) only comes later.
    if (e.type === 'level') t0 = Math.min(t0, now - 100 * ++levels);
    if (e.type === 'started') cpu0 = procCpuSeconds(client.pid!);
    if (e.type === 'final') arrivals.push({ text: e.text, now });
    const minute = (e.type === 'progress' && (e.seconds + 1) / 60) || 0;
    if (marks.includes(minute)) rss[minute] = procMemory(client.pid!, 'VmRSS');
  });
  await client.request({ type: 'start', engine, source: { kind: 'file', path: file, realtime }, options: { partials: true, levels: true } }, 'stopped', 1800000);
  const cpuSeconds = procCpuSeconds(client.pid!) - cpu0;
  await client.shutdown();
  finals.push(...arrivals.map((f) => ({ text: f.text, at: (f.now - t0) / 1000 })));
  return { finals, cpuSeconds, rss };
}

/** Memory marks, in minutes of audio: after 1, once warm (15), at the end (60). */
const MARKS = [1, 15, 60];
const curve = (r: Record<number, number>) => ({
  '1min': rssMB(r[1]),
  '15min': rssMB(r[15]),
  '60min': rssMB(r[60]),
  growth1to60: rssMB(r[60] - r[1]),
  growth15to60: rssMB(r[60] - r[15]),
});

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** End of speech to final, in seconds, matching finals to the block's utterances in order. */
export function delays(finals: Array<{ text: string; at: number }>, b: Block, who: string): { p50: number; max: number; n: number } {
  const got = finals.map((f) => f.text);
  const want = b.ends.map((u) => u.text);
  if (got.slice(0, want.length).join('|') !== want.join('|')) throw new Error(`${who}: finals ${JSON.stringify(got)} differ from ${JSON.stringify(want)}`);
  const d = b.ends.map((u, i) => finals[i].at - u.end);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: r(percentile(d, 50)), max: r(Math.max(...d)), n: d.length };
}

async function kindBench(dist: string, work: string, kind: SherpaToneKind) {
  const model = buildSherpaToneModel(path.join(work, `sherpa-${kind}`), kind);
  const b = block(kind);
  const tenMinutes = writeRepeats(path.join(work, `sherpa-${kind}-10.wav`), b, 10);
  const w10 = await runWorker(dist, { kind: 'sherpa', model }, tenMinutes, false);
  const d10 = runDirect(dist, [kind, tenMinutes, model, 'fast']);
  if (w10.finals.length !== d10.finals.length) throw new Error(`${kind}: the worker gave ${w10.finals.length} finals, the plain loop ${d10.finals.length}`);
  const oneMinute = writeRepeats(path.join(work, `sherpa-${kind}-1.wav`), b, 1);
  const wLive = await runWorker(dist, { kind: 'sherpa', model }, oneMinute, true);
  const dLive = runDirect(dist, [kind, oneMinute, model, 'realtime']);
  const hour = writeRepeats(path.join(work, `sherpa-${kind}-60.wav`), b, 60);
  const wMem = await runWorker(dist, { kind: 'sherpa', model }, hour, false, MARKS);
  const dMem = runDirect(dist, [kind, hour, model, 'fast', MARKS.join(',')]);
  const perMinute = (s: number) => Math.round((s / 10) * 10000) / 10000;
  const ws = delays(wLive.finals, b, `${kind} worker`);
  const ds = delays(dLive.finals, b, `${kind} plain loop`);
  return {
    cpuSecondsPerAudioMinute: { worker: perMinute(w10.cpuSeconds), plainLoop: perMinute(d10.cpuSeconds), finalsIn10Minutes: w10.finals.length },
    endOfSpeechToFinalSeconds: { worker: ws, plainLoop: ds, ratioP50: Math.round((ws.p50 / ds.p50) * 1000) / 1000 },
    rssMB: { worker: curve(wMem.rss), plainLoop: curve(dMem.rss) },
    target: kind === 'streaming' ? 'end of speech to final within 10 % of the plain loop; memory flat after warm-up (15 to 60 min)' : 'end of speech to final <= 1.5 s; memory flat after warm-up (15 to 60 min)',
  };
}

export async function sherpaBench(dist: string, work: string) {
  return {
    streaming: await kindBench(dist, work, 'streaming'),
    offline: await kindBench(dist, work, 'offline'),
    note: 'Synthetic tone models: decoding costs almost nothing, so CPU figures are Voxnote\'s and sherpa-onnx\'s front end (features, Silero VAD), and the delays are the endpoint rule (1.2 s of trailing silence) and the VAD\'s minimum silence (0.5 s), not a real model\'s decode time.',
  };
}
