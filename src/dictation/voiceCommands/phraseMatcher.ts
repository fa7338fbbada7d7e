/**
 * Which voice command an utterance names, if any. Pure: no VS Code API.
 *
 * A phrase is words, optionally ending in one slot: `<number>` (spoken number
 * words, read by the formatter: "go to line forty two") or `<name>` (free
 * words, matched later against a list: "open file package json").
 * - exact: the utterance's words are the phrase's (case and punctuation aside);
 * - fuzzy (command mode only): similar enough letters, so a misheard word
 *   still finds its command; during dictation only exact phrases count, so
 *   prose is never taken for a command;
 * - ambiguity is reported, never guessed: the caller asks (a quick pick).
 */
import { spokenNumber } from '../formatter';

export interface CommandEntry<T> {
  phrase: string;
  action: T;
}

export interface Candidate<T> {
  entry: CommandEntry<T>;
  /** The `<number>` slot's value. */
  number?: number;
  /** The `<name>` slot's words. */
  name?: string;
  /** 1 for an exact match, less for a fuzzy one. */
  score: number;
}

export type Match<T> = { kind: 'none' } | { kind: 'command'; candidate: Candidate<T> } | { kind: 'ambiguous'; candidates: Candidate<T>[] };

/** Similarity at or above which a fuzzy match counts. */
export const FUZZY_THRESHOLD = 0.75;
/** Candidates this close to the best are too close to choose between. */
const AMBIGUITY_MARGIN = 0.05;

export const normalizeWords = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}<>\s']/gu, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');

/** Letters and digits only: "package.json" and "package json" are the same. */
export const compact = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** 1 − edit distance / longer length. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return 1 - prev[b.length] / Math.max(a.length, b.length);
}

type Slot = 'number' | 'name' | undefined;

function parsePhrase(phrase: string): { fixed: string[]; slot: Slot } {
  const words = normalizeWords(phrase);
  const last = words[words.length - 1];
  if (last === '<number>') return { fixed: words.slice(0, -1), slot: 'number' };
  if (last === '<name>') return { fixed: words.slice(0, -1), slot: 'name' };
  return { fixed: words, slot: undefined };
}

function candidate<T>(entry: CommandEntry<T>, spoken: string[], fuzzy: boolean): Candidate<T> | undefined {
  const { fixed, slot } = parsePhrase(entry.phrase);
  if (!fixed.length) return undefined;
  if (!slot) {
    const score = spoken.join(' ') === fixed.join(' ') ? 1 : fuzzy ? similarity(spoken.join(' '), fixed.join(' ')) : 0;
    return score >= (fuzzy ? FUZZY_THRESHOLD : 1) ? { entry, score } : undefined;
  }
  if (spoken.length <= fixed.length) return undefined;
  const head = spoken.slice(0, fixed.length).join(' ');
  const score = head === fixed.join(' ') ? 1 : fuzzy ? similarity(head, fixed.join(' ')) : 0;
  if (score < (fuzzy ? FUZZY_THRESHOLD : 1)) return undefined;
  const rest = spoken.slice(fixed.length);
  if (slot === 'name') return { entry, name: rest.join(' '), score };
  const number = spokenNumber(rest);
  return number === undefined ? undefined : { entry, number, score };
}

/** The command `utterance` names among `entries`. */
export function matchCommand<T>(utterance: string, entries: readonly CommandEntry<T>[], options: { fuzzy: boolean }): Match<T> {
  const spoken = normalizeWords(utterance);
  if (!spoken.length) return { kind: 'none' };
  const found = entries.map((e) => candidate(e, spoken, options.fuzzy)).filter((c): c is Candidate<T> => !!c);
  return choose(found);
}

function choose<C extends { score: number }>(found: C[]): { kind: 'none' } | { kind: 'command'; candidate: C } | { kind: 'ambiguous'; candidates: C[] } {
  if (!found.length) return { kind: 'none' };
  const best = Math.max(...found.map((c) => c.score));
  const close = found.filter((c) => c.score >= best - (best === 1 ? 0 : AMBIGUITY_MARGIN)).sort((a, b) => b.score - a.score);
  return close.length === 1 ? { kind: 'command', candidate: close[0] } : { kind: 'ambiguous', candidates: close };
}

export interface Named<T> {
  label: string;
  value: T;
  score: number;
}

/** How well spoken words name `label` ("package json" → "package.json"; a file name's extension may be left out). */
function nameScore(spoken: string, label: string): number {
  const query = compact(spoken);
  const forms = [compact(label), compact(label.replace(/\.[^.]+$/, ''))];
  if (!query) return 0;
  if (forms.includes(query)) return 1;
  // A name's start is enough when it is most of the name ("open file read me" → README.md).
  return Math.max(...forms.map((f) => Math.max(similarity(query, f), query.length >= 3 && f.startsWith(query) ? 0.7 + 0.3 * (query.length / f.length) : 0)));
}

/** The item `spoken` names: one, several too close to call, or none. */
export function pickByName<T>(spoken: string, items: readonly { label: string; value: T }[]): { kind: 'none' } | { kind: 'command'; candidate: Named<T> } | { kind: 'ambiguous'; candidates: Named<T>[] } {
  const scored = items.map((i) => ({ ...i, score: nameScore(spoken, i.label) })).filter((i) => i.score >= FUZZY_THRESHOLD);
  return choose(scored);
}
