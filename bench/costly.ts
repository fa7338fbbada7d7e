/**
 * `node dist/bench.js costly`: the worker with cost-realistic test models, at
 * three decode costs that bracket real models. sherpa-onnx's published real-time
 * factors (k2-fsa/sherpa docs, sherpa-onnx-offline's "Real time factor (RTF)" line):
 * - Moonshine tiny.en int8, 1 thread, MacBook: 0.213 s / 6.625 s = 0.032
 *   (docs/source/onnx/moonshine/code/sherpa-onnx-moonshine-tiny-en-int8.txt);
 * - Moonshine base.en int8, 1 thread: 0.438 / 6.625 = 0.066 (…-moonshine-base-en-int8.txt);
 * - Parakeet TDT 0.6b v2 int8, 2 threads, MacBook: 0.874 / 7.435 = 0.118
 *   (docs/source/onnx/pretrained_models/offline-transducer/code-nemo/sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8.txt);
 * - Whisper tiny.en on a Raspberry Pi 4: float32 1 thread 0.685, 2 threads 0.559; int8 1 thread 0.547, 4 threads 0.386
 *   (docs/source/onnx/pretrained_models/whisper/tiny.en.rst).
 * So 0.02, 0.1 and 0.3 s of decode per audio second span a small model on a laptop to a large one on a 2-core machine.
 *
 * Figures, each printed with what was run:
 * - measuredCost: decode CPU seconds per audio second the knob actually gives here (offline, streaming, Vosk);
 * - live (audio played in real time from a file, as a microphone would deliver it), per cost: end of speech
 *   to final p50/p95, CPU per audio minute, decode backlog peak, lost utterances, for dictation (one worker)
 *   and a meeting (two workers at once, one per track);
 * - file at cost 0.3: throughput against a plain sherpa-onnx loop over the same file, peak RSS, Cancel time;
 * - a long file at cost 0.02: RSS along the way (memory flat whatever the length).
 * Each section is also written to stderr as it completes (the whole part takes a while on a busy machine),
 * with the machine's load average, since 2 shared cores make every timing depend on it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WorkerClient } from '../src/speech/workerClient';
import type { EngineSpec } from '../src/shared/protocol';
import { loadSherpa } from '../src/worker/engines/sherpa/addon';
import { checkSherpaFolder } from '../src/shared/sherpaModelFolder';
import { offlineConfig, onlineConfig } from '../src/worker/engines/sherpa/config';
import { VoskModel, VoskRecognizer } from '../src/worker/engines/vosk/libvosk';
import { buildSherpaToneModel, sherpaToneScript, SherpaToneKind, vadScript } from '../test/support/sherpaToneModel';
import { toneScript, toS16le, writeRepeatedWav } from '../test/support/toneAudio';
import { buildToneModel } from '../test/support/toneModel';
import { percentile, procCpuSeconds, runDirect } from './sherpa';
import { procMemory } from '../test/support/procStatus';
import { sherpaCostLayers, voskCostLayers } from '../test/support/costCalibration';

const RATE = 16000;
export const COSTS = [0.02, 0.1, 0.3];
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** Audio with the truth: each utterance's end of speech and text. */
interface Script {
  samples: Float32Array;
  /** `alt`: another text that also counts (two-pass: the streaming text an utterance keeps when the final model is behind). */
  utterances: Array<{ end: number; text: string; alt?: string }>;
}

const WORDS = ['yes', 'no', 'open', 'close', 'file', 'save', 'run', 'stop'];
/** Utterances of 2, 4 and 6 words (about 3.6 to 8.6 s of speech), for the offline (VAD) path. */
export function offlineScript(count: number): Script {
  const utterances = Array.from({ length: count }, (_, i) => Array.from({ length: 2 + 2 * (i % 3) }, (_, j) => WORDS[(i + j) % WORDS.length]));
  const s = vadScript(utterances, { lead: 0.5 });
  return { samples: s.samples, utterances: s.utterances.map((u) => ({ end: u.end, text: u.text })) };
}

