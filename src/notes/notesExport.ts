/**
 * Subtitles from a notes file: its journal's utterance timings as SRT or
 * WebVTT cues (formats in src/shared/transcriptFormat.ts), speakers named. Works
 * from what is on disk, so also after a reload or a crash mid-meeting.
 */
import * as path from 'path';
import { VoxnoteError } from '../shared/errors';
import { srtCue, TimedText, VTT_HEADER, vttCue } from '../shared/transcriptFormat';
import { readJournal } from './notesJournal';
import { diskStorage, type NotesStorage } from './notesStorage';

export type SubtitleFormat = 'srt' | 'vtt';

/** The notes' utterances in time order; a VoxnoteError says why there is nothing to export. */
export async function exportableUtterances(notesPath: string, storage: NotesStorage = diskStorage): Promise<TimedText[]> {
  const { utterances } = await readJournal(notesPath, storage);
  if (!utterances.length) {
    throw new VoxnoteError('nothing-to-export', `${path.basename(notesPath)} has no utterances yet, so there is nothing to export.`, 'Export once something has been said.');
  }
  return [...utterances].sort((a, b) => a.start - b.start);
}

export async function subtitlesFor(notesPath: string, format: SubtitleFormat, storage: NotesStorage = diskStorage, utterances?: TimedText[]): Promise<string> {
  const sorted = utterances ?? (await exportableUtterances(notesPath, storage));
  if (format === 'srt') return sorted.map((u, i) => srtCue(i + 1, u)).join('');
  return VTT_HEADER + sorted.map(vttCue).join('');
}

/** Writes `<notes name>.srt` or `.vtt` beside the notes and returns its path; `utterances` as read already. */
export async function exportSubtitles(notesPath: string, format: SubtitleFormat, storage: NotesStorage = diskStorage, utterances?: TimedText[]): Promise<string> {
  const text = await subtitlesFor(notesPath, format, storage, utterances);
  const file = path.join(path.dirname(notesPath), `${path.basename(notesPath, path.extname(notesPath))}.${format}`);
  await storage.writeText(file, text);
  return file;
}
