/**
 * `voxnote speed` (the bundled CLI, its worker, real sherpa-onnx) with the
 * cost-knob tone models: a cheap model is said to keep up with live
 * dictation, a costly one to be for files, naming a model to pick instead.
 * Timings are asserted only through the verdict, with a wide margin each
 * side of the live limit (0.5): the machine is shared.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as path from 'node:path';
import { loadCatalog } from '../../src/models/catalog';
import { LIVE_RTF_LIMIT } from '../../src/models/modelSpeed';
import { voxnote } from '../support/cliRun';
import { sherpaModel, vadWav } from '../support/sherpaWorker';
import { CLI, isType, ROOT, TestWorker } from '../support/worker';
import { sherpaCostLayers } from '../support/costCalibration';

interface SpeedJson {
  model: string;
  verdict: string;
  message: string;
  pick?: string;
  rtf: number;
  threads: number;
  audioSeconds: number;
}

async function speed(model: string): Promise<SpeedJson> {
  const run = await voxnote(['speed', '--model', model, '--json'], {});
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as SpeedJson;
}

describe('voxnote speed', () => {
  it('a model costing 0.02 s per audio second keeps up; one costing 1 s is for files, and a smaller model is named', async () => {
    const cheap = await speed(sherpaModel('offline', { costLayers: sherpaCostLayers(0.02, 'offline') }));
    console.log(`# cost 0.02: measured real-time factor ${cheap.rtf.toFixed(3)} with ${cheap.threads} thread(s)`);
    assert.equal(cheap.verdict, 'live');
    assert.match(cheap.message, /^"sherpa-tone-offline" is fast enough for live dictation: it decodes a second of speech in [\d.]+ s on this machine\.$/);
    assert.ok(cheap.audioSeconds > 8, `${cheap.audioSeconds} s of built-in speech`);

    const costly = await speed(sherpaModel('offline', { costLayers: sherpaCostLayers(1, 'offline') }));
    console.log(`# cost 1: measured real-time factor ${costly.rtf.toFixed(3)} with ${costly.threads} thread(s)`);
    assert.equal(costly.verdict, 'files');
    assert.ok(costly.rtf > LIVE_RTF_LIMIT);
    // Not a catalogue model: an English catalogue model the yardstick estimates to keep up, else the smallest.
    const english = loadCatalog(path.join(ROOT, 'models', 'catalog.json')).filter((e) => e.language === 'English').map((e) => e.name);
    assert.ok(costly.pick && english.includes(costly.pick), `pick: ${costly.pick}`);
    assert.ok(costly.message.endsWith(`: use it for files; for live dictation pick "${costly.pick}".`), costly.message);
    console.log(`# cost 1: pick ${costly.pick}`);
  });

  it('Ctrl+C cancels the measurement: nothing is said about the model, exit 130', async () => {
    const model = sherpaModel('offline', { costLayers: sherpaCostLayers(3, 'offline') });
    const child = spawn(process.execPath, [CLI, 'speed', '--model', model], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The model loads in well under this; its 9 s of speech then take about 27 s to decode at one thread.
    await sleep(3000);
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.equal(out, '');
  });

  it('the yardstick: the worker times the bundled Silero VAD with no model loaded', async () => {
    const w = new TestWorker();
    const id = w.send({ type: 'yardstick' });
    const answer = await w.waitFor((e) => e.type === 'yardstick' && e.re === id, 30000);
    await w.close();
    assert.ok(answer.type === 'yardstick' && answer.vadRtf > 0 && answer.vadRtf < 0.5, JSON.stringify(answer));
    console.log(`# yardstick: the bundled Silero VAD runs at ${answer.type === 'yardstick' ? answer.vadRtf.toFixed(4) : ''} s per audio second here`);
  });

  it('the cadence a measurement sets reaches the engine: partialShare 0 gives no partials, and every final', async () => {
    const model = sherpaModel('offline');
    const audio = vadWav([['yes', 'no', 'open'], ['save', 'run']]);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model, partialShare: 0 }, source: { kind: 'file', path: audio.path, realtime: true } });
    await w.waitFor(isType('stopped'), 60000);
    await w.close();
    assert.deepEqual(w.of('partial'), []);
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes no open', 'save run']);
  });
});