/** Utterances of 1 to 3 words 2 s apart (rule 2 ends each), for the streaming path. */
function streamingScript(count: number): Script {
  const items: Array<string | number> = [0.5];
  const groups: string[][] = [];
  for (let i = 0; i < count; i++) {
    const g = Array.from({ length: 1 + (i % 3) }, (_, j) => WORDS[(i + j) % WORDS.length]);
    groups.push(g);
    g.forEach((w, j) => items.push(...(j ? [0.3] : []), w));
    items.push(2);
  }
  const s = sherpaToneScript(items);
  let w = 0;
  const utterances = groups.map((g) => {
    w += g.length;
    return { end: s.words[w - 1].end, text: g.join(' ') };
  });
  return { samples: s.samples, utterances };
}

// ---------------------------------------------------------------------------
// What the knob gives: decode CPU per audio second, plain loops in this process.

export function measureSherpa(kind: SherpaToneKind, model: string, script: Script): number {
  const check = checkSherpaFolder(model);
  if (!check.ok) throw new Error(check.message);
  const sherpa = loadSherpa() as unknown as Record<string, any>;
  const c0 = process.cpuUsage();
  if (kind === 'offline') {
    const rec = new sherpa.OfflineRecognizer(offlineConfig(check.model));
    const s = rec.createStream();
    s.acceptWaveform({ samples: script.samples, sampleRate: RATE });
    rec.decode(s);
  } else {
    const rec = new sherpa.OnlineRecognizer(onlineConfig(check.model));
    const s = rec.createStream();
    s.acceptWaveform({ samples: script.samples, sampleRate: RATE });
    s.inputFinished();
    while (rec.isReady(s)) rec.decode(s);
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6 / (script.samples.length / RATE);
}

function measureVosk(model: string, seconds: number): number {
  const items: Array<string | number> = [0.5];
  for (let i = 0; items.length < seconds; i++) items.push(['yes', 'open', 'run', 'file'][i % 4], 0.4);
  const pcm = toS16le(toneScript(items).samples);
  const rec = new VoskRecognizer(VoskModel.load(model)!, RATE);
  const c0 = process.cpuUsage();
  for (let i = 0; i < pcm.length; i += 3200) rec.accept(pcm.subarray(i, i + 3200));
  rec.finalResult();
  const c = process.cpuUsage(c0);
  rec.free();
  return (c.user + c.system) / 1e6 / (pcm.length / 2 / RATE);
}

// ---------------------------------------------------------------------------
// Live: audio played at real-time pace, one worker per track.

interface TrackRun {
  delays: number[];
  lost: string[];
  /** Utterances whose final was their `alt` text. */
  alts: number;
  /** Codes of non-fatal errors. */
  notices: string[];
  cpuSeconds: number;
  backlogPeak: number;
}

async function liveTrack(dist: string, engine: EngineSpec, wav: string, script: Script): Promise<TrackRun> {
  const client = new WorkerClient({ workerPath: path.join(dist, 'worker.js') });
  const finals: Array<{ text: string; at: number }> = [];
  let t0 = 0;
  let cpu0 = 0;
  let backlogPeak = 0;
  client.onEvent((e) => {
    const now = performance.now();
    // The first level event comes with the first chunk, due 0.1 s after the audio clock's zero.
    if (e.type === 'level' && !t0) t0 = now - 100;
    if (e.type === 'started') cpu0 = procCpuSeconds(client.pid!);
    if (e.type === 'final') finals.push({ text: e.text, at: (now - t0) / 1000 });
    // Progress counts decoded audio: what has played and is not decoded yet is the backlog.
    if (e.type === 'progress' && t0) backlogPeak = Math.max(backlogPeak, (now - t0) / 1000 - e.seconds);
  });
  // A non-fatal error (a notice such as decoding-behind) is counted, not the end of the run.
  const notices: string[] = [];
  const stopped = new Promise<void>((resolve, reject) =>
    client.onEvent((e) => {
      if (e.type === 'stopped') resolve();
      if (e.type === 'error' && e.fatal) reject(new Error(`${e.code}: ${e.message}`));
      else if (e.type === 'error') notices.push(e.code);
    }),
  );
  client.send({ type: 'start', engine, source: { kind: 'file', path: wav, realtime: true }, options: { partials: true, levels: true } });
  await stopped;
  const cpuSeconds = procCpuSeconds(client.pid!) - cpu0;
  await client.shutdown();
  const delays: number[] = [];
  const lost: string[] = [];
  let alts = 0;
  let f = 0;
  for (const u of script.utterances) {
    const at = finals.findIndex((x, i) => i >= f && (x.text === u.text || x.text === u.alt));
    if (at < 0) lost.push(u.text);
    else {
      if (finals[at].text !== u.text) alts++;
      delays.push(finals[at].at - u.end);
      f = at + 1;
    }
  }
  return { delays, lost, alts, notices, cpuSeconds, backlogPeak };
}

export async function live(dist: string, engine: EngineSpec, wav: string, script: Script, tracks: number) {
  const runs = await Promise.all(Array.from({ length: tracks }, () => liveTrack(dist, engine, wav, script)));
  const delays = runs.flatMap((r) => r.delays);
  const minutes = script.samples.length / RATE / 60;
  return {
    endOfSpeechToFinalSeconds: { p50: r3(percentile(delays, 50)), p95: r3(percentile(delays, 95)), n: delays.length },
    cpuSecondsPerAudioMinute: r3(runs.reduce((n, r) => n + r.cpuSeconds, 0) / minutes),
    decodeBacklogPeakSeconds: r3(Math.max(...runs.map((r) => r.backlogPeak))),
    lost: runs.flatMap((r) => r.lost),
    notices: runs.flatMap((r) => r.notices),
    ...(script.utterances.some((u) => u.alt) ? { finalsWithAltText: runs.reduce((n, r) => n + r.alts, 0) } : {}),
  };
}

// ---------------------------------------------------------------------------
// Files

export async function transcribe(dist: string, model: string, wav: string, opts: { cancelAfterMs?: number; marks?: number[] } = {}) {
  const client = new WorkerClient({ workerPath: path.join(dist, 'worker.js') });
  const rss: Record<string, number> = {};
  let finals = 0;
  let cancelSent = 0;
  let startRss = 0;
  let cpu0 = 0;
  client.onEvent((e) => {
    if (e.type === 'started') {
      startRss = procMemory(client.pid!, 'VmRSS');
      cpu0 = procCpuSeconds(client.pid!);
    }
    if (e.type === 'final') finals++;
    // Progress moves by decoded segments, so a mark is taken at the first progress past it.
    for (const m of opts.marks ?? []) if (e.type === 'progress' && e.seconds >= m * 60 && !(`${m}min` in rss)) rss[`${m}min`] = mb(procMemory(client.pid!, 'VmRSS'));
  });
  const t0 = performance.now();
  const stopped = client.request({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: wav }, options: { partials: false } }, 'stopped', 3600000);
  if (opts.cancelAfterMs !== undefined) {
    setTimeout(() => {
      cancelSent = performance.now();
      client.send({ type: 'stop', discard: true });
    }, opts.cancelAfterMs);
  }
  await stopped;
  const end = performance.now();
  const peak = procMemory(client.pid!, 'VmHWM');
  const cpuSeconds = procCpuSeconds(client.pid!) - cpu0;
  await client.shutdown();
  return { seconds: (end - t0) / 1000, cpuSeconds, cancelMs: cancelSent ? Math.round(end - cancelSent) : undefined, finals, startRssMB: mb(startRss), peakRssMB: mb(peak), rss };
}

