/** Meeting lines through dictation's formatter: capitals, numbers, spoken punctuation per setting, sentence ends from pauses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FORMAT_OPTIONS } from '../../src/dictation/formatter';
import { formatNotesLine, SENTENCE_PAUSE_SECONDS } from '../../src/notes/notesLineFormat';
import type { Word } from '../../src/shared/protocol';

const o = (format: Partial<typeof DEFAULT_FORMAT_OPTIONS> = {}) => ({
  format: { ...DEFAULT_FORMAT_OPTIONS, spokenPunctuation: false, ...format },
  sentencePause: SENTENCE_PAUSE_SECONDS,
});
/** Words one after the other, `gaps[i]` seconds of silence before word i + 1. */
function timed(text: string, gaps: number[] = []): Word[] {
  let t = 0;
  return text.split(' ').map((word, i) => {
    t += i ? (gaps[i - 1] ?? 0.1) : 0;
    const w = { word, start: t, end: t + 0.3, conf: 1 };
    t = w.end;
    return w;
  });
}

describe('formatNotesLine', () => {
  it('capitalizes and ends the sentence: "golf echo alpha" reads "Golf echo alpha."', () => {
    assert.equal(formatNotesLine('golf echo alpha', undefined, o()), 'Golf echo alpha.');
  });

  it('turns numbers to digits as dictation does when that is on, and "i" to "I"', () => {
    assert.equal(formatNotesLine('i have twenty five items', undefined, o({ numbersAsDigits: true })), 'I have 25 items.');
  });

  it('leaves spoken punctuation as words unless voxnote.notes.spokenPunctuation is on', () => {
    assert.equal(formatNotesLine('we stop here period', undefined, o()), 'We stop here period.');
    assert.equal(formatNotesLine('is it done question mark', undefined, o({ spokenPunctuation: true })), 'Is it done?');
    assert.equal(formatNotesLine('first comma', undefined, o({ spokenPunctuation: true })), 'First.');
  });

  it('ends a sentence where the words pause, and only there', () => {
    const text = 'golf echo alpha bravo';
    assert.equal(formatNotesLine(text, timed(text, [0.1, 1.2, 0.1]), o()), 'Golf echo. Alpha bravo.');
    assert.equal(formatNotesLine(text, timed(text, [0.1, 0.5, 0.1]), o()), 'Golf echo alpha bravo.');
  });

  it('ignores word times that are not the text (an engine that rewrote it)', () => {
    assert.equal(formatNotesLine('golf echo', timed('golf alpha', [2]), o()), 'Golf echo.');
  });

  it('keeps a line one paragraph and edits nothing on "scratch that"', () => {
    assert.equal(formatNotesLine('one new line two', undefined, o({ spokenPunctuation: true })), 'One new line two.');
    assert.equal(formatNotesLine('scratch that we go', undefined, o({ spokenPunctuation: true })), 'Scratch that we go.');
    assert.equal(formatNotesLine('undo we go', undefined, o({ spokenPunctuation: true, commands: { undo: '{scratch}' } })), 'Undo we go.');
  });

  it('keeps capitals off when dictation has them off', () => {
    assert.equal(formatNotesLine('golf echo', undefined, o({ capitalize: false })), 'golf echo.');
  });
});
