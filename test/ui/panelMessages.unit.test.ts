/**
 * The transcript panel gets each change alone: a final costs the extension
 * host the same at the end of a long meeting as at its start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TranscriptStore } from '../../src/transcript/transcriptStore';
import type { HostMessage } from '../../src/ui/panelProtocol';
import { fullState, panelMessage } from '../../src/ui/panelMessages';

describe('transcript panel messages', () => {
  it('a final is one append carrying that utterance, the same size at the 7200th final as at the 1st', () => {
    const store = new TranscriptStore();
    const sent: HostMessage[] = [];
    store.onDidChange((c) => sent.push(panelMessage(c, store.state)));
    for (let i = 0; i < 7200; i++) store.addUtterance(`words of line ${i % 10}`, false, { speaker: 'Others' });
    assert.equal(sent.length, 7200);
    const first = sent[0];
    const last = sent.at(-1)!;
    assert.equal(last.method, 'transcript/append');
    assert.equal(last.method === 'transcript/append' && last.params.utterance.text, 'words of line 9');
    const size = (m: HostMessage) => JSON.stringify(m).length;
    assert.ok(size(last) < size(first) + 20, `first ${size(first)} bytes, last ${size(last)} bytes`);
  });

  it('status, partials and pending marks go alone too; the whole state only for a webview that loads', () => {
    const store = new TranscriptStore();
    const u = store.addUtterance('a', false, { speaker: 'Me', pending: true });
    const sent: HostMessage[] = [];
    store.onDidChange((c) => sent.push(panelMessage(c, store.state)));
    store.update({ status: 'listening', device: 'mic 1' });
    store.setPartial('hello');
    store.setPending([u.id], false);
    store.clear();
    assert.deepEqual(sent.map((m) => m.method), ['transcript/status', 'transcript/partial', 'transcript/pending', 'transcript/cleared']);
    assert.equal('utterances' in sent[0].params, false, 'a status change does not carry the transcript');
    assert.equal(fullState(store.state).method, 'transcript/state');
  });
});
