/**
 * Which Voxnote commands and which settings a message names ("… run "Voxnote: Install Model
 * from Folder or Zip…"", "raise voxnote.model.maxUnpackedGB"), so the message can offer each
 * as a button. No VS Code API here.
 */

export interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

/** The commands named in `text` as "<category>: <title>", in the order they appear, each once. */
export function commandsNamedIn(text: string, commands: readonly ContributedCommand[]): ContributedCommand[] {
  const found: Array<{ at: number; command: ContributedCommand }> = [];
  for (const command of commands) {
    const at = text.indexOf(`${command.category ?? 'Voxnote'}: ${command.title}`);
    if (at >= 0) found.push({ at, command });
  }
  // "Voxnote: Stop Dictation" must not also count as a shorter title at the same place.
  return found
    .sort((a, b) => a.at - b.at || b.command.title.length - a.command.title.length)
    .filter((f, i, all) => i === 0 || f.at !== all[i - 1].at)
    .map((f) => f.command);
}

/** The settings of `known` that `text` names as whole ids ("voxnote.phrases", not "voxnote.phrasesX"), in order. */
export function settingsNamedIn(text: string, known: readonly string[]): string[] {
  const ids = new Set(known);
  return [...new Set(text.match(/[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+/g) ?? [])].filter((id) => ids.has(id));
}
