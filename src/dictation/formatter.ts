/**
 * Recognized words → the text to insert at the cursor. This is the one place
 * that knows about spacing, capitals, spoken punctuation and numbers, so every
 * dictation path formats the same way (after nerd-dictation's single
 * words-to-text function with switches).
 *
 * Vosk gives lowercase words without punctuation: "hello world period new
 * line how are you question mark" becomes "Hello world.\nHow are you?".
 *
 * Rules, in the order they apply:
 * - Words are matched left to right. At each word the longest spoken phrase
 *   in the command map wins ("new paragraph" before "new"), then a number (if
 *   numbers are on), else the word is kept as spoken.
 * - "scratch that" at the very start of an utterance removes the previous
 *   utterance ({ kind: 'scratch' }); the words after it come back as `rest`
 *   for the caller to format once the removal is done. Anywhere later it drops
 *   what was said before it in the same utterance: the speaker corrected
 *   themselves mid-sentence, and Vosk joins the correction to the utterance.
 * - Spacing is decided from the text before the insertion point, so one rule
 *   covers the cursor's context and the words of this utterance: no space
 *   next to whitespace (line starts, after a new line), after an opening
 *   bracket or an opening `"`, or before closing punctuation `. , ? ! : ; ) ] } …`
 *   or a closing `"`. Straight quotes open or close by parity on the current
 *   line. Existing text is never edited: "period" after "hello " gives "hello .".
 * - A sentence starts at the start of the document, at the start of a line
 *   (a dictated list reads "Buy milk\nCall mom"), and after . ? ! (closing
 *   brackets and quotes in between are skipped). Only recognized words are
 *   capitalized; command replacements are inserted exactly as configured.
 * - Numbers: zero to the millions, e.g. "twenty five" → 25, "one hundred and
 *   five" → 105, "two thousand twenty six" → 2026. Each phrase is read
 *   greedily, so "nineteen ninety nine" is two numbers, "19 99". Values below
 *   `numbersMinimum` stay words, so "no one" and "one of them" survive.
 */
import { type FormatOptions, SETTING_DEFAULTS } from '../shared/settings';

/** Text before the insertion point; the last couple of hundred characters are plenty. */
export interface Context {
  before: string;
}

export type Formatted =
  | { kind: 'text'; text: string }
  /** Remove the previously inserted utterance, then format `rest` (raw words, maybe "") against the new context. */
  | { kind: 'scratch'; rest: string };

/** Command-map value meaning "remove the last inserted utterance". */
export const SCRATCH_COMMAND = '{scratch}';

export const DEFAULT_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  period: '.',
  'full stop': '.',
  comma: ',',
  'question mark': '?',
  'exclamation mark': '!',
  'exclamation point': '!',
  colon: ':',
  semicolon: ';',
  'new line': '\n',
  'new paragraph': '\n\n',
  'open paren': '(',
  'close paren': ')',
  'open parenthesis': '(',
  'close parenthesis': ')',
  'open quote': '"',
  'close quote': '"',
  'scratch that': SCRATCH_COMMAND,
});

export const DEFAULT_FORMAT_OPTIONS: Readonly<FormatOptions> = Object.freeze({
  spacing: SETTING_DEFAULTS['format.spacing'],
  capitalize: SETTING_DEFAULTS['format.capitalize'],
  spokenPunctuation: SETTING_DEFAULTS['format.spokenPunctuation'],
  numbersAsDigits: SETTING_DEFAULTS['format.numbersAsDigits'],
  numbersMinimum: SETTING_DEFAULTS['format.numbersMinimum'],
  commands: SETTING_DEFAULTS['format.commands'],
});

export function formatUtterance(words: string, context: Context, options: FormatOptions): Formatted {
  const spoken = words.split(/\s+/).filter((w) => w !== '');
  const lower = spoken.map((w) => w.toLowerCase());
  const table = commandTable(options);

  let pieces: Piece[] = [];
  let i = 0;
  while (i < spoken.length) {
    const command = matchCommand(lower, i, table);
    if (command) {
      if (command.value === SCRATCH_COMMAND) {
        if (i === 0) return { kind: 'scratch', rest: spoken.slice(command.end).join(' ') };
        pieces = [];
      } else {
        pieces.push({ text: command.value, word: false });
      }
      i = command.end;
      continue;
    }
    const number = options.numbersAsDigits ? parseNumber(lower, i) : undefined;
    if (number) {
      if (number.value >= options.numbersMinimum) {
        pieces.push({ text: String(number.value), word: false });
      } else {
        for (let j = i; j < number.end; j++) pieces.push({ text: spoken[j], word: true });
      }
      i = number.end;
      continue;
    }
    pieces.push({ text: spoken[i], word: true });
    i++;
  }

  let out = '';
  pieces.forEach((piece, k) => {
    const before = context.before + out;
    const text = options.capitalize && piece.word ? capitalizeWord(piece.text, atSentenceStart(before)) : piece.text;
    const space = (k > 0 || options.spacing) && needsSpace(before, text);
    out += (space ? ' ' : '') + text;
  });
  return { kind: 'text', text: out };
}

/** `word` is false for replacements and digits: they are inserted as they are, never capitalized. */
interface Piece {
  text: string;
  word: boolean;
}

interface CommandTable {
  phrases: Map<string, string>;
  longest: number;
}

const normalizePhrase = (phrase: string): string => phrase.toLowerCase().split(/\s+/).filter((w) => w !== '').join(' ');

