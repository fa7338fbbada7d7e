/**
 * Dictation into a terminal: whatever a terminal gets from dictation is typed,
 * never run. No line break or other control character is sent (a misheard word
 * must not run a half-dictated command line); "new line" and any command whose
 * value holds control characters give a space instead. Running the line is the
 * user's own Enter.
 */
import type { FormatOptions } from '../shared/settings';
import { Context, DEFAULT_COMMANDS, Formatted, formatUtterance } from './formatter';

/** C0 controls (line breaks, tab, escape), DEL and the C1 controls. */
const CONTROL_RUN = /[\x00-\x1f\x7f-\x9f]+/g;

/** Each run of control characters becomes one space. */
export const withoutControls = (text: string): string => text.replace(CONTROL_RUN, ' ');

/** The command map with every control character replaced; the user's entries stay after the built-in ones, so they still win. */
function terminalOptions(options: FormatOptions): FormatOptions {
  const commands: Record<string, string> = {};
  for (const [phrase, value] of Object.entries({ ...DEFAULT_COMMANDS, ...options.commands })) commands[phrase] = withoutControls(value);
  return { ...options, commands };
}

export function formatForTerminal(words: string, context: Context, options: FormatOptions): Formatted {
  const formatted = formatUtterance(words, context, terminalOptions(options));
  return formatted.kind === 'text' ? { kind: 'text', text: withoutControls(formatted.text) } : formatted;
}
