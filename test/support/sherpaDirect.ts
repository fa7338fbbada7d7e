/**
 * Runs a model folder through sherpa-onnx directly, with no folder check:
 * `node sherpaDirect.js DIR` loads it with Voxnote's configs, decodes a second
 * of tones (through the VAD too, offline) and exits 0, or 3 when sherpa-onnx
 * throws. The fault tests use it to show what sherpa-onnx does on its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SherpaModel } from '../../src/shared/sherpaModelFolder';
import { loadSherpa } from '../../src/worker/engines/sherpa/addon';
import { offlineConfig, onlineConfig, VAD_WINDOW, vadConfig } from '../../src/worker/engines/sherpa/config';
import { sherpaToneScript } from './sherpaToneModel';

function unchecked(dir: string): SherpaModel {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'voxnote-model.json'), 'utf8'));
  const abs = (rel: string) => path.join(dir, rel);
  return {
    streaming: m.streaming,
    kind: m.kind,
    files: Object.fromEntries(Object.entries(m.files as Record<string, string>).map(([k, v]) => [k, abs(v)])),
    tokens: abs(m.tokens),
    ...(m.vad ? { vad: abs(m.vad) } : {}),
    featureDim: m.featureDim ?? 80,
  };
}

function run(dir: string): void {
  const sherpa = loadSherpa() as unknown as Record<string, new (...a: unknown[]) => any>;
  const m = unchecked(dir);
  const samples = sherpaToneScript([0.3, 'hello', 0.5]).samples;
  if (m.streaming) {
    const rec = new sherpa.OnlineRecognizer(onlineConfig(m));
    const s = rec.createStream();
    s.acceptWaveform({ samples, sampleRate: 16000 });
    while (rec.isReady(s)) rec.decode(s);
    rec.getResult(s);
  } else {
    const rec = new sherpa.OfflineRecognizer(offlineConfig(m));
    const s = rec.createStream();
    s.acceptWaveform({ samples, sampleRate: 16000 });
    rec.decode(s);
    rec.getResult(s);
    if (m.vad) {
      const vad = new sherpa.Vad(vadConfig(m.vad, 30), 40);
      for (let i = 0; i + VAD_WINDOW <= samples.length; i += VAD_WINDOW) vad.acceptWaveform(samples.subarray(i, i + VAD_WINDOW));
    }
  }
}

if (require.main === module) {
  try {
    run(process.argv[2]);
  } catch (e) {
    process.stderr.write(`throws: ${(e as Error).message}\n`);
    process.exit(3);
  }
}
