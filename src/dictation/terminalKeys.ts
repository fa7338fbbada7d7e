/**
 * A focused terminal sends keys to its shell, except those of the commands in
 * `terminal.integrated.commandsToSkipShell`: Voxnote's push-to-talk, toggle
 * and Dictate and Send must be there for their keys to work in a terminal. package.json
 * contributes them as that setting's default (configurationDefaults); a user
 * with a list of their own replaces the default, so theirs gets ours added.
 * No VS Code API here.
 */

export const TERMINAL_COMMANDS: readonly string[] = ['voxnote.pushToTalk', 'voxnote.toggleDictation', 'voxnote.dictateAndSend'];

/**
 * The user's own list (the setting's user value) with Voxnote's commands added,
 * or undefined when there is nothing to change: no list of their own (the
 * default applies), ours already there, or removed on purpose ("-voxnote.…").
 */
export function withTerminalCommands(userValue: unknown): string[] | undefined {
  if (!Array.isArray(userValue)) return undefined;
  const list = userValue.filter((c): c is string => typeof c === 'string');
  const missing = TERMINAL_COMMANDS.filter((c) => !list.includes(c) && !list.includes(`-${c}`));
  return missing.length ? [...list, ...missing] : undefined;
}
