/**
 * What each kind of target gets from a final: the commit box a subject line in
 * sentence case without a trailing period, chat prompts sentences, the
 * terminal never a control character, and the send phrase never typed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FORMAT_OPTIONS } from '../../src/dictation/formatter';
import { shapeFor, splitSendPhrase, type TargetKind } from '../../src/dictation/targets/targetText';

const SEND = 'over and out';
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const text = (kind: TargetKind, words: string, before = '') => {
  const s = shapeFor(kind, words, { before }, DEFAULT_FORMAT_OPTIONS, SEND);
  assert.equal(s.kind, 'text');
  return s.kind === 'text' ? s : { text: '', send: false };
};

describe('per-target formatting', () => {
  it('the commit box: sentence case, no trailing period on the subject line', () => {
    assert.equal(text('commit', 'fix the parser period').text, 'Fix the parser');
    assert.equal(text('commit', 'and its tests', 'Fix the parser').text, ' and its tests');
    // The body, after a blank line, keeps its sentences.
    assert.equal(text('commit', 'it failed on tabs period', 'Fix the parser\n\n').text, 'It failed on tabs.');
    assert.equal(shapeFor('commit', 'fix it', { before: '' }, { ...DEFAULT_FORMAT_OPTIONS, capitalize: false }, SEND).kind === 'text', true);
    const lower = shapeFor('commit', 'fix it', { before: '' }, { ...DEFAULT_FORMAT_OPTIONS, capitalize: false }, SEND);
    assert.equal(lower.kind === 'text' && lower.text, 'Fix it', 'a subject line starts with a capital even with capitals off');
  });

  it('chat prompts: sentences', () => {
    assert.equal(text('chat', 'explain this function').text, 'Explain this function.');
    assert.equal(text('chat', 'why does it fail question mark').text, 'Why does it fail?');
    assert.equal(text('chat', 'and add tests', 'Explain this function.').text, ' And add tests.');
  });

  it('other inputs and editors: the formatter as it is', () => {
    assert.equal(text('input', 'hello world').text, 'Hello world');
    assert.equal(text('editor', 'hello world', 'Hi.').text, ' Hello world');
  });

  it('the send phrase at the end submits in chat and terminal, and is never typed', () => {
    const chat = text('chat', 'explain this over and out');
    assert.deepEqual(chat, { kind: 'text', text: 'Explain this.', send: true });
    const term = text('terminal', 'git status over and out');
    assert.deepEqual(term, { kind: 'text', text: 'Git status', send: true });
    // Elsewhere there is nothing to submit: the phrase is still not typed.
    assert.deepEqual(text('commit', 'fix it over and out'), { kind: 'text', text: 'Fix it', send: false });
    // Only at the end.
    assert.equal(text('chat', 'over and out is a phrase').send, false);
    assert.deepEqual(splitSendPhrase('Over And Out', SEND), { words: '', send: true });
    assert.deepEqual(splitSendPhrase('hello', ''), { words: 'hello', send: false });
  });

  it('the terminal never gets a control character from formatting, send phrase or not', () => {
    for (const words of ['new line run new paragraph', 'a new line over and out', 'tab new line']) {
      const t = text('terminal', words);
      assert.doesNotMatch(t.text, CONTROL, JSON.stringify(t.text));
    }
  });

  it('"scratch that" at the start is passed on with the send phrase decided', () => {
    const s = shapeFor('chat', 'scratch that hello over and out', { before: '' }, DEFAULT_FORMAT_OPTIONS, SEND);
    assert.deepEqual(s, { kind: 'scratch', rest: 'hello', send: true });
  });
});
