/**
 * `node dist/bench.js filelong`: Transcribe Audio File on a 2-hour recording at a decode cost of 0.3 s per
 * audio second (the cost-realistic offline test model with Silero VAD, bench/costly.ts's speech), three figures:
 * - memory: the worker's peak RSS above its RSS at start over the whole 2 hours (target <= 50 MB);
 * - Cancel: stop {discard} sent a minute into the same 2-hour file, to `stopped` (target <= 1 s), and the finals kept;
 * - throughput: the worker against a plain sherpa-onnx loop (VAD, then one decode per segment, its own process)
 *   over the first minutes of the same audio, one after the other in this run (target <= 1.1x), wall and CPU.
 * The throughput runs on a stretch, not the 2 hours: 2 hours at 0.3 are ~36 CPU-minutes per run on a shared
 * 2-core machine. FILELONG_MINUTES and FILELONG_STRETCH_MINUTES change the lengths (e.g. a quick check).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSherpaToneModel } from '../test/support/sherpaToneModel';
import { writeRepeatedWav } from '../test/support/toneAudio';
import { offlineScript, transcribe } from './costly';
import { runDirect } from './sherpa';
import { sherpaCostLayers } from '../test/support/costCalibration';

const RATE = 16000;
const COST = 0.3;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function section<T>(name: string, value: T): T {
  process.stderr.write(`filelong ${name} ${JSON.stringify({ ...value, loadAverage: os.loadavg().map(r3) })}\n`);
  return value;
}

export async function fileLongBench(dist: string, work: string) {
  const minutes = Number(process.env.FILELONG_MINUTES ?? 120);
  const stretchMinutes = Number(process.env.FILELONG_STRETCH_MINUTES ?? 10);
  const model = buildSherpaToneModel(path.join(work, `filelong-offline-${COST}`), 'offline', { costLayers: sherpaCostLayers(COST, 'offline') });
  const script = offlineScript(9);
  const wav = (name: string, m: number) => writeRepeatedWav(path.join(work, name), script.samples, RATE, Math.round((m * 60 * RATE) / script.samples.length));
  const audioMinutes = (file: string) => r3((fs.statSync(file).size - 44) / 2 / RATE / 60);
  const long = wav('filelong.wav', minutes);
  const stretch = wav('filelong-stretch.wav', stretchMinutes);

  // Throughput first (its figures come soonest), worker then plain loop, same audio.
  const worker = await transcribe(dist, model, stretch);
  const t0 = performance.now();
  const plain = runDirect(dist, ['offline', stretch, model, 'fast']);
  const plainSeconds = (performance.now() - t0) / 1000;
  const throughput = section('throughput', {
    audioMinutes: audioMinutes(stretch),
    wallSeconds: { worker: r3(worker.seconds), plainLoop: r3(plainSeconds), ratio: r3(worker.seconds / plainSeconds) },
    cpuSeconds: { worker: r3(worker.cpuSeconds), plainLoop: r3(plain.cpuSeconds), ratio: r3(worker.cpuSeconds / plain.cpuSeconds) },
    finals: { worker: worker.finals, plainLoop: plain.finals.length },
    target: 'wall ratio <= 1.1',
  });

  const cancel = await transcribe(dist, model, long, { cancelAfterMs: 60000 });
  const cancelFigure = section('cancel', {
    ms: cancel.cancelMs,
    after: '60 s',
    finalsKept: cancel.finals,
    target: '<= 1000 ms, finals decoded before it kept',
  });

  const marks = [1, 15, 30, 60, 90, 119].filter((m) => m < minutes);
  const whole = await transcribe(dist, model, long, { marks });
  const memory = section('memory', {
    audioMinutes: audioMinutes(long),
    workerRssMB: { atStart: whole.startRssMB, ...whole.rss, peak: whole.peakRssMB },
    peakAboveStartMB: r3(whole.peakRssMB - whole.startRssMB),
    wallSeconds: r3(whole.seconds),
    finals: whole.finals,
    target: 'peak <= 50 MB above the start',
  });
  fs.rmSync(long, { force: true });
  fs.rmSync(stretch, { force: true });
  return {
    throughput,
    cancel: cancelFigure,
    memory,
    what:
      `cost-realistic offline tone model at ${COST} s/audio-s (sherpaCostLayers(${COST}, 'offline'), 1 decode thread on 2 cores) + Silero VAD; ` +
      `audio = bench/costly.ts's 9 utterances repeated to ${minutes} min (memory, Cancel) and to its first ${stretchMinutes} min (throughput); ` +
      'worker = dist/worker.js, file source read as fast as it decodes, partials off (as Transcribe Audio File); ' +
      'plain loop = node dist/bench.js sherpa-direct offline (its own process); wall and CPU of each, one run each, one after the other',
  };
}
