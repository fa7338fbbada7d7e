/**
 * Speaker labels in a notes text, and the edits that rename one everywhere it
 * names that speaker: each line's `**Label:**`, the header's sources, the
 * footer's word counts, and action items' owners. Nothing else changes (a word
 * that happens to equal the label inside what was said stays).
 * No VS Code API here.
 */
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
