/**
 * Where a new notes file goes: its name from the template setting
 * (`voxnote.notes.fileNameTemplate`, default "YYYY-MM-DD HHmm Meeting.md") in
 * the notes folder (`voxnote.notes.folder`), never over an existing file.
 * No VS Code API here.
 */
import * as path from 'path';
import { diskStorage, type NotesStorage } from './notesStorage';

export const DEFAULT_NAME_TEMPLATE = 'YYYY-MM-DD HHmm Meeting.md';

const pad = (n: number) => String(n).padStart(2, '0');

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
    .replace(/[/\\:*?"<>|\x00-\x1f]/g, '-')
    .trim();
  const base = name || renderName(DEFAULT_NAME_TEMPLATE, date);
  return base.toLowerCase().endsWith('.md') ? base : `${base}.md`;
}

/** Where notes go without a workspace folder to put them in. */
export const HOME_NOTES_FOLDER = 'Voxnote Notes';

/** True when the notes-folder setting stays inside the workspace folder: relative, not `~`, not climbing out with `..`. */
export function inWorkspace(setting: string): boolean {
  const value = setting.trim() || 'notes';
  if (value === '~' || /^~[/\\]/.test(value) || path.isAbsolute(value) || path.win32.isAbsolute(value)) return false;
  const parts = path.posix.normalize(value.replace(/\\/g, '/')).split('/');
  return parts[0] !== '..';
}

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

/**
 * `folder/name`, or `folder/name (2).md` and so on when that exists. When the folder
 * cannot be listed now, taken names are unknown: the seconds are added, so notes
 * written once it is fixed cannot land in an earlier meeting's file of the same minute.
 */
export async function uniqueNotesPath(folder: string, template: string, date: Date, storage: NotesStorage = diskStorage): Promise<string> {
  const name = renderName(template, date);
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  if ((await storage.folderState(folder)) === 'unreadable') return path.join(folder, `${stem} ${String(date.getSeconds()).padStart(2, '0')}s${ext}`);
  for (let n = 1; ; n++) {
    const file = path.join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!(await storage.exists(file))) return file;
  }
}

/** The title a notes file's header shows: its name without ".md". */
export const notesTitle = (file: string): string => path.basename(file, path.extname(file));
