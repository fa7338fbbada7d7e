/**
 * Dictation finals: each is delivered or kept on its own, in order, whatever
 * the editor or the clipboard does with the ones before it.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Delivery, DeliverySteps, FinalDelivery } from '../../src/dictation/finalDelivery';

type Target = 'editor' | 'gone';

/** Steps that record what a person would see: the document, the panel, the clipboard, notices. */
function recorder(overrides: Partial<DeliverySteps<Target>> = {}) {
  const seen = { document: [] as string[], panel: [] as string[], clipboard: [] as string[], notices: [] as string[] };
  const steps: DeliverySteps<Target> = {
    async insert(words, target): Promise<Delivery> {
      await new Promise((r) => setTimeout(r, words.length % 3)); // uneven delays: order must still hold
      if (target === 'gone') return { delivered: false, text: words, reason: 'the editor was closed' };
      seen.document.push(words);
      return { delivered: true, text: words };
    },
    fallbackText: (words) => words,
    beforeEach: () => undefined,
    show: (text, undelivered) => void seen.panel.push(undelivered ? `kept: ${text}` : text),
    copy: async (text) => void seen.clipboard.push(text),
    kept: (_text, reason) => void seen.notices.push(reason),
    ...overrides,
  };
  return { seen, steps };
}

describe('final delivery', () => {
  /** What the log got; each test's failures are expected there. */
  let errors: string[] = [];
  beforeEach(() => (errors = []));

  it('delivers finals in the order spoken, and keeps one with nowhere to go in the panel and on the clipboard', async () => {
    const { seen, steps } = recorder();
    const finals = new FinalDelivery(steps, (what, e) => errors.push(`${what}: ${(e as Error).message}`));
    finals.queue('one', 'editor');
    finals.queue('two two', 'gone');
    finals.queue('three', 'editor');
    await finals.idle();
    assert.deepEqual(seen.document, ['one', 'three']);
    assert.deepEqual(seen.panel, ['one', 'kept: two two', 'three']);
    assert.deepEqual(seen.clipboard, ['two two']);
    assert.deepEqual(seen.notices, ['the editor was closed']);
  });

  it('an edit that throws keeps that final and delivers the ones after it', async () => {
    const { seen, steps } = recorder();
    const insert = steps.insert;
    steps.insert = async (words, target) => {
      if (words === 'two') throw new Error('TextEditor#edit not possible on closed editors');
      return insert(words, target);
    };
    const finals = new FinalDelivery(steps, (what, e) => errors.push(`${what}: ${(e as Error).message}`));
    for (const w of ['one', 'two', 'three']) finals.queue(w, 'editor');
    await finals.idle();
    assert.deepEqual(seen.document, ['one', 'three']);
    assert.deepEqual(seen.panel, ['one', 'kept: two', 'three']);
    assert.deepEqual(seen.clipboard, ['two']);
    assert.match(seen.notices[0], /TextEditor#edit not possible on closed editors/);
    assert.deepEqual(errors, ['inserting a final: TextEditor#edit not possible on closed editors']);
  });

  it('a clipboard that refuses leaves the final in the panel and later finals still go in', async () => {
    const { seen, steps } = recorder({
      copy: async () => {
        throw new Error('clipboard unavailable');
      },
    });
    const finals = new FinalDelivery(steps, (what, e) => errors.push(`${what}: ${(e as Error).message}`));
    finals.queue('one', 'gone');
    finals.queue('two', 'editor');
    finals.queue('three', 'gone');
    await finals.idle();
    assert.deepEqual(seen.document, ['two']);
    assert.deepEqual(seen.panel, ['kept: one', 'two', 'kept: three']);
    assert.equal(seen.notices.length, 2, 'each kept final is reported');
    assert.equal(errors.length, 2);
  });

  it('a panel that throws does not stop the clipboard copy nor later finals', async () => {
    const { seen, steps } = recorder();
    steps.show = (text) => {
      if (text === 'one') throw new Error('panel disposed');
      seen.panel.push(text);
    };
    const finals = new FinalDelivery(steps, (what, e) => errors.push(`${what}: ${(e as Error).message}`));
    finals.queue('one', 'gone');
    finals.queue('two', 'editor');
    await finals.idle();
    assert.deepEqual(seen.clipboard, ['one']);
    assert.deepEqual(seen.document, ['two']);
  });

  it('idle() resolves after a failure, so the session can end (voxnote.dictating is cleared)', async () => {
    const { steps } = recorder({
      insert: async () => {
        throw new Error('boom');
      },
      copy: async () => {
        throw new Error('no clipboard');
      },
    });
    const finals = new FinalDelivery(steps, (what, e) => errors.push(`${what}: ${(e as Error).message}`));
    finals.queue('one', 'editor');
    let ended = false;
    await finals.idle().then(() => (ended = true));
    assert.equal(ended, true);
  });

  it('a log that throws (closed while the window closes) does not stop the final from being kept', async () => {
    const { seen, steps } = recorder({
      insert: async () => {
        throw new Error('Channel has been closed');
      },
      kept: () => {
        throw new Error('Channel has been closed');
      },
    });
    const finals = new FinalDelivery(steps, () => {
      throw new Error('Channel has been closed');
    });
    finals.queue('last words', 'editor');
    await finals.idle();
    assert.deepEqual(seen.panel, ['kept: last words']);
    assert.deepEqual(seen.clipboard, ['last words']);
  });
});
