/**
 * A long file through the offline sherpa engine: each segment's sherpa-onnx stream keeps
 * its audio in native memory that V8 does not count, so until the worker asked for
 * collections (engines/sherpa/addon.ts streamDone) it grew with every final, about
 * 18 MB per 100 finals here, for as long as the file went on (seen with a model
 * costing 0.02 s per audio second, as Whisper tiny does, not with the bare tone model).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { it } from 'node:test';
import { sherpaCostLayers } from '../support/costCalibration';
import { sherpaModel } from '../support/sherpaWorker';
import { vadScript } from '../support/sherpaToneModel';
import { writeRepeatedWav } from '../support/toneAudio';
import { procMemory } from '../support/procStatus';
import { isType, tempDir, TestWorker } from '../support/worker';

const statusMb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => procMemory(pid, field) / 1048576;

it('a 20-minute file keeps the worker flat: its peak stays within 8 MB of its size at the 100th final, and every utterance is a final', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const script = vadScript([['yes', 'no', 'open'], ['save', 'run'], ['close', 'file', 'yes', 'no']]);
  const repeats = Math.round((20 * 60 * script.sampleRate) / script.samples.length);
  const wav = writeRepeatedWav(path.join(tempDir('long-file'), 'long.wav'), script.samples, script.sampleRate, repeats);
  const w = new TestWorker();
  let finals = 0;
  let at100 = 0;
  w.client.onEvent((e) => {
    if (e.type === 'final' && ++finals === 100) at100 = statusMb(w.client.pid!, 'VmRSS');
  });
  w.send({ type: 'start', engine: { kind: 'sherpa', model: sherpaModel('offline', { costLayers: sherpaCostLayers(0.02, 'offline') }) }, source: { kind: 'file', path: wav }, options: { partials: false } });
  await w.waitFor(isType('stopped'), 280000);
  const peak = statusMb(w.client.pid!, 'VmHWM');
  await w.close();
  console.log(`# ${finals} finals; worker RSS at the 100th final ${at100.toFixed(1)} MB, peak ${peak.toFixed(1)} MB`);
  assert.equal(finals, repeats * script.utterances.length);
  assert.ok(peak - at100 < 8, `the worker grew ${(peak - at100).toFixed(1)} MB after the 100th final`);
});
