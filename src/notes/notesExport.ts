/**
 * Subtitles from a notes file: its journal's utterance timings as SRT or
 * WebVTT cues (formats in src/shared/transcriptFormat.ts), speakers named. Works
 * from what is on disk, so also after a reload or a crash mid-meeting.
 */
import * as path from 'path';
import { VoxnoteError } from '../shared/errors';
import { srtCue, VTT_HEADER, vttCue } from '../shared/transcriptFormat';
import { readJournal } from './notesJournal';
import { diskStorage, type NotesStorage } from './notesStorage';

export type SubtitleFormat = 'srt' | 'vtt';

export async function subtitlesFor(notesPath: string, format: SubtitleFormat, storage: NotesStorage = diskStorage): Promise<string> {
  const { utterances } = await readJournal(notesPath, storage);
  if (!utterances.length) {
    throw new VoxnoteError('nothing-to-export', `${path.basename(notesPath)} has no utterances yet, so there is nothing to export.`, 'Export once something has been said.');
  }
  const sorted = [...utterances].sort((a, b) => a.start - b.start);
  if (format === 'srt') return sorted.map((u, i) => srtCue(i + 1, u)).join('');
  return VTT_HEADER + sorted.map(vttCue).join('');
}

/** Writes `<notes name>.srt` or `.vtt` beside the notes and returns its path. */
export async function exportSubtitles(notesPath: string, format: SubtitleFormat, storage: NotesStorage = diskStorage): Promise<string> {
  const text = await subtitlesFor(notesPath, format, storage);
  const file = path.join(path.dirname(notesPath), `${path.basename(notesPath, path.extname(notesPath))}.${format}`);
  await storage.writeText(file, text);
  return file;
}
