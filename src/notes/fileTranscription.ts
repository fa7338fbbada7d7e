/**
 * Transcribe Audio File: a recording through the worker's file source at full
 * speed into a notes file written like a meeting's (header, a line per final,
 * footer). Progress comes from the worker's `progress` events; an AbortSignal
 * cancels, and the notes then end with a footer saying where. Other formats
 * than WAV go through ffmpeg first. No VS Code API here.
 */
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { engineLabel } from '../speech/engineSpec';
import type { SpeechService } from '../speech/speechService';
import type { EngineSpec, ErrorCode } from '../shared/protocol';
import { clockTime, TimedText } from '../shared/transcriptFormat';
import { convertToWav, ffmpegMissing, findFfmpeg, isWav } from './audioConversion';
import { NotesWriter, NotesWriterOptions } from './notesWriter';

export interface FileTranscriptionProgress {
  stage: 'converting' | 'transcribing';
  /** 0..100 of the current stage. */
  percent: number;
}

export interface FileTranscriptionOptions {
  speech: SpeechService;
  engine: EngineSpec;
  audioPath: string;
  /** Where the notes go; the caller chose a path that does not exist (notesPath.ts). */
  notesPath: string;
  /** Notes title; the recording's name by default. */
  title?: string;
  /** The model's name in the header; its folder's name (or the service's) by default. */
  modelName?: string;
  /** Label for every line; none by default (one unnamed source). */
  speaker?: string;
  signal?: AbortSignal;
  onProgress?: (progress: FileTranscriptionProgress) => void;
  /** Each final as it is recognized, with a promise for its line being on disk. */
  onFinal?: (u: TimedText, written: Promise<void>) => void;
  writer?: NotesWriterOptions;
}

export interface FileTranscriptionResult {
  /** False when cancelled before the notes file was begun (during conversion). */
  notesWritten: boolean;
  finals: number;
  cancelled: boolean;
  /** Seconds of audio transcribed, and in the recording. */
  seconds: number;
  totalSeconds: number;
  /** The engine stopped early; the notes hold what came before. */
  error?: { code: ErrorCode | string; message: string; hint: string };
}

export async function transcribeFile(o: FileTranscriptionOptions): Promise<FileTranscriptionResult> {
  const none: FileTranscriptionResult = { notesWritten: false, finals: 0, cancelled: true, seconds: 0, totalSeconds: 0 };
  if (o.signal?.aborted) return none;
  let wav = o.audioPath;
  let tempDir: string | undefined;
  try {
    if (!(await isWav(o.audioPath))) {
      const ffmpeg = findFfmpeg();
      if (!ffmpeg) throw ffmpegMissing(o.audioPath);
      tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'voxnote-convert-'));
      wav = path.join(tempDir, 'audio.wav');
      o.onProgress?.({ stage: 'converting', percent: 0 });
      const converted = await convertToWav(ffmpeg, o.audioPath, wav, {
        signal: o.signal,
        onProgress: (f) => o.onProgress?.({ stage: 'converting', percent: f * 100 }),
      });
      if (!converted) return none;
    }
    return await transcribeWav(o, wav);
  } finally {
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
}

async function transcribeWav(o: FileTranscriptionOptions, wav: string): Promise<FileTranscriptionResult> {
  const writer = NotesWriter.create(
    o.notesPath,
    {
      title: o.title ?? path.basename(o.audioPath),
      startedAt: new Date(),
      sources: [path.basename(o.audioPath)],
      model: o.modelName ?? (o.engine.kind === 'assemblyai' ? engineLabel(o.engine) : path.basename(o.engine.model)),
    },
    o.writer,
  );
  const result: FileTranscriptionResult = { notesWritten: true, finals: 0, cancelled: false, seconds: 0, totalSeconds: 0 };
  const session = o.speech.createSession({
    engine: o.engine,
    purpose: 'transcription',
    source: { kind: 'file', path: wav },
    options: { partials: false, levels: false },
  });
  session.onFinal((e) => {
    const u: TimedText = { start: e.start, end: e.end, text: e.text, ...(o.speaker ? { speaker: o.speaker } : {}) };
    result.finals++;
    result.seconds = Math.max(result.seconds, e.end);
    const written = writer.append(u);
    o.onFinal?.(u, written);
  });
  session.onProgress((e) => {
    result.seconds = Math.max(result.seconds, e.seconds);
    result.totalSeconds = e.totalSeconds;
    if (e.totalSeconds > 0) o.onProgress?.({ stage: 'transcribing', percent: Math.min(100, (e.seconds / e.totalSeconds) * 100) });
  });
  // Cancelling stops the file where it is: the last final still comes out.
  const stop = () => void session.stop();
  o.signal?.addEventListener('abort', stop, { once: true });
  const end = await session.ended;
  o.signal?.removeEventListener('abort', stop);
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
