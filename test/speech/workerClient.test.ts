/**
 * Requests and replies matched by id, with the REAL worker: a reply settles only
 * the request whose id it names (issue 8: `next('devices')` took any `devices`
 * reply and failed on any unrelated fatal error).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VoxnoteError } from '../../src/shared/errors';
import type { WorkerEvent } from '../../src/shared/protocol';
import { buildToneModel, MODEL_FAULTS } from '../support/toneModel';
import { ABORTED, escapeRegExp } from '../support/platform';
import { TestWorker, tempDir, vosk } from '../support/worker';

const crashingModel = (): string => {
  const dir = tempDir('crash-model');
  buildToneModel(dir);
  MODEL_FAULTS.find((f) => f.name === 'HCLG start = -1')!.apply(dir);
  return dir;
};

describe('worker client: requests and replies by id (real worker)', () => {
  it('a devices reply for another request does not settle a pending one', async () => {
    const w = new TestWorker();
    try {
      const other = w.send({ type: 'listDevices' });
      const mine = await w.client.request({ type: 'listDevices' }, 'devices');
      const replies = w.of('devices').map((e) => e.re);
      assert.notEqual(mine.re, other);
      assert.deepEqual(replies, [other, mine.re], 'the other reply came first and was passed over');
    } finally {
      await w.close();
    }
  });

  it('a fatal error of another command does not reject a pending request', async () => {
    const w = new TestWorker();
    try {
      const start = w.send({ type: 'start', engine: vosk(tempDir('no-model')), source: { kind: 'file', path: '/nonexistent/talk.wav' } });
      const devices = await w.client.request({ type: 'listDevices' }, 'devices');
      const fatal = w.events.find((e): e is Extract<WorkerEvent, { type: 'error' }> => e.type === 'error' && e.fatal);
      assert.ok(fatal, 'the start failed first');
      assert.equal(fatal.re, start);
      assert.ok(w.events.indexOf(fatal) < w.events.indexOf(devices), 'before the devices reply');
      assert.ok(Array.isArray(devices.devices));
    } finally {
      await w.close();
    }
  });

  it('an error naming the request rejects it with the error a person reads', async () => {
    const w = new TestWorker();
    try {
      const folder = tempDir('empty-model');
      await assert.rejects(w.client.request({ type: 'load', engine: vosk(folder) }, 'ready'), (e: VoxnoteError) => {
        assert.ok(e instanceof VoxnoteError);
        assert.equal(e.code, 'bad-model');
        assert.match(e.message, /has no am\/final\.mdl/);
        assert.match(e.hint, /Download Model/);
        return true;
      });
      assert.ok(w.client.alive, 'the worker lives on');
    } finally {
      await w.close();
    }
  });

  it('a worker that dies during the request rejects it with the crash, named by engine', async () => {
    const w = new TestWorker();
    const model = crashingModel();
    // This model passes the folder check and loads; libvosk aborts when a recognizer is made for it.
    const start = { type: 'start', engine: vosk(model), source: { kind: 'file', path: '/nonexistent.wav' } } as const;
    await assert.rejects(w.client.request(start, 'started'), (e: VoxnoteError) => {
      assert.equal(e.code, 'worker-crashed');
      assert.match(e.message, new RegExp(`crashed \\(${escapeRegExp(ABORTED)}\\) while loading the model at ${escapeRegExp(model)}`));
      return true;
    });
    assert.equal(w.client.alive, false);
  });
});
