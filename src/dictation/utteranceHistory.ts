/**
 * Where the last few dictated utterances are in a document, so that "scratch
 * that" said again and again removes them one by one, newest first. Offsets are
 * kept current across Voxnote's own inserts and removals; any other edit of
 * the document (its version moves on without us) forgets them all, because
 * their text may no longer be where it was. No VS Code API here.
 */

/** `[start, end)` character offsets in the document as it is now. */
export interface Span {
  start: number;
  end: number;
}

/** One replacement, in offsets of the document before it: `[start, end)` became `length` characters. */
export interface Replacement {
  start: number;
  end: number;
  length: number;
}

/** Utterances kept for "scratch that": enough to take back a sentence or two. */
const LIMIT = 20;

/**
 * How far text at `offset` moves with the replacements before it. Replacements
 * never overlap kept text: each is wholly before it (an insertion right at
 * `offset` too: the cursor was there) or wholly after it.
 */
function delta(offset: number, edits: readonly Replacement[]): number {
  let moved = 0;
  for (const e of edits) if (e.end <= offset) moved += e.length - (e.end - e.start);
  return moved;
}

const moved = (spans: Span[], edits: readonly Replacement[]): Span[] =>
  spans.map((s) => {
    const d = delta(s.start, edits);
    return { start: s.start + d, end: s.end + d };
  });

export class UtteranceHistory<Doc> {
  private doc?: Doc;
  private version?: number;
  /** Oldest first; each utterance is one span per cursor it went in at. */
  private utterances: Span[][] = [];

  /**
   * An utterance went in through `edits` (one per cursor), which took the
   * document from `versionBefore` to `versionAfter`.
   */
  inserted(doc: Doc, versionBefore: number, versionAfter: number, edits: readonly Replacement[]): void {
    if (doc !== this.doc || versionBefore !== this.version) this.utterances = [];
    this.doc = doc;
    this.version = versionAfter;
    this.utterances = this.utterances.map((spans) => moved(spans, edits));
    this.utterances.push(
      edits.map((e) => {
        const start = e.start + delta(e.start, edits.filter((other) => other !== e));
        return { start, end: start + e.length };
      }),
    );
    if (this.utterances.length > LIMIT) this.utterances.shift();
  }

  /**
   * The spans of the newest utterance, taken off the history, for the caller to
   * delete; undefined when there is none or the document was edited since.
   */
  takeLast(doc: Doc, version: number): Span[] | undefined {
    if (doc !== this.doc || version !== this.version) {
      this.clear();
      return undefined;
    }
    return this.utterances.pop();
  }

  /** The spans takeLast() returned were deleted, which made the document `versionAfter`. */
  removed(spans: readonly Span[], versionAfter: number): void {
    const edits = spans.map((s) => ({ start: s.start, end: s.end, length: 0 }));
    this.utterances = this.utterances.map((u) => moved(u, edits));
    this.version = versionAfter;
  }

  clear(): void {
    this.doc = undefined;
    this.version = undefined;
    this.utterances = [];
  }
}
