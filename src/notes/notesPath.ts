/**
 * Where a new notes file goes: in the notes folder (`voxnote.notes.folder`, see
 * notesFolder in shared/settings.ts), never over an
 * existing file; a meeting's named by the template setting (`voxnote.notes.fileNameTemplate`,
 * default "YYYY-MM-DD HHmm Meeting.md"), a transcribed recording's after the recording.
 * No VS Code API here.
 */
import * as path from 'path';
import { SETTING_DEFAULTS } from '../shared/settings';
import { diskStorage, type NotesStorage } from './notesStorage';

/** Characters no file system allows in a name. */
const UNSAFE = /[/\\:*?"<>|\x00-\x1f]/g;
import { localParts } from '../shared/time';

/**
 * The tokens YYYY, MM, DD, HH and mm become the local date and time; text in
 * [brackets] is kept as written; characters no file system allows become "-".
 */
export function renderName(template: string, date: Date): string {
  const values: Record<string, string> = localParts(date);
  const name = template
    .replace(/\[([^\]]*)\]|YYYY|MM|DD|HH|mm/g, (token, literal: string | undefined) => literal ?? values[token])
    .replace(UNSAFE, '-')
    .trim();
  const base = name || renderName(SETTING_DEFAULTS['notes.fileNameTemplate'], date);
  return base.toLowerCase().endsWith('.md') ? base : `${base}.md`;
}

/**
 * `folder/name`, or `folder/name (2).md` and so on when that exists. When the folder
 * cannot be listed now, taken names are unknown: the seconds are added, so notes
 * written once it is fixed cannot land in an earlier meeting's file of the same minute.
 */
export function uniqueNotesPath(folder: string, template: string, date: Date, storage: NotesStorage = diskStorage): Promise<string> {
  return uniqueIn(folder, renderName(template, date), date, storage);
}

/** Notes of a transcribed recording, named after it: "interview.m4a" gives "interview.md". */
export function transcriptionNotesPath(folder: string, recording: string, date: Date, storage: NotesStorage = diskStorage): Promise<string> {
  const stem = path.basename(recording, path.extname(recording)).replace(UNSAFE, '-').trim();
  return uniqueIn(folder, stem ? `${stem}.md` : renderName(SETTING_DEFAULTS['notes.fileNameTemplate'], date), date, storage);
}

async function uniqueIn(folder: string, name: string, date: Date, storage: NotesStorage): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  if ((await storage.folderState(folder)) === 'unreadable') return path.join(folder, `${stem} ${localParts(date).ss}s${ext}`);
  for (let n = 1; ; n++) {
    const file = path.join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!(await storage.exists(file))) return file;
  }
}

/** The title a notes file's header shows: its name without ".md". */
export const notesTitle = (file: string): string => path.basename(file, path.extname(file));
