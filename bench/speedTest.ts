/**
 * `node dist/bench.js speed`: Test Model Speed's own figures. The real-time
 * factor it measures (speedTest.ts: the shipped clip through a worker with
 * dictation's threads) for the cost-knob offline tone model at 0.02, 0.1 and
 * 0.3 s of decode CPU per audio second (nominal, at one thread), its verdict
 * and the partial cadence it sets; the machine's yardstick (the bundled VAD)
 * and what the recommendation makes of it for English (estimated, no model
 * measured). Wall time on a shared machine: the factor includes what the load
 * takes, so it reads above the nominal cost.
 */
import * as os from 'os';
import * as path from 'path';
import { loadCatalog } from '../src/models/catalog';
import { partialCadence, speedVerdict } from '../src/models/modelSpeed';
import { machineFactor, recommendModel } from '../src/models/recommend';
import { SpeechService } from '../src/speech/speechService';
import { measureMachine, measureSpeed } from '../src/speech/speedTest';
import { buildSherpaToneModel } from '../test/support/sherpaToneModel';
import { sherpaCostLayers } from '../test/support/costCalibration';

const COSTS = [0.02, 0.1, 0.3];
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export async function speedTestBench(dist: string, work: string) {
  const speech = new SpeechService({ workerPath: path.join(dist, 'worker.js') });
  const clip = path.join(dist, '..', 'media', 'speed-test', 'speech.wav');
  try {
    const byCost: Record<string, unknown> = {};
    for (const cost of COSTS) {
      const model = buildSherpaToneModel(path.join(work, `speed-offline-${cost}`), 'offline', { costLayers: sherpaCostLayers(cost, 'offline') });
      const m = (await measureSpeed({ speech, engine: { kind: 'sherpa', model }, clip }))!;
      byCost[String(cost)] = { nominalCost: cost, measuredRtf: r3(m.rtf), threads: m.threads, verdict: speedVerdict(m.rtf), cadence: { ...partialCadence(m.rtf), partialSeconds: r3(partialCadence(m.rtf).partialSeconds) }, loadSeconds: r3(m.loadSeconds) };
      process.stderr.write(`speed ${cost}: ${JSON.stringify(byCost[String(cost)])} (load ${os.loadavg()[0].toFixed(2)})\n`);
    }
    const vadRtf = await measureMachine(speech);
    const catalog = loadCatalog(path.join(dist, '..', 'models', 'catalog.json'));
    const recommended = recommendModel(catalog, 'English', new Map(), vadRtf);
    return {
      byCost,
      yardstick: {
        vadRtf: Math.round(vadRtf * 1e5) / 1e5,
        machineFactor: r3(machineFactor(catalog, new Map(), vadRtf)!),
        recommendedEnglish: recommended ? { model: recommended.entry.name, estimatedRtf: r3(recommended.rtf), basis: recommended.basis } : 'none estimated to keep up',
      },
      what: `the shipped ${path.basename(clip)} (9.1 s), offline sherpa tone model per cost, wall time; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    };
  } finally {
    await speech.shutdown();
  }
}
