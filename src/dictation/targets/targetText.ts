/**
 * What each kind of target gets from one final: the formatter's text, shaped
 * for where it goes, and whether the utterance ended with the send phrase.
 * No VS Code API here.
 *
 * - editor, other inputs and webviews: the formatter's text as it is;
 * - the commit box: a subject line in sentence case without a trailing period
 *   (the formatter already capitalizes a sentence start; the period that ends
 *   the first line goes);
 * - chat and agent prompts: sentences (a final that ends without punctuation
 *   gets a period);
 * - the terminal: shell-safe (terminalText.ts), never a control character.
 * The send phrase is never typed: said at the end of an utterance it asks for
 * Enter, where the target can take it (a chat input or a terminal).
 */
import type { FormatOptions } from '../../shared/settings';
import { type Context, formatUtterance } from '../formatter';
import { formatForTerminal } from '../terminalText';

/** How the target takes text. */
export type TargetKind = 'editor' | 'terminal' | 'commit' | 'chat' | 'input' | 'webview';

/** Targets where the send phrase submits (Enter). */
export const SENDS: ReadonlySet<TargetKind> = new Set<TargetKind>(['chat', 'terminal']);

export type Shaped =
  | { kind: 'text'; text: string; send: boolean }
  /** "scratch that" at the start: the caller removes what it can, then shapes `rest`. */
  | { kind: 'scratch'; rest: string; send: boolean };

const words = (text: string): string[] => text.toLowerCase().split(/\s+/).filter((w) => w !== '');

/** The utterance without the send phrase at its end, and whether it was there. */
export function splitSendPhrase(utterance: string, sendPhrase: string): { words: string; send: boolean } {
  const phrase = words(sendPhrase);
  const spoken = utterance.split(/\s+/).filter((w) => w !== '');
  if (!phrase.length || spoken.length < phrase.length) return { words: spoken.join(' '), send: false };
  const tail = spoken.slice(-phrase.length).map((w) => w.toLowerCase());
  const send = tail.every((w, i) => w === phrase[i]);
  return { words: (send ? spoken.slice(0, -phrase.length) : spoken).join(' '), send };
}

const ENDS_SENTENCE = /[.?!:;…]["')\]]*$/;

/** The text for one final at `kind`, formatted against what is before the cursor there. */
export function shapeFor(kind: TargetKind, utterance: string, context: Context, options: FormatOptions, sendPhrase: string): Shaped {
  const { words: spoken, send: said } = splitSendPhrase(utterance, sendPhrase);
  const send = said && SENDS.has(kind);
  const formatted = kind === 'terminal' ? formatForTerminal(spoken, context, options) : formatUtterance(spoken, context, options);
  if (formatted.kind === 'scratch') return { kind: 'scratch', rest: formatted.rest, send };
  let text = formatted.text;
  if (kind === 'commit' && context.before.trim() === '') text = text.charAt(0).toUpperCase() + text.slice(1);
  if (kind === 'commit' && !context.before.includes('\n') && !text.includes('\n')) text = text.replace(/\.+$/, '');
  if (kind === 'chat' && /[\p{L}\p{N}]$/u.test(text) && !ENDS_SENTENCE.test(text)) text += '.';
  return { kind: 'text', text, send };
}
