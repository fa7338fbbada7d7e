/** voxnote.phrases with a model that has no runtime graph: a clear, non-fatal error, and recognition goes on. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checkModelFolder } from '../../src/shared/modelFolder';
import { isType, TestWorker, toneModel, toneWav } from '../support/worker';

describe('phrases with a model that cannot use them', () => {
  const w = new TestWorker();
  after(() => w.close());

  it('says the phrase list is ignored, and still recognizes', async () => {
    const model = toneModel();
    const check = checkModelFolder(model);
    assert.ok(check.ok && !check.supportsPhrases, 'the tone model was expected to have a fixed graph');
    const audio = toneWav([0.4, 'save', 0.35, 'file', 2]);
    w.send({ type: 'start', source: { kind: 'file', path: audio.path }, engine: { kind: 'vosk', model }, options: { phrases: ['yes', 'no'] } });
    const error = await w.waitFor(isType('error'));
    assert.equal(error.code, 'phrases-unsupported');
    assert.equal(error.fatal, false);
    assert.match(error.message, /phrase list .* ignored/);
    assert.match(error.hint, /voxnote\.phrases/);
    const final = await w.waitFor(isType('final'));
    assert.equal(final.text, 'save file', 'recognition was restricted or stopped');
    const stopped = await w.waitFor(isType('stopped'));
    assert.equal(stopped.reason, 'end-of-input');
  });
});
