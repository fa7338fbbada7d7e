/**
 * Where a new notes file goes: its name from the template setting
 * (`voxnote.notes.fileNameTemplate`, default "YYYY-MM-DD HHmm Meeting.md") in
 * the notes folder (`voxnote.notes.folder`, see notesFolder in shared/settings.ts),
 * never over an existing file. No VS Code API here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SETTING_DEFAULTS } from '../shared/settings';
import { localParts } from '../shared/time';

/**
 * The tokens YYYY, MM, DD, HH and mm become the local date and time; text in
 * [brackets] is kept as written; characters no file system allows become "-".
 */
export function renderName(template: string, date: Date): string {
  const values: Record<string, string> = localParts(date);
  const name = template
    .replace(/\[([^\]]*)\]|YYYY|MM|DD|HH|mm/g, (token, literal: string | undefined) => literal ?? values[token])
    .replace(/[/\\:*?"<>|\x00-\x1f]/g, '-')
    .trim();
  const base = name || renderName(SETTING_DEFAULTS['notes.fileNameTemplate'], date);
  return base.toLowerCase().endsWith('.md') ? base : `${base}.md`;
}

/** True when `folder` exists but cannot be listed (a file in its way, no permission). */
function unreadableFolder(folder: string): boolean {
  try {
    fs.readdirSync(folder);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT'; // a folder not made yet is simply empty
  }
}

/**
 * `folder/name`, or `folder/name (2).md` and so on when that exists. When the folder
 * cannot be listed now, taken names are unknown: the seconds are added, so notes
 * written once it is fixed cannot land in an earlier meeting's file of the same minute.
 */
export function uniqueNotesPath(folder: string, template: string, date: Date): string {
  const name = renderName(template, date);
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  if (unreadableFolder(folder)) return path.join(folder, `${stem} ${localParts(date).ss}s${ext}`);
  for (let n = 1; ; n++) {
    const file = path.join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!fs.existsSync(file)) return file;
  }
}

/** The title a notes file's header shows: its name without ".md". */
export const notesTitle = (file: string): string => path.basename(file, path.extname(file));
