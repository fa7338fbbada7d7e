/**
 * `npm run bench` part `diarization`: who spoke, with the synthetic tone models
 * (the sherpa tone recognizer, test/support/speakerToneModel.ts and
 * segmentationToneModel.ts). Figures are the TONE models' costs: a real
 * 3D-Speaker embedding model and pyannote segmentation cost far more per
 * second of audio, so these show the machinery's overhead, not a real model's.
 * - workerCpuPerAudioMinute: the worker's CPU for a fast file of three voices
 *   taking turns, without diarization, with live labels, and with live labels
 *   plus the re-clustering at the end (its share included).
 * - extraLatencyPerLine: the time a final waits for its label (the embedding and
 *   the clustering, on the worker's thread, before the final is sent), measured
 *   in-process on the same audio; and the re-clustering's time per audio minute.
 */
import * as fs from 'fs';
import * as path from 'path';
import { WorkerClient } from '../src/speech/workerClient';
import type { DiarizationOptions, EngineSpec } from '../src/shared/protocol';
import { TrackDiarizer } from '../src/worker/diarization/trackDiarizer';
import { buildSegmentationToneModel } from '../test/support/segmentationToneModel';
import { buildSherpaToneModel, sherpaToneScript } from '../test/support/sherpaToneModel';
import { buildSpeakerToneModel } from '../test/support/speakerToneModel';
import { writeRepeatedWav } from '../test/support/toneAudio';
import { percentile, procCpuSeconds } from './sherpa';

const MINUTES = 10;
/** Each voice says words whose tones lie in its own band. */
const TURNS = [['yes', 'no'], ['file', 'save'], ['no', 'yes', 'yes'], ['stop', 'hello'], ['save', 'file', 'save'], ['yes', 'no']];

/** One minute of voices taking turns, with each utterance's span. */
function minuteOfTurns(): { samples: Float32Array; utterances: Array<{ start: number; end: number }> } {
  const items: Array<string | number> = [0.5];
  for (let i = 0; items.length < 400; i++) items.push(...TURNS[i % TURNS.length].flatMap((w) => [w, 0.3]), 1.5);
  const script = sherpaToneScript(items);
  const samples = script.samples.subarray(0, 60 * 16000);
  // Utterances: runs of words with gaps under a second.
  const utterances: Array<{ start: number; end: number }> = [];
  for (const w of script.words.filter((x) => x.end <= 60)) {
    const last = utterances.at(-1);
    if (last && w.start - last.end < 1) last.end = w.end;
    else utterances.push({ start: w.start, end: w.end });
  }
  return { samples, utterances };
}

async function workerRun(dist: string, engine: EngineSpec, file: string, diarization?: DiarizationOptions): Promise<{ cpuSeconds: number; finals: number; labels: number }> {
  const client = new WorkerClient({ workerPath: path.join(dist, 'worker.js') });
  let cpu0 = 0;
  let finals = 0;
  const labels = new Set<string>();
  client.onEvent((e) => {
    if (e.type === 'started') cpu0 = procCpuSeconds(client.pid!);
    if (e.type === 'final') {
      finals++;
      if (e.speaker) labels.add(e.speaker);
    }
  });
  await client.request({ type: 'start', engine, source: { kind: 'file', path: file }, options: { partials: false, levels: false, ...(diarization ? { diarization } : {}) } }, 'stopped', 1800000);
  const cpuSeconds = procCpuSeconds(client.pid!) - cpu0;
  await client.shutdown();
  return { cpuSeconds, finals, labels: labels.size };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function diarizationBench(dist: string, work: string) {
  const dir = path.join(work, 'diarization');
  fs.mkdirSync(dir, { recursive: true });
  const model = buildSherpaToneModel(path.join(dir, 'asr'), 'streaming');
  const models = { embeddingModel: buildSpeakerToneModel(dir), segmentationModel: buildSegmentationToneModel(dir) };
  const minute = minuteOfTurns();
  const file = writeRepeatedWav(path.join(dir, 'turns.wav'), minute.samples, 16000, MINUTES);
  const engine: EngineSpec = { kind: 'sherpa', model };

  const plain = await workerRun(dist, engine, file);
  const live = await workerRun(dist, engine, file, { embeddingModel: models.embeddingModel });
  const corrected = await workerRun(dist, engine, file, models);
  const perMinute = (r: { cpuSeconds: number }) => round(r.cpuSeconds / MINUTES);

  // In-process: the label of each final, as the worker takes it, and the re-clustering.
  const diarizer = new TrackDiarizer(models);
  const pcm = Buffer.alloc(minute.samples.length * 2);
  minute.samples.forEach((s, i) => pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), 2 * i));
  const labelMs: number[] = [];
  let id = 1;
  for (let m = 0; m < MINUTES; m++) {
    for (let at = 0; at < pcm.length; at += 3200) {
      diarizer.push(pcm.subarray(at, at + 3200));
      const seconds = m * 60 + (at + 3200) / 32000;
      // A final is labelled once its audio has come in, as in the worker.
      for (const u of minute.utterances.filter((x) => m * 60 + x.end <= seconds && m * 60 + x.end > seconds - 0.1)) {
        const t = performance.now();
        diarizer.label(id++, m * 60 + u.start, m * 60 + u.end);
        labelMs.push(performance.now() - t);
      }
    }
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const changes = await diarizer.finish();
  const cpu = process.cpuUsage(cpu0);
  return {
    note: `tone models, ${MINUTES} min of three voices taking turns, fast file; a real embedding/segmentation model costs far more`,
    workerCpuPerAudioMinute: { withoutDiarization: perMinute(plain), liveLabels: perMinute(live), liveLabelsAndReclustering: perMinute(corrected), unit: 's' },
    lines: { finals: plain.finals, speakersFound: live.labels },
    extraLatencyPerLine: { p50: round(percentile(labelMs, 50)), p95: round(percentile(labelMs, 95)), max: round(Math.max(...labelMs)), n: labelMs.length, unit: 'ms' },
    reclustering: { perAudioMinuteMs: round((performance.now() - t0) / MINUTES, 1), cpuPerAudioMinuteMs: round((cpu.user + cpu.system) / 1000 / MINUTES, 1), labelsChanged: changes.length },
  };
}
