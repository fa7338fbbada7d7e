/**
 * Where a new notes file goes: in the notes folder (`voxnote.notes.folder`), never over an
 * existing file; a meeting's named by the template setting (`voxnote.notes.fileNameTemplate`,
 * default "YYYY-MM-DD HHmm Meeting.md"), a transcribed recording's after the recording.
 * No VS Code API here.
 */
import * as fs from 'fs';
import * as path from 'path';

export const DEFAULT_NAME_TEMPLATE = 'YYYY-MM-DD HHmm Meeting.md';

const pad = (n: number) => String(n).padStart(2, '0');
/** Characters no file system allows in a name. */
const UNSAFE = /[/\\:*?"<>|\x00-\x1f]/g;

/**
 * The tokens YYYY, MM, DD, HH and mm become the local date and time; text in
 * [brackets] is kept as written; characters no file system allows become "-".
 */
export function renderName(template: string, date: Date): string {
  const values: Record<string, string> = {
    YYYY: String(date.getFullYear()),
    MM: pad(date.getMonth() + 1),
    DD: pad(date.getDate()),
    HH: pad(date.getHours()),
    mm: pad(date.getMinutes()),
  };
  const name = template
    .replace(/\[([^\]]*)\]|YYYY|MM|DD|HH|mm/g, (token, literal: string | undefined) => literal ?? values[token])
    .replace(UNSAFE, '-')
    .trim();
  const base = name || renderName(DEFAULT_NAME_TEMPLATE, date);
  return base.toLowerCase().endsWith('.md') ? base : `${base}.md`;
}

/** Where notes go without a workspace folder to put them in. */
export const HOME_NOTES_FOLDER = 'Voxnote Notes';

/**
 * The notes folder from the setting: `~` is the home folder, an absolute path
 * is used as is, a relative one is inside the workspace folder, or, with no
 * folder open, the notes go to ~/Voxnote Notes.
 */
export function notesFolder(setting: string, workspaceFolder: string | undefined, home: string): string {
  const value = setting.trim() || 'notes';
  const expanded = value === '~' ? home : /^~[/\\]/.test(value) ? path.join(home, value.slice(2)) : value;
  if (path.isAbsolute(expanded)) return path.normalize(expanded);
  return workspaceFolder ? path.join(workspaceFolder, expanded) : path.join(home, HOME_NOTES_FOLDER);
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
  return uniqueIn(folder, renderName(template, date), date);
}

/** Notes of a transcribed recording, named after it: "interview.m4a" gives "interview.md". */
export function transcriptionNotesPath(folder: string, recording: string, date: Date): string {
  const stem = path.basename(recording, path.extname(recording)).replace(UNSAFE, '-').trim();
  return uniqueIn(folder, stem ? `${stem}.md` : renderName(DEFAULT_NAME_TEMPLATE, date), date);
}

function uniqueIn(folder: string, name: string, date: Date): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  if (unreadableFolder(folder)) return path.join(folder, `${stem} ${String(date.getSeconds()).padStart(2, '0')}s${ext}`);
  for (let n = 1; ; n++) {
    const file = path.join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!fs.existsSync(file)) return file;
  }
}

/** The title a notes file's header shows: its name without ".md". */
export const notesTitle = (file: string): string => path.basename(file, path.extname(file));
