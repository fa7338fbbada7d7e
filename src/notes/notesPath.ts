/**
 * Where a new notes file goes: its name from the template setting
 * (`voxnote.notes.fileNameTemplate`, default "YYYY-MM-DD HHmm Meeting.md") in
 * the notes folder (`voxnote.notes.folder`), never over an existing file:
 * created exclusively, so two windows never share one.
 * No VS Code API here.
 */
import * as fs from 'fs/promises';
import * as path from 'path';
import { journalPathFor } from './notesJournal';

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

/** `name`, or `name (2).md` and so on: the n-th candidate name. */
function candidate(folder: string, name: string, n: number): string {
  const ext = path.extname(name);
  return path.join(folder, n === 1 ? name : `${name.slice(0, name.length - ext.length)} (${n})${ext}`);
}

/**
 * When the folder cannot be written now, taken names are unknown: the seconds are added, so
 * notes written once it is fixed cannot land in an earlier meeting's file of the same minute.
 */
function secondsName(folder: string, name: string, date: Date): string {
  const ext = path.extname(name);
  return path.join(folder, `${name.slice(0, name.length - ext.length)} ${String(date.getSeconds()).padStart(2, '0')}s${ext}`);
}

/** Creates `file` only if no file of that name exists; false when one does. */
async function createExclusive(file: string): Promise<boolean> {
  try {
    await (await fs.open(file, 'wx')).close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/**
 * Creates a new, empty notes file and its journal, each exclusively (`wx`), and
 * returns its path: `folder/name`, or the next free `name (2).md`… Two windows
 * starting notes in the same minute so get a file each, never one together. A
 * name whose journal is left over (its notes deleted) is skipped. When the folder
 * cannot be written now, returns a name with the seconds added and creates nothing:
 * the notes writer keeps the lines in memory and reports the problem.
 */
export async function createNotesFile(folder: string, template: string, date: Date): Promise<string> {
  const name = renderName(template, date);
  try {
    await fs.mkdir(folder, { recursive: true });
    for (let n = 1; ; n++) {
      const file = candidate(folder, name, n);
      if (!(await createExclusive(file))) continue;
      if (await createExclusive(journalPathFor(file))) return file;
      await fs.rm(file, { force: true });
    }
  } catch {
    return secondsName(folder, name, date);
  }
}

/** The title a notes file's header shows: its name without ".md". */
export const notesTitle = (file: string): string => path.basename(file, path.extname(file));

