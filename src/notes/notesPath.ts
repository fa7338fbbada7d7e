/**
 * Where a new notes file goes: in the notes folder (`voxnote.notes.folder`, see
 * notesFolder in shared/settings.ts), never over an
 * existing file; a meeting's named by the template setting (`voxnote.notes.fileNameTemplate`,
 * default "YYYY-MM-DD HHmm Meeting.md"), a transcribed recording's after the recording;
 * created exclusively, so two windows never share one. No VS Code API here.
 */
import * as path from 'path';
import { SETTING_DEFAULTS } from '../shared/settings';
import { journalPathFor } from './notesJournal';
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

/** Creates a meeting's notes file (see createIn), named by the template. */
export function createNotesFile(folder: string, template: string, date: Date, storage: NotesStorage = diskStorage): Promise<string> {
  return createIn(folder, renderName(template, date), date, storage);
}

/** Creates a transcribed recording's notes file (see createIn), named after it: "interview.m4a" gives "interview.md". */
export function createTranscriptionNotes(folder: string, recording: string, date: Date, storage: NotesStorage = diskStorage): Promise<string> {
  const stem = path.basename(recording, path.extname(recording)).replace(UNSAFE, '-').trim();
  return createIn(folder, stem ? `${stem}.md` : renderName(SETTING_DEFAULTS['notes.fileNameTemplate'], date), date, storage);
}

/**
 * Creates a new, empty notes file and its journal, each exclusively, and returns its
 * path: `folder/name`, or the next free `name (2).md`… Two windows starting notes in
 * the same minute so get a file each, never one together. A name whose journal is
 * left over (its notes deleted) is skipped. When the folder cannot be written now,
 * taken names are unknown: returns a name with the seconds added and creates nothing,
 * so notes written once it is fixed cannot land in an earlier meeting's file of the
 * same minute (the notes writer keeps the lines in memory and reports the problem).
 */
async function createIn(folder: string, name: string, date: Date, storage: NotesStorage): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  try {
    for (let n = 1; ; n++) {
      const file = path.join(folder, n === 1 ? name : `${stem} (${n})${ext}`);
      if (!(await storage.createExclusive(file))) continue;
      if (await storage.createExclusive(journalPathFor(file))) return file;
      await storage.remove(file);
    }
  } catch {
    return path.join(folder, `${stem} ${localParts(date).ss}s${ext}`);
  }
}

/** The title a notes file's header shows: its name without ".md". */
export const notesTitle = (file: string): string => path.basename(file, path.extname(file));
