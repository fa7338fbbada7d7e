/**
 * A meeting line's words → the text of its notes line, through dictation's
 * formatter (capitals, numbers, spoken punctuation when the setting allows), so
 * notes read like dictated text: "golf echo alpha" becomes "Golf echo alpha.".
 *
 * What differs from dictation, and why:
 * - Sentences end at pauses: a final is an utterance the recognizer closed on
 *   silence, so its end is a sentence end; inside it, a gap between two words
 *   of at least `sentencePause` seconds (when the engine gave word times) ends
 *   a sentence too.
 * - A line is one Markdown paragraph: commands that break lines stay words.
 * - "scratch that" edits nothing: in a meeting it is more likely said than meant.
 * No VS Code API here.
 */
import { DEFAULT_COMMANDS, formatUtterance, SCRATCH_COMMAND } from '../dictation/formatter';
import type { Word } from '../shared/protocol';
import type { FormatOptions } from '../shared/settings';

export interface NotesLineFormat {
  /** Dictation's formatting options; spokenPunctuation comes from voxnote.notes.spokenPunctuation. */
  format: FormatOptions;
  /** Seconds of silence between two words that end a sentence. */
  sentencePause: number;
}

/** Between two words, about a breath and a half: shorter gaps are common inside one sentence. */
export const SENTENCE_PAUSE_SECONDS = 0.8;

const ENDED = /[.?!…:;]["')\]}]*$/;

/** The formatted text of one line; the raw text when there is nothing to format. */
export function formatNotesLine(text: string, words: readonly Word[] | undefined, o: NotesLineFormat): string {
  const options: FormatOptions = { ...o.format, spacing: true, commands: withoutEditing(o.format.commands) };
  let out = '';
  for (const group of sentences(text, words, o.sentencePause)) {
    const f = formatUtterance(group, { before: out }, options);
    // withoutEditing() leaves no scratch command, so the formatter always answers text.
    if (f.kind !== 'text') continue;
    out = endSentence((out + f.text).trim());
  }
  return out || text;
}

/** The command map without editing or line-breaking commands ("" removes one, so its words stay). */
function withoutEditing(commands: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [phrase, value] of Object.entries({ ...DEFAULT_COMMANDS, ...commands })) {
    out[phrase] = value === SCRATCH_COMMAND || value.includes('\n') ? '' : value;
  }
  return out;
}

/** A trailing comma becomes the full stop: the pause after it ended the sentence. */
const endSentence = (text: string): string => (text === '' || ENDED.test(text) ? text : text.replace(/,$/, '') + '.');

/**
 * The utterance's words split where they pause; the whole text as one group when
 * the engine gave no word times or its words are not the text's (it rewrote them).
 */
function sentences(text: string, words: readonly Word[] | undefined, pause: number): string[] {
  const spoken = text.split(/\s+/).filter((w) => w !== '');
  if (!words?.length || words.map((w) => w.word).join(' ') !== spoken.join(' ')) return [spoken.join(' ')];
  const groups: string[][] = [[]];
  words.forEach((w, i) => {
    if (i > 0 && w.start - words[i - 1].end >= pause) groups.push([]);
    groups[groups.length - 1].push(w.word);
  });
  return groups.map((g) => g.join(' '));
}