function commandTable(options: FormatOptions): CommandTable {
  const phrases = new Map<string, string>();
  // Normalize before merging so a user's "Full  Stop" overrides the default "full stop".
  for (const map of [DEFAULT_COMMANDS, options.commands]) {
    for (const [phrase, value] of Object.entries(map)) {
      const key = normalizePhrase(phrase);
      if (key !== '') phrases.set(key, value);
    }
  }
  let longest = 0;
  for (const [key, value] of phrases) {
    if (value === '' || (!options.spokenPunctuation && value !== SCRATCH_COMMAND)) phrases.delete(key);
    else longest = Math.max(longest, key.split(' ').length);
  }
  return { phrases, longest };
}

function matchCommand(words: readonly string[], at: number, table: CommandTable): { value: string; end: number } | undefined {
  for (let n = Math.min(table.longest, words.length - at); n > 0; n--) {
    const value = table.phrases.get(words.slice(at, at + n).join(' '));
    if (value !== undefined) return { value, end: at + n };
  }
  return undefined;
}

// --- numbers -----------------------------------------------------------------

interface Parsed {
  value: number;
  end: number;
}

const UNITS = new Map(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].map((w, i) => [w, i + 1]));
const TEENS = new Map(
  ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'].map((w, i) => [w, i + 10]),
);
const TENS = new Map(['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'].map((w, i) => [w, (i + 2) * 10]));
const SCALES = new Map([
  ['thousand', 1e3],
  ['million', 1e6],
]);

/** 1..99: "seven", "seventeen", "seventy", "seventy seven". */
function below100(words: readonly string[], at: number): Parsed | undefined {
  const simple = UNITS.get(words[at]) ?? TEENS.get(words[at]);
  if (simple !== undefined) return { value: simple, end: at + 1 };
  const tens = TENS.get(words[at]);
  if (tens === undefined) return undefined;
  const unit = UNITS.get(words[at + 1]);
  return unit === undefined ? { value: tens, end: at + 1 } : { value: tens + unit, end: at + 2 };
}

/** 1..9999 without a scale word: "five hundred and six", "twenty five hundred". */
function below1000(words: readonly string[], at: number): Parsed | undefined {
  const head = below100(words, at);
  if (!head || words[head.end] !== 'hundred') return head;
  const hundreds = { value: head.value * 100, end: head.end + 1 };
  const tail = optionalAnd(words, hundreds.end, below100);
  return tail ? { value: hundreds.value + tail.value, end: tail.end } : hundreds;
}

/** "and" joins only when a number follows it; otherwise it stays a word ("one hundred and the rest"). */
function optionalAnd(words: readonly string[], at: number, part: typeof below100): Parsed | undefined {
  return words[at] === 'and' ? part(words, at + 1) : part(words, at);
}

/** The whole of `words` read as one spoken number ("forty two" → 42), else undefined. */
export function spokenNumber(words: readonly string[]): number | undefined {
  const lower = words.map((w) => w.toLowerCase());
  const parsed = lower.length === 1 && /^\d+$/.test(lower[0]) ? { value: Number(lower[0]), end: 1 } : parseNumber(lower, 0);
  return parsed && parsed.end === lower.length ? parsed.value : undefined;
}

function parseNumber(words: readonly string[], at: number): Parsed | undefined {
  if (words[at] === 'zero') return { value: 0, end: at + 1 };
  let total = 0;
  let end = at;
  let lastScale = Infinity;
  for (;;) {
    const group = end === at ? below1000(words, end) : optionalAnd(words, end, below1000);
    if (!group) break;
    const scale = SCALES.get(words[group.end]);
    if (scale === undefined) {
      total += group.value;
      end = group.end;
      break;
    }
    // "two thousand three thousand": a scale that does not shrink starts the next number.
    if (scale >= lastScale) break;
    total += group.value * scale;
    lastScale = scale;
    end = group.end + 1;
  }
  return end > at ? { value: total, end } : undefined;
}

// --- spacing and capitals ----------------------------------------------------

const CLOSING = new Set(['.', ',', '?', '!', ':', ';', ')', ']', '}', '…']);
const OPENING = new Set(['(', '[', '{']);
const SENTENCE_END = new Set(['.', '?', '!']);
const CLOSERS = new Set([')', ']', '}', '"']);
const isSpace = (ch: string): boolean => /\s/.test(ch);

/** Straight quotes on the current line before `text`'s end: odd means a quote is open. */
function openQuote(text: string): boolean {
  const line = text.slice(text.lastIndexOf('\n') + 1);
  return (line.split('"').length - 1) % 2 === 1;
}

function needsSpace(before: string, next: string): boolean {
  if (before === '' || next === '') return false;
  const last = before[before.length - 1];
  const first = next[0];
  if (isSpace(last) || isSpace(first) || OPENING.has(last) || CLOSING.has(first)) return false;
  if (last === '"' && openQuote(before)) return false;
  if (first === '"' && openQuote(before)) return false;
  return true;
}

function atSentenceStart(before: string): boolean {
  let i = before.length;
  // '(' or an opening quote right before the word does not change the sentence state.
  while (i > 0 && (OPENING.has(before[i - 1]) || before[i - 1] === '"')) i--;
  let newline = false;
  while (i > 0 && isSpace(before[i - 1])) {
    if (before[i - 1] === '\n') newline = true;
    i--;
  }
  if (i === 0 || newline) return true;
  // 'Done.)' and 'Done."' end a sentence too.
  while (i > 0 && CLOSERS.has(before[i - 1])) i--;
  return i > 0 && SENTENCE_END.has(before[i - 1]);
}

function capitalizeWord(word: string, sentenceStart: boolean): string {
  const lower = word.toLowerCase();
  const pronoun = lower === 'i' || lower.startsWith("i'");
  return sentenceStart || pronoun ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}
