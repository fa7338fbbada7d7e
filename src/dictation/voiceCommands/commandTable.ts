/**
 * The voice commands in force: the built-in set, then `voxnote.voiceCommands`
 * (a phrase → a command id, or { command, args }; "" or null removes a
 * built-in phrase). Also the phrases a recognizer is told to expect in command
 * mode. Pure: no VS Code API.
 */
import type { CommandEntry } from './phraseMatcher';
import { normalizeWords } from './phraseMatcher';

export type BuiltinId = 'undo' | 'redo' | 'save' | 'selectLine' | 'goToLine' | 'nextProblem' | 'openFile' | 'runCommand' | 'stopDictation';

export type VoiceAction = { kind: 'builtin'; id: BuiltinId } | { kind: 'command'; command: string; args?: unknown };

/** Spoken phrase → built-in action; shown in the walkthrough and the README. */
export const BUILTIN_PHRASES: Readonly<Record<string, BuiltinId>> = Object.freeze({
  'undo that': 'undo',
  'redo that': 'redo',
  'save file': 'save',
  'select line': 'selectLine',
  'go to line <number>': 'goToLine',
  'next problem': 'nextProblem',
  'open file <name>': 'openFile',
  'run command <name>': 'runCommand',
  'stop dictation': 'stopDictation',
});

export interface CommandTable {
  entries: CommandEntry<VoiceAction>[];
  /** Entries of the setting that were skipped, each with why. */
  problems: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function commandTable(user: unknown): CommandTable {
  const byPhrase = new Map<string, VoiceAction>();
  const key = (phrase: string) => normalizeWords(phrase).join(' ');
  for (const [phrase, id] of Object.entries(BUILTIN_PHRASES)) byPhrase.set(key(phrase), { kind: 'builtin', id });
  const problems: string[] = [];
  for (const [phrase, value] of Object.entries(isRecord(user) ? user : {})) {
    const k = key(phrase);
    if (!k) continue;
    if (value === '' || value === null) byPhrase.delete(k);
    else if (typeof value === 'string') byPhrase.set(k, { kind: 'command', command: value });
    else if (isRecord(value) && typeof value.command === 'string' && value.command) byPhrase.set(k, { kind: 'command', command: value.command, args: value.args });
    else problems.push(`"${phrase}": expected a command id or { "command": id, "args": … }`);
  }
  return { entries: [...byPhrase].map(([phrase, action]) => ({ phrase, action })), problems };
}

const UNITS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
/** Number words for 1..99, as said. */
const SPOKEN_1_TO_99 = [...UNITS, ...TEENS, ...TENS.flatMap((t) => [t, ...UNITS.map((u) => `${t} ${u}`)])];
/** Name slots expand to at most this many names each (the grammar stays small). */
const MAX_NAMES = 300;

/**
 * The phrases a recognizer should expect in command mode, each whole: a
 * number slot as the numbers 1..99 in words, a name slot as each of `names`
 * (file names, command titles) in words. Vosk takes them as its grammar.
 */
export function commandPhrases(entries: readonly CommandEntry<VoiceAction>[], names: readonly string[]): string[] {
  const spokenNames = [...new Set(names.slice(0, MAX_NAMES).map((n) => normalizeWords(n.replace(/[._/\\-]+/g, ' ')).join(' ')).filter((n) => n))];
  const phrases = new Set<string>();
  // Whole phrases first: an engine that takes only so many (AssemblyAI's key terms) gets those.
  for (const e of [...entries].sort((a, b) => Number(/<\w+>/.test(a.phrase)) - Number(/<\w+>/.test(b.phrase)))) {
    const words = normalizeWords(e.phrase);
    const head = words.slice(0, -1).join(' ');
    const last = words[words.length - 1];
    if (last === '<number>') SPOKEN_1_TO_99.forEach((n) => phrases.add(`${head} ${n}`));
    else if (last === '<name>') spokenNames.forEach((n) => phrases.add(`${head} ${n}`));
    else phrases.add(words.join(' '));
  }
  return [...phrases];
}

/** A command that acts outside the editor (deletes, runs, pushes, publishes): asked about before it runs. */
export function actsOutsideEditor(command: string): boolean {
  return /(delete|remove|trash|terminal|push|publish|sync|clean|discard|reset|revert|task|debug|run|exec|install|uninstall|kill|quit|close(Window|Folder))/i.test(command);
}
