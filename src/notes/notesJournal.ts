/**
 * The journal beside a notes file (`.<name>.voxnote.jsonl`): one JSON record per
 * line, appended and fsynced with the notes. It keeps what the Markdown cannot
 * hold reliably once a person edits it: exact utterance timings (for SRT and
 * WebVTT export), the meeting clock (to resume after a reload) and per-speaker
 * word counts. Documented in docs/notes.md.
 */
import * as path from 'path';
import { VoxnoteError } from '../shared/errors';
import type { TimedText } from '../shared/transcriptFormat';
import { countWords } from './notesFormat';
import { diskStorage, type NotesStorage } from './notesStorage';

export const JOURNAL_VERSION = 1;

/** The meeting clock at a moment: meeting seconds `m` at wall time `at` (ms since the epoch). */
export interface ClockSnapshot {
  m: number;
  at: number;
  running: boolean;
}

export type JournalRecord =
  | { t: 'start'; v: number; at: number; title: string; sources: string[]; model: string }
  /** An utterance in meeting seconds; `speaker` is its label. */
  | ({ t: 'u' } & TimedText)
  | ({ t: 'clock' } & ClockSnapshot)
  | { t: 'end'; m: number; at: number; note?: string }
  /** The utterance at `start` labelled `from` is `to`'s (diarization's correction, after the meeting). */
  | { t: 'speaker'; start: number; from: string; to: string };

/** A `speaker` record's fields: the utterance at `start` labelled `from` is `to`'s. */
export type SpeakerRecord = Omit<Extract<JournalRecord, { t: 'speaker' }>, 't'>;

export function journalPathFor(notesPath: string): string {
  return path.join(path.dirname(notesPath), `.${path.basename(notesPath)}.voxnote.jsonl`);
}

export function journalLine(record: JournalRecord): string {
  return JSON.stringify(record) + '\n';
}

export interface Journal {
  start: Extract<JournalRecord, { t: 'start' }>;
  utterances: TimedText[];
  /** The last clock record (the start record counts as the clock starting at 0). */
  clock: ClockSnapshot;
  end?: Extract<JournalRecord, { t: 'end' }>;
  /** Words per speaker label ('' for none), in first-spoken order. */
  words: Map<string, number>;
  /** Lines that did not parse and were skipped. */
  damaged: number;
}

/**
 * Reads a journal's text. A line that does not parse is counted and skipped:
 * it can only be a record torn by a crash mid-write, which was never reported
 * written, or damage by hand; the notes file keeps the text either way.
 */
export function parseJournal(text: string, file = 'the journal'): Journal {
  const records: JournalRecord[] = [];
  let damaged = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      damaged++;
    }
  }
  const start = records[0];
  if (start?.t !== 'start') {
    throw new VoxnoteError('bad-journal', `${file} does not begin with a Voxnote meeting record.`, 'Choose a notes file Voxnote wrote.');
  }
  if (start.v > JOURNAL_VERSION) {
    throw new VoxnoteError('bad-journal', `${file} was written by a newer Voxnote (format ${start.v}).`, 'Update Voxnote to read it.');
  }
  const journal: Journal = { start, utterances: [], clock: { m: 0, at: start.at, running: true }, words: new Map(), damaged };
  for (const r of records.slice(1)) {
    if (r.t === 'u') {
      journal.utterances.push({ start: r.start, end: r.end, text: r.text, ...(r.speaker ? { speaker: r.speaker } : {}) });
    } else if (r.t === 'speaker') {
      const u = journal.utterances.find((x) => x.start === r.start && x.speaker === r.from);
      if (u) u.speaker = r.to;
    } else if (r.t === 'clock') {
      journal.clock = { m: r.m, at: r.at, running: r.running };
    } else if (r.t === 'end') {
      journal.end = r;
    }
  }
  for (const u of journal.utterances) countWords(journal.words, u);
  return journal;
}

/** Appends speaker corrections to a finished meeting's journal; returns the journal as they leave it. */
export async function recordSpeakerCorrections(
  notesPath: string,
  corrections: readonly SpeakerRecord[],
  storage: NotesStorage = diskStorage,
): Promise<Journal> {
  const outbox = storage.outbox(journalPathFor(notesPath), '\n');
  for (const c of corrections) outbox.push(journalLine({ t: 'speaker', start: c.start, from: c.from, to: c.to }));
  try {
    await outbox.flush();
  } finally {
    await outbox.close();
  }
  return readJournal(notesPath, storage);
}

/**
 * Rename Speaker in a finished meeting's journal: a `speaker` record for each of the speaker's utterances,
 * so export and word counts use the new name. Returns how many it renamed.
 */
export async function recordSpeakerRename(notesPath: string, from: string, to: string, storage: NotesStorage = diskStorage): Promise<number> {
  const records = speakerRenameRecords(await readJournal(notesPath, storage), from, to);
  if (records.length) await recordSpeakerCorrections(notesPath, records, storage);
  return records.length;
}

/** Rename Speaker as journal corrections: one for each utterance of `from` in the journal as it stands. */
export const speakerRenameRecords = (journal: Journal, from: string, to: string): SpeakerRecord[] =>
  journal.utterances.filter((u) => u.speaker === from).map((u) => ({ start: u.start, from, to }));

/** The journal of a notes file, with a clear error when there is none. */
export async function readJournal(notesPath: string, storage: NotesStorage = diskStorage): Promise<Journal> {
  const file = journalPathFor(notesPath);
  let text: string;
  try {
    text = await storage.readText(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VoxnoteError(
      'bad-journal',
      code === 'ENOENT'
        ? `${path.basename(notesPath)} has no Voxnote journal (${file} is missing), so its timings are unknown.`
        : `Cannot read the Voxnote journal ${file}: ${(e as Error).message}`,
      'Voxnote keeps utterance timings in that file beside the notes: keep it next to the notes when you move them.',
    );
  }
  return parseJournal(text, file);
}
