/**
 * Utterances dictation could not deliver survive a window reload: saved in the
 * workspace's storage folder, bounded, and restored into the transcript panel.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { KEPT_MAX, KeptTranscript } from '../../src/dictation/keptTranscript';
import { TranscriptStore } from '../../src/transcript/transcriptStore';
import { tempDir } from '../support/worker';

const dir = tempDir('kept');
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(dir, `ws${++n}`, 'kept-transcript.json');

/** One window's life: a store and the kept transcript on `file`. */
async function window(file: string, log: string[] = []) {
  const store = new TranscriptStore();
  const kept = new KeptTranscript(store, file, (m) => log.push(m));
  await kept.restored;
  return { store, kept };
}

describe('kept transcript', () => {
  it('brings undelivered utterances back into the panel after a reload, with the time they were spoken', async () => {
    const file = fresh();
    const first = await window(file);
    first.store.addUtterance('Delivered fine', false);
    const a = first.store.addUtterance('Kept one', true);
    const b = first.store.addUtterance('kept two', true);
    first.store.addUtterance('Me said this', false, { speaker: 'Me' });
    await first.kept.flushed();
    first.kept.dispose();

    const second = await window(file);
    assert.deepEqual(
      second.store.state.utterances.map((u) => [u.text, u.undelivered, u.time]),
      [
        ['Kept one', true, a.time],
        ['kept two', true, b.time],
      ],
    );
    // Restored ones are not kept twice.
    await second.kept.flushed();
    const third = await window(file);
    assert.equal(third.store.state.utterances.length, 2);
  });

  it('keeps only the latest KEPT_MAX', async () => {
    const file = fresh();
    const w = await window(file);
    for (let i = 0; i < KEPT_MAX + 50; i++) w.store.addUtterance(`kept ${i}`, true);
    await w.kept.flushed();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { text: string }[];
    assert.equal(saved.length, KEPT_MAX);
    assert.equal(saved[0].text, 'kept 50');
  });

  it('Clear in the panel forgets them', async () => {
    const file = fresh();
    const w = await window(file);
    w.store.addUtterance('kept', true);
    w.store.clear();
    await w.kept.flushed();
    assert.equal((await window(file)).store.state.utterances.length, 0);
  });

  it('an utterance kept while the saved ones are still being read does not replace them', async () => {
    const file = fresh();
    const w = await window(file);
    w.store.addUtterance('from before', true);
    await w.kept.flushed();
    const store = new TranscriptStore();
    const kept = new KeptTranscript(store, file, () => undefined);
    store.addUtterance('just now', true); // before the file was read
    await kept.restored;
    await kept.flushed();
    assert.deepEqual((JSON.parse(fs.readFileSync(file, 'utf8')) as { text: string }[]).map((u) => u.text), ['from before', 'just now']);
  });

  it('a damaged file is reported and replaced, nothing thrown', async () => {
    const file = fresh();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{ not json');
    const log: string[] = [];
    const w = await window(file, log);
    assert.equal(w.store.state.utterances.length, 0);
    assert.match(log[0], /could not be read/);
    w.store.addUtterance('new', true);
    await w.kept.flushed();
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).map((u: { text: string }) => u.text), ['new']);
  });
});
