/**
 * Subtitles from a notes file: its journal's utterance timings as SRT or
 * WebVTT cues (formats in src/shared/transcriptFormat.ts), speakers named. Works
 * from what is on disk, so also after a reload or a crash mid-meeting.
 */
import * as fs from 'fs/promises';
import * as path from 'path';
import { srtCue, TimedText, VTT_HEADER, vttCue } from '../shared/transcriptFormat';
import { JournalError, readJournal } from './notesJournal';

export type SubtitleFormat = 'srt' | 'vtt';

/** The notes' utterances in time order; a JournalError says why there is nothing to export. */
export async function exportableUtterances(notesPath: string): Promise<TimedText[]> {
  const { utterances } = await readJournal(notesPath);
  if (!utterances.length) {
    throw new JournalError(`${path.basename(notesPath)} has no utterances yet, so there is nothing to export.`, 'Export once something has been said.');
  }
  return [...utterances].sort((a, b) => a.start - b.start);
}

export async function subtitlesFor(notesPath: string, format: SubtitleFormat, utterances?: TimedText[]): Promise<string> {
  const sorted = utterances ?? (await exportableUtterances(notesPath));
  if (format === 'srt') return sorted.map((u, i) => srtCue(i + 1, u)).join('');
  return VTT_HEADER + sorted.map(vttCue).join('');
}

/** Writes `<notes name>.srt` or `.vtt` beside the notes and returns its path; `utterances` as read already. */
export async function exportSubtitles(notesPath: string, format: SubtitleFormat, utterances?: TimedText[]): Promise<string> {
  const text = await subtitlesFor(notesPath, format, utterances);
  const file = path.join(path.dirname(notesPath), `${path.basename(notesPath, path.extname(notesPath))}.${format}`);
  await fs.writeFile(file, text);
  return file;
}
