/** The transcript store: bounded over a long meeting, each change reported alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as transcript from '../../src/transcript/transcriptStore';

const { TranscriptStore } = transcript;
/** 3 hours of a two-source meeting, a final every 1.5 s. */
const MEETING_FINALS = (3 * 3600) / 1.5;

describe('transcript store', () => {
  it('keeps a bounded window of the latest utterances over a 3-hour meeting', () => {
    const store = new TranscriptStore();
    for (let i = 0; i < MEETING_FINALS; i++) store.addUtterance(`line ${i}`, false, { speaker: i % 2 ? 'Me' : 'Others' });
    const kept = store.state.utterances;
    assert.ok(kept.length <= 600, `${kept.length} utterances held`);
    assert.ok(kept.length >= 500, 'the panel still shows a screenful and more');
    assert.equal(kept.at(-1)!.text, `line ${MEETING_FINALS - 1}`);
    assert.deepEqual(
      kept.map((u) => Number(u.text.split(' ')[1])),
      kept.map((_, i) => MEETING_FINALS - kept.length + i),
      'the latest ones, in order',
    );
  });

  it('reports a final as that utterance alone, with how many left the window', () => {
    const store = new TranscriptStore(10);
    const changes: transcript.TranscriptChange[] = [];
    store.onDidChange((c) => changes.push(c));
    for (let i = 0; i < 12; i++) store.addUtterance(`u${i}`, false);
    assert.deepEqual(changes.map((c) => c.kind), Array(12).fill('utterance'));
    const dropped = changes.map((c) => (c.kind === 'utterance' ? c.dropped : NaN));
    // Dropped in one batch once the window is a tenth over, so the panel trims as the store does.
    assert.deepEqual(dropped, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    assert.deepEqual(store.state.utterances.map((u) => u.text), ['u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9', 'u10', 'u11']);
  });

  it('reports only the meeting lines whose pending mark changed', () => {
    const store = new TranscriptStore();
    const a = store.addUtterance('a', false, { speaker: 'Me', pending: true });
    const b = store.addUtterance('b', false, { speaker: 'Me' });
    const changes: transcript.TranscriptChange[] = [];
    store.onDidChange((c) => changes.push(c));
    store.setPending([a.id, b.id], false);
    assert.deepEqual(changes, [{ kind: 'pending', ids: [a.id], pending: false }]);
  });

  it('a restored utterance keeps the time it was spoken', () => {
    const store = new TranscriptStore();
    const u = store.addUtterance('kept', true, undefined, '2025-01-31T09:05:00.000Z');
    assert.equal(u.time, '2025-01-31T09:05:00.000Z');
  });
});