/** Writes a finished section to stderr at once, with the load it ran under. */
function section<T>(name: string, value: T): T {
  process.stderr.write(`costly ${name} ${JSON.stringify({ ...value, loadAverage: os.loadavg().map(r3) })}\n`);
  return value;
}

/** Minutes of audio for the file figures: kept short enough for a shared 2-core machine. */
const FILE_MINUTES = 2;
const LONG_FILE_MINUTES = 60;

export async function costlyBench(dist: string, work: string) {
  const model = (kind: SherpaToneKind, cost: number) => buildSherpaToneModel(path.join(work, `costly-${kind}-${cost}`), kind, { costLayers: sherpaCostLayers(cost, kind) });
  const offline = offlineScript(9);
  const streaming = streamingScript(12);
  const offlineWav = writeRepeatedWav(path.join(work, 'costly-offline.wav'), offline.samples, RATE, 1);
  const streamingWav = writeRepeatedWav(path.join(work, 'costly-streaming.wav'), streaming.samples, RATE, 1);

  const measuredCost: Record<string, Record<string, number>> = {};
  const liveFigures: Record<string, unknown> = {};
  for (const cost of COSTS) {
    const off = model('offline', cost);
    const on = model('streaming', cost);
    const vosk = path.join(work, `costly-vosk-${cost}`);
    buildToneModel(vosk, { costLayers: voskCostLayers(cost) });
    measuredCost[String(cost)] = section(`measuredCost ${cost}`, {
      sherpaOffline: r3(measureSherpa('offline', off, offline)),
      sherpaStreaming: r3(measureSherpa('streaming', on, streaming)),
      vosk: r3(measureVosk(vosk, 30)),
    });
    const offSpec: EngineSpec = { kind: 'sherpa', model: off };
    const onSpec: EngineSpec = { kind: 'sherpa', model: on };
    liveFigures[String(cost)] = section(`live ${cost}`, {
      offlineDictation: await live(dist, offSpec, offlineWav, offline, 1),
      offlineMeetingBothTracks: await live(dist, offSpec, offlineWav, offline, 2),
      streamingDictation: await live(dist, onSpec, streamingWav, streaming, 1),
      streamingMeetingBothTracks: await live(dist, onSpec, streamingWav, streaming, 2),
    });
  }

  // File transcription at cost 0.3: the worker against sherpa-onnx's plain loop (VAD, then one decode per segment), same file.
  const off3 = model('offline', 0.3);
  const fileWav = writeRepeatedWav(path.join(work, 'costly-file.wav'), offline.samples, RATE, Math.round((FILE_MINUTES * 60 * RATE) / offline.samples.length));
  const fileSeconds = (fs.statSync(fileWav).size - 44) / 2 / RATE;
  const worker = await transcribe(dist, off3, fileWav);
  const t0 = performance.now();
  const plain = runDirect(dist, ['offline', fileWav, off3, 'fast']);
  const plainSeconds = (performance.now() - t0) / 1000;
  const cancel = await transcribe(dist, off3, fileWav, { cancelAfterMs: 20000 });
  const fileAtCost03 = section('fileAtCost03', {
    audioSeconds: r3(fileSeconds),
    workerSeconds: r3(worker.seconds),
    plainLoopSeconds: r3(plainSeconds),
    ratio: r3(worker.seconds / plainSeconds),
    target: 'ratio <= 1.1',
    finals: { worker: worker.finals, plainLoop: plain.finals.length },
    workerRssMB: { atStart: worker.startRssMB, peak: worker.peakRssMB },
    cancel: { ms: cancel.cancelMs, after: '20 s', finalsKept: cancel.finals, target: '<= 1000 ms' },
    what: `${r3(fileSeconds / 60)} minutes of the offline audio, worker (fast file source) vs plain sherpa-onnx loop (bench sherpa-direct, its own process), both wall time`,
  });

  // Memory on a long file at low cost.
  const off02 = model('offline', 0.02);
  const longWav = writeRepeatedWav(path.join(work, 'costly-long.wav'), offline.samples, RATE, Math.round((LONG_FILE_MINUTES * 60 * RATE) / offline.samples.length));
  const long = await transcribe(dist, off02, longWav, { marks: [1, 15, 30, 55] });
  spawnSync('rm', ['-f', longWav, fileWav]);
  const longFileAtCost002 = section('longFileAtCost002', {
    audioMinutes: LONG_FILE_MINUTES,
    workerRssMB: { atStart: long.startRssMB, ...long.rss, peak: long.peakRssMB },
    growthMB: r3(long.peakRssMB - long.startRssMB),
    seconds: r3(long.seconds),
    finals: long.finals,
    target: 'peak <= 50 MB above the start',
  });

  return {
    measuredCost: { ...measuredCost, what: 'decode CPU seconds per audio second of each costly model here: sherpa-onnx offline and streaming (numThreads as Voxnote sets them) and libvosk, plain loops' },
    live: {
      ...liveFigures,
      what: `audio played in real time from a file: offline = sherpa TDNN tone model + Silero VAD (Whisper-like), ${offline.utterances.length} utterances of 2-6 words in ${r3(offline.samples.length / RATE)} s; streaming = NeMo CTC tone model, ${streaming.utterances.length} utterances in ${r3(streaming.samples.length / RATE)} s; meeting = two workers at once on the same audio; CPU = all workers, per audio minute; backlog = audio played but not decoded, at progress events`,
    },
    fileAtCost03,
    longFileAtCost002,
  };
}
