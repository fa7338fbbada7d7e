/**
 * The text of a notes file: header, one block per utterance, notes such as a
 * resumption, and the footer. Lines come from src/shared/transcriptFormat.ts; this
 * module only frames them. Every piece is a block of whole lines ending in a
 * blank line, so a block appended to the file is a Markdown paragraph of its own.
 */
import { clockTime, localDateTime } from '../shared/time';
import { markdownLine, TimedText } from '../shared/transcriptFormat';

export interface NotesHeader {
  title: string;
  startedAt: Date;
  /** How each source is shown, e.g. "Me (microphone)", "Others (system audio)", "talk.wav". */
  sources: string[];
  /** The model's name (its folder name). */
  model: string;
}

export interface NotesFooter {
  /** Meeting seconds (a file: seconds of audio transcribed). */
  duration: number;
  /** Words per speaker label ('' for unlabelled lines), in first-spoken order. */
  words: ReadonlyMap<string, number>;
  /** Why the notes end early, e.g. "Cancelled at 00:12:30 of 00:30:00." */
  note?: string;
}

export function headerBlock(h: NotesHeader): string {
  return (
    `# ${h.title}\n\n` +
    `- **Date:** ${localDateTime(h.startedAt)}\n` +
    `- **Sources:** ${h.sources.join(', ')}\n` +
    `- **Model:** ${h.model}\n\n`
  );
}

/** `[00:12:03] **Others:** text` and a blank line (without one, Markdown joins the lines). */
export function utteranceBlock(u: TimedText): string {
  return markdownLine(u) + '\n';
}

/** A remark in the flow of lines, e.g. where a meeting resumed after an interruption. */
export function remarkBlock(text: string): string {
  return `_${text}_\n\n`;
}

export const resumedRemark = (meetingSeconds: number): string =>
  `Resumed at ${clockTime(meetingSeconds)} after an interruption; speech during the interruption is not in these notes.`;

/** The footer's `- **Words:** Me 12, Others 34` line, without its line break. */
export function wordsLine(words: NotesFooter['words']): string {
  return `- **Words:** ${[...words].map(([label, n]) => (label ? `${label} ${n}` : String(n))).join(', ') || '0'}`;
}

export function footerBlock(f: NotesFooter): string {
  return (
    '---\n\n' +
    `- **Duration:** ${clockTime(f.duration)}\n` +
    `${wordsLine(f.words)}\n` +
    (f.note ? `- ${f.note}\n` : '') +
    '\n'
  );
}

export function wordCount(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

/** Adds an utterance's words to per-speaker counts ('' for unlabelled). */
export function countWords(counts: Map<string, number>, u: TimedText): void {
  const label = u.speaker ?? '';
  counts.set(label, (counts.get(label) ?? 0) + wordCount(u.text));
}

/** Lines of a notes file that are utterances (for counting them). */
export const UTTERANCE_LINE = /^\[\d\d:\d\d:\d\d\] /;
