/**
 * Transcribe Audio File: a recording through a speech session on the worker's
 * file source at full speed into a notes file written like a meeting's (header,
 * a line per final, footer). The worker gets just the path: it reads WAV itself
 * and streams any other format through ffmpeg, which it runs (no temporary
 * file). Progress comes from the session's `progress` events; an AbortSignal
 * cancels, and the notes then end with a footer saying where. No VS Code API here.
 */
import * as fs from 'fs/promises';
import * as path from 'path';
import type { SpeechService } from '../speech/speechService';
import { VoxnoteError } from '../shared/errors';
import { ffmpegMissing, findFfmpeg } from '../shared/ffmpeg';
import { engineLabel } from '../shared/engines';
import type { EngineSpec, ErrorCode } from '../shared/protocol';
import { clockTime } from '../shared/time';
import type { TimedText } from '../shared/transcriptFormat';
import { inspectAudio, isRawPath } from '../shared/wav';
import { formatNotesLine, type NotesLineFormat } from './notesLineFormat';
import { NotesWriter, NotesWriterOptions } from './notesWriter';

export interface FileTranscriptionProgress {
  stage: 'transcribing';
  /** 0..100. */
  percent: number;
}

export interface FileTranscriptionOptions {
  speech: SpeechService;
  engine: EngineSpec;
  audioPath: string;
  /**
   * Where the notes go: a path that does not exist yet, or a function that creates
   * the notes file (notesPath.ts), called once the worker reads the recording.
   */
  notesPath: string | (() => Promise<string>);
  /** Notes title; the recording's name by default. */
  title?: string;
  /** The model's name in the header; its folder's name (or the service's) by default. */
  modelName?: string;
  /** Label for every line; none by default (one unnamed source). */
  speaker?: string;
  /** How lines are formatted, as a meeting's; as recognized when absent. */
  lineFormat?: NotesLineFormat;
  signal?: AbortSignal;
  onProgress?: (progress: FileTranscriptionProgress) => void;
  /** Each final as it is recognized, with a promise for its line being on disk. */
  onFinal?: (u: TimedText, written: Promise<void>) => void;
  writer?: NotesWriterOptions;
}

export interface FileTranscriptionResult {
  /** False when cancelled before the worker began reading the recording: no notes file. */
  notesWritten: boolean;
  /** The notes file, once begun. */
  notesPath?: string;
  finals: number;
  cancelled: boolean;
  /** Seconds of audio transcribed, and in the recording. */
  seconds: number;
  totalSeconds: number;
  /** The engine stopped early; the notes hold what came before. */
  error?: { code: ErrorCode | string; message: string; hint: string };
}

/**
 * Rejects with a VoxnoteError, before any notes are begun, when the recording
 * cannot be read: no such file, ffmpeg needed but missing, or a start the worker
 * refused (a file ffmpeg cannot read either).
 */
export async function transcribeFile(o: FileTranscriptionOptions): Promise<FileTranscriptionResult> {
  const none: FileTranscriptionResult = { notesWritten: false, finals: 0, cancelled: true, seconds: 0, totalSeconds: 0 };
  if (o.signal?.aborted) return none;
  await checkRecording(o.audioPath);
  const result: FileTranscriptionResult = { notesWritten: false, finals: 0, cancelled: false, seconds: 0, totalSeconds: 0 };
  let writer: NotesWriter | undefined;
  /** Finals before the notes file exists (it is being created) wait here, in order. */
  const early: TimedText[] = [];
  let begun: Promise<void> = Promise.resolve();
  const append = (u: TimedText) => {
    const written = writer!.append(u).then(() => undefined);
    o.onFinal?.(u, written);
  };
  const session = o.speech.createSession({
    engine: o.engine,
    purpose: 'transcription',
    source: { kind: 'file', path: o.audioPath },
    // Word times give the pauses that end sentences inside a line.
    options: { partials: false, levels: false, ...(o.lineFormat ? { words: true } : {}) },
  });
  session.onStarted(() => {
    begun = beginNotes(o).then((w) => {
      writer = w;
      result.notesWritten = true;
      result.notesPath = w.path;
      early.splice(0).forEach(append);
    });
  });
  session.onFinal((e) => {
    const text = o.lineFormat ? formatNotesLine(e.text, e.words, o.lineFormat) : e.text;
    const u: TimedText = { start: e.start, end: e.end, text, ...(o.speaker ? { speaker: o.speaker } : {}) };
    result.finals++;
    result.seconds = Math.max(result.seconds, e.end);
    if (writer) append(u);
    else early.push(u);
  });
  session.onProgress((e) => {
    result.seconds = Math.max(result.seconds, e.seconds);
    result.totalSeconds = e.totalSeconds;
    if (e.totalSeconds > 0) o.onProgress?.({ stage: 'transcribing', percent: Math.min(100, (e.seconds / e.totalSeconds) * 100) });
  });
  // Cancelling stops the file where it is, within a second: what was decoded is kept, the rest is not decoded.
  const stop = () => void session.stop({ discard: true });
  o.signal?.addEventListener('abort', stop, { once: true });
  let end;
  try {
    end = await session.ended;
    await begun;
  } finally {
    o.signal?.removeEventListener('abort', stop);
  }
  if (!writer) {
    // A failed start began no notes: said as the error it is (unless the user had cancelled).
    if (end.error && !o.signal?.aborted) throw new VoxnoteError(end.error.code, end.error.message, end.error.hint);
    return { ...none, cancelled: !!o.signal?.aborted };
  }
  result.cancelled = end.reason === 'requested';
  if (end.error) result.error = { code: end.error.code, message: end.error.message, hint: end.error.hint };
  const ended = result.cancelled || result.error;
  if (!ended) result.seconds = Math.max(result.seconds, result.totalSeconds);
  const at = `${clockTime(result.seconds)} of ${clockTime(result.totalSeconds)}`;
  const note = result.error ? `Stopped at ${at} by an error: ${result.error.message}` : result.cancelled ? `Cancelled at ${at}.` : undefined;
  await writer.finish(result.seconds, note);
  writer.dispose();
  return result;
}

async function beginNotes(o: FileTranscriptionOptions): Promise<NotesWriter> {
  const notesPath = typeof o.notesPath === 'string' ? o.notesPath : await o.notesPath();
  return NotesWriter.create(
    notesPath,
    {
      title: o.title ?? path.basename(o.audioPath),
      startedAt: new Date(),
      sources: [path.basename(o.audioPath)],
      model: o.modelName ?? engineLabel(o.engine, 'model' in o.engine ? path.basename(o.engine.model) : undefined),
    },
    o.writer,
  );
}

/** The recording can be opened, and ffmpeg is there if the WAV inspector says it is needed: said at once, before the model loads. */
async function checkRecording(file: string): Promise<void> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    throw new VoxnoteError('file-not-found', `Cannot open the recording ${file}: ${(e as Error).message}`, 'Check the path and that you can read the file.');
  }
  try {
    if (isRawPath(file) || !(await fh.stat()).isFile()) return; // the worker reads raw PCM, and explains a folder
    const route = await inspectAudio(fh);
    if (route.route === 'ffmpeg' && !findFfmpeg()) {
      const missing = ffmpegMissing(file, route.found);
      throw new VoxnoteError('no-capture-tool', missing.message, missing.hint);
    }
  } finally {
    await fh.close();
  }
}
