/**
 * "scratch that" said again and again: the history of inserted utterances, on a
 * plain-text document that applies the same replacements as the editor would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Replacement, Span, UtteranceHistory } from '../../src/dictation/utteranceHistory';

/** A document and its cursors, edited like VS Code edits: each edit bumps the version. */
class Doc {
  version = 1;
  constructor(
    public text: string,
    public cursors: number[],
  ) {}

  /** Types `texts[i]` at cursor i (one edit), moving each cursor to the end of its text; returns the replacements. */
  insertAtCursors(texts: string[]): Replacement[] {
    const edits = this.cursors.map((c, i) => ({ start: c, end: c, length: texts[i].length }));
    const order = this.cursors.map((c, i) => ({ c, i })).sort((a, b) => b.c - a.c);
    for (const { c, i } of order) this.text = this.text.slice(0, c) + texts[i] + this.text.slice(c);
    const after = (offset: number, own: number) =>
      offset + edits.reduce((d, e, j) => (j !== own && e.end <= offset ? d + e.length : d), 0);
    this.cursors = this.cursors.map((c, i) => after(c, i) + texts[i].length);
    this.version++;
    return edits;
  }

  /** Deletes the spans (one edit); a cursor after or inside one moves back with the text. */
  delete(spans: Span[]): void {
    for (const s of [...spans].sort((a, b) => b.start - a.start)) this.text = this.text.slice(0, s.start) + this.text.slice(s.end);
    this.cursors = this.cursors.map((c) => c - spans.reduce((d, s) => d + Math.max(0, Math.min(c, s.end) - s.start), 0));
    this.version++;
  }
}

function dictate(history: UtteranceHistory<Doc>, doc: Doc, texts: string[]): void {
  const before = doc.version;
  const edits = doc.insertAtCursors(texts);
  history.inserted(doc, before, doc.version, edits);
}

function scratch(history: UtteranceHistory<Doc>, doc: Doc): boolean {
  const spans = history.takeLast(doc, doc.version);
  if (!spans) return false;
  doc.delete(spans);
  history.removed(spans, doc.version);
  return true;
}

describe('utterance history ("scratch that" again and again)', () => {
  it('scratch that twice removes two utterances, newest first', () => {
    const doc = new Doc('Notes: ', [7]);
    const history = new UtteranceHistory<Doc>();
    for (const u of ['One.', ' Two.', ' Three.']) dictate(history, doc, [u]);
    assert.equal(doc.text, 'Notes: One. Two. Three.');
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, 'Notes: One. Two.');
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, 'Notes: One.');
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, 'Notes: ');
    assert.equal(scratch(history, doc), false, 'nothing more to take back');
    assert.equal(doc.text, 'Notes: ');
  });

  it('keeps every cursor right across utterances that add lines above the others', () => {
    const doc = new Doc('a\nb', [1, 3]);
    const history = new UtteranceHistory<Doc>();
    dictate(history, doc, [' x\n', ' y\n']);
    dictate(history, doc, ['z', 'w']);
    assert.equal(doc.text, 'a x\nz\nb y\nw');
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, 'a x\n\nb y\n');
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, 'a\nb');
  });

  it('a scratch, then a new utterance, then scratch twice: the new one and the one before', () => {
    const doc = new Doc('', [0]);
    const history = new UtteranceHistory<Doc>();
    dictate(history, doc, ['One.']);
    dictate(history, doc, [' Two.']);
    assert.ok(scratch(history, doc));
    dictate(history, doc, [' Deux.']);
    assert.equal(doc.text, 'One. Deux.');
    assert.ok(scratch(history, doc));
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, '');
  });

  it('forgets everything once something else edits the document', () => {
    const doc = new Doc('', [0]);
    const history = new UtteranceHistory<Doc>();
    dictate(history, doc, ['One.']);
    dictate(history, doc, [' Two.']);
    doc.text = `Typed. ${doc.text}`;
    doc.version++;
    assert.equal(scratch(history, doc), false);
    assert.equal(doc.text, 'Typed. One. Two.');
  });

  it('a new utterance after an outside edit starts a fresh history', () => {
    const doc = new Doc('', [0]);
    const history = new UtteranceHistory<Doc>();
    dictate(history, doc, ['One.']);
    doc.text = `X${doc.text}`;
    doc.version++;
    doc.cursors = [doc.text.length];
    dictate(history, doc, [' Two.']);
    assert.ok(scratch(history, doc));
    assert.equal(doc.text, 'XOne.');
    assert.equal(scratch(history, doc), false, 'One. may have moved: it is not taken back');
  });

  it('belongs to one document', () => {
    const a = new Doc('', [0]);
    const b = new Doc('', [0]);
    const history = new UtteranceHistory<Doc>();
    dictate(history, a, ['One.']);
    assert.equal(scratch(history, b), false);
    assert.equal(a.text, 'One.');
  });
});
