/**
 * Speaker labels in a notes text, and the edits that rename one everywhere it
 * names that speaker: each line's `**Label:**`, the header's sources, the
 * footer's word counts, and action items' owners. Nothing else changes (a word
 * that happens to equal the label inside what was said stays). And the edits
 * that give single lines another speaker (diarization's corrections).
 * No VS Code API here.
 */
import { clockTime } from '../shared/time';
import { markdownLine, type TimedText } from '../shared/transcriptFormat';
import { wordsLine } from './notesFormat';

export interface TextEdit {
  /** Character offsets in the text. */
  start: number;
  end: number;
  text: string;
}

const LINE_LABEL = /^\[\d\d:\d\d:\d\d\] \*\*(.+?):\*\* /;

/** Labels of the utterance lines, in first-spoken order. */
export function speakerLabels(notes: string): string[] {
  const labels = new Set<string>();
  for (const line of notes.split(/\r?\n/)) {
    const m = LINE_LABEL.exec(line);
    if (m) labels.add(m[1]);
  }
  return [...labels];
}

/** Why a new label cannot be used, or undefined when it can. */
export function labelProblem(label: string, existing: readonly string[]): string | undefined {
  const t = label.trim();
  if (!t) return 'A speaker needs a name.';
  if (/[*:\n\r[\]]/.test(t)) return 'A speaker name cannot contain *, :, [, ] or a line break.';
  if (existing.includes(t)) return `${t} already speaks in these notes; renaming onto it would merge the two.`;
  return undefined;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function renameSpeakerEdits(notes: string, from: string, to: string): TextEdit[] {
  const f = escape(from);
  const patterns = [
    // [00:00:03] **Me:** …
    new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] \\*\\*(${f}):\\*\\* `, 'dgm'),
    // - **Sources:** Me (microphone), Others (system audio)
    new RegExp(`(?:^- \\*\\*Sources:\\*\\* |, )(${f}) \\(`, 'dgm'),
    // - **Words:** Me 12, Others 34
    new RegExp(`(?:^- \\*\\*Words:\\*\\* |, )(${f}) \\d`, 'dgm'),
    // - [ ] task (owner: Me, due: …)
    new RegExp(`^\\s*[-*+] \\[[ xX]\\] .*\\(owner: (${f})[,)]`, 'dgm'),
  ];
  const edits: TextEdit[] = [];
  for (const pattern of patterns) {
    for (const m of notes.matchAll(pattern)) {
      const start = m.indices![1][0];
      edits.push({ start, end: start + from.length, text: to });
    }
  }
  return dedupe(edits);
}

/** One edit per place, in text order (two patterns can find the same label). */
function dedupe(edits: TextEdit[]): TextEdit[] {
  const seen = new Set<number>();
  return edits.sort((a, b) => a.start - b.start).filter((e) => !seen.has(e.start) && seen.add(e.start));
}

/** A line of the notes whose speaker changes: found by its time, label and (when unedited) text. */
export interface SpeakerCorrection {
  /** Meeting seconds, as the line's time and the journal have it. */
  start: number;
  text: string;
  from: string;
  to: string;
}

/** The meeting after the corrections, as its journal has it. */
export interface CorrectedMeeting {
  utterances: readonly TimedText[];
  words: ReadonlyMap<string, number>;
}

/**
 * Edits that give each corrected line its new label, and the footer its word
 * counts (when `after` is given and the footer is there). A line is the one
 * with the correction's time, old label and text; failing that (the person
 * edited its text), one with its time and old label that is not another
 * utterance's line as written. A line the person relabelled or deleted is left alone.
 */
export function relabelEdits(notes: string, corrections: readonly SpeakerCorrection[], after?: CorrectedMeeting): TextEdit[] {
  const lines: Array<{ at: number; text: string }> = [];
  for (let at = 0; at <= notes.length; ) {
    const end = notes.indexOf('\n', at);
    const stop = end < 0 ? notes.length : end;
    lines.push({ at, text: notes.slice(at, stop).replace(/\r$/, '') });
    at = stop + 1;
  }
  const used = new Set<number>();
  const edits: TextEdit[] = [];
  const prefixOf = (c: SpeakerCorrection) => `[${clockTime(c.start)}] **${c.from}:** `;
  const take = (c: SpeakerCorrection, i: number) => {
    used.add(i);
    const start = lines[i].at + prefixOf(c).indexOf('**') + 2;
    edits.push({ start, end: start + c.from.length, text: c.to });
  };
  // Lines as written first, then those the person edited since (by time and label alone).
  const rest = corrections.filter((c) => {
    const i = lines.findIndex((l, j) => !used.has(j) && l.text === prefixOf(c) + c.text);
    if (i < 0) return true;
    take(c, i);
    return false;
  });
  const others = new Set(after?.utterances.map((u) => markdownLine(u).trimEnd()));
  // In time order, as the lines are: two edited lines of one second and label keep their order.
  for (const c of [...rest].sort((a, b) => a.start - b.start)) {
    const i = lines.findIndex((l, j) => !used.has(j) && l.text.startsWith(prefixOf(c)) && !others.has(l.text));
    if (i >= 0) take(c, i);
  }
  if (after && edits.length) {
    const footer = [...lines].reverse().find((l) => l.text.startsWith('- **Words:** '));
    if (footer) edits.push({ start: footer.at, end: footer.at + footer.text.length, text: wordsLine(after.words) });
  }
  return edits.sort((a, b) => a.start - b.start);
}
