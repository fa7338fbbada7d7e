/**
 * Bad sherpa models (/work/shared/docs/sherpa-tone-model.md §7): sherpa-onnx
 * on its own ends the process on most of them; through Voxnote each gives a
 * clear error naming what is wrong, with no hang and the parent intact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SHERPA_FAULTS } from '../support/sherpaFaults';
import { sherpaModel, sherpaToneWav, vadWav } from '../support/sherpaWorker';
import { isType, TestWorker } from '../support/worker';

const DIRECT = path.join(__dirname, '..', 'support', 'sherpaDirect.js');

describe('broken sherpa model folders', () => {
  for (const fault of SHERPA_FAULTS) {
    describe(fault.name, () => {
      const dir = sherpaModel(fault.kind);
      fault.apply(dir);

      if (fault.dies) {
        it(`would ${fault.dies === 'throws' ? 'throw in' : 'end'} sherpa-onnx on its own (${fault.dies})`, () => {
          const r = spawnSync(process.execPath, [DIRECT, dir], { encoding: 'utf8', timeout: 30000 });
          if (fault.dies === 'exit') assert.equal(r.status, 255, `status ${r.status} signal ${r.signal}: ${r.stderr.slice(-300)}`);
          else if (fault.dies === 'abort') assert.equal(r.signal, 'SIGABRT', `status ${r.status} signal ${r.signal}: ${r.stderr.slice(-300)}`);
          else assert.equal(r.status, 3, r.stderr.slice(-300));
        });
      }

      it('gives a clear error naming the problem; the worker stays up and answers', async () => {
        const w = new TestWorker();
        const audio = fault.kind === 'offline' ? vadWav([['yes']]) : sherpaToneWav([0.3, 'yes', 1]);
        w.send({ type: 'start', engine: { kind: 'sherpa', model: dir }, source: { kind: 'file', path: audio.path } });
        const error = await w.waitFor((e) => e.type === 'error' && e.fatal, 15000);
        assert.ok(error.type === 'error');
        assert.equal(error.code, 'bad-model');
        assert.match(error.message, fault.message);
        assert.ok(error.hint.length > 10);
        assert.ok(w.client.alive, 'the worker survives');
        w.send({ type: 'listDevices' });
        await w.waitFor(isType('devices'));
        assert.deepEqual(w.of('final'), []);
        await w.close();
        assert.equal((await w.client.exited).code, 0);
      });
    });
  }

  it('a model the folder check passes but sherpa-onnx rejects ends only the worker, with its message', async () => {
    // The NeMo tone model presented as a streaming transducer (whose metadata the check does not read): sherpa-onnx exits.
    const dir = sherpaModel('streaming');
    fs.writeFileSync(path.join(dir, 'voxnote-model.json'), JSON.stringify({ engine: 'sherpa', streaming: true, kind: 'transducer', files: { encoder: 'model.onnx', decoder: 'model.onnx', joiner: 'model.onnx' }, tokens: 'tokens.txt' }));
    const w = new TestWorker();
    w.send({ type: 'load', engine: { kind: 'sherpa', model: dir } });
    const error = await w.waitFor((e) => e.type === 'error' && e.fatal, 15000);
    assert.ok(error.type === 'error');
    assert.equal(error.code, 'worker-crashed');
    assert.match(error.message, /while loading the model/);
    assert.match(error.message, /Last engine message: .*(does not exist|metadata)/);
    const exit = await w.client.exited;
    assert.equal(exit.code, 255);
    // The parent (this test process) carries on: a new worker loads a good model.
    const fresh = new TestWorker();
    fresh.send({ type: 'load', engine: { kind: 'sherpa', model: sherpaModel('streaming') } });
    await fresh.waitFor(isType('ready'));
    await fresh.close();
  });
});
