/**
 * Transcribe Audio File… and Export Meeting Notes as Subtitles…: the dialogs,
 * the progress notification and the messages around transcribeFile and
 * exportSubtitles, which do the work.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import type { ChosenEngine } from '../speech/vscode/engineChoice';
import type { SpeechService } from '../speech/speechService';
import { pickSubtitleFormat } from '../ui/meetingPickers';
import { clockTime } from '../shared/transcriptFormat';
import { FileTranscriptionError } from './audioConversion';
import { transcribeFile } from './fileTranscription';
import { exportSubtitles, SubtitleFormat } from './notesExport';
import { journalPathFor, JournalError } from './notesJournal';
import { uniqueNotesPath } from './notesPath';

/** What ffmpeg commonly reads; WAV needs no ffmpeg. */
const AUDIO_EXTENSIONS = ['wav', 'mp3', 'm4a', 'aac', 'ogg', 'oga', 'opus', 'flac', 'webm', 'mp4', 'mkv', 'wma'];

export interface FileCommandDeps {
  speech: SpeechService;
  /** The engine to use; undefined once the first-run offer or the model's problem has been shown. */
  engine(): ChosenEngine | undefined;
}

const errorWithHint = (e: { message: string; hint: string }) => void vscode.window.showErrorMessage(`Voxnote: ${e.message} ${e.hint}`);

export async function transcribeAudioFile(deps: FileCommandDeps, uri?: vscode.Uri): Promise<void> {
  const engine = deps.engine();
  if (!engine) return;
  const audio = uri?.fsPath ?? (await pickRecording());
  if (!audio) return;
  const settings = readMeetingSettings();
  const notesPath = uniqueNotesPath(settings.folder, settings.fileNameTemplate, new Date());
  const name = path.basename(audio);
  let result;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Voxnote: transcribing ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        // The bar follows transcription; conversion (non-WAV) shows as a message.
        let shown = 0;
        try {
          return await transcribeFile({
            speech: deps.speech,
            engine: engine.engine,
            modelName: engine.name,
            audioPath: audio,
            notesPath,
            signal: abort.signal,
            writer: { onError: errorWithHint },
            onProgress: ({ stage, percent }) => {
              const whole = Math.floor(percent);
              if (stage === 'converting') return progress.report({ message: `converting with ffmpeg… ${whole}%` });
              progress.report({ message: `${whole}%`, increment: whole - shown });
              shown = whole;
            },
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (e) {
    if (e instanceof FileTranscriptionError) return errorWithHint(e);
    throw e;
  }
  if (!result.notesWritten) {
    void vscode.window.showInformationMessage(`Voxnote: transcribing ${name} was cancelled before it began; no notes were written.`);
    return;
  }
  if (result.error) errorWithHint(result.error);
  else if (result.cancelled) {
    void vscode.window.showInformationMessage(`Voxnote: cancelled at ${clockTime(result.seconds)}; the notes hold what came before.`);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(notesPath), { preview: false });
}

async function pickRecording(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Voxnote: Transcribe Audio File',
    openLabel: 'Transcribe',
    canSelectMany: false,
    filters: { Recordings: AUDIO_EXTENSIONS, 'All files': ['*'] },
  });
  return picked?.[0]?.fsPath;
}

/** A notes file Voxnote wrote: it has a journal beside it. */
const isNotesFile = (file: string | undefined): file is string => !!file && fs.existsSync(journalPathFor(file));

/** The given notes, else the active editor's, else the meeting's under way, else one the user chooses. */
export async function exportNotesSubtitles(meetingNotes: string | undefined, uri?: vscode.Uri, format?: SubtitleFormat): Promise<void> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const notes =
    uri?.fsPath ??
    [active?.scheme === 'file' ? active.fsPath : undefined, meetingNotes].find(isNotesFile) ??
    (await pickNotes());
  if (!notes) return;
  const chosen = format === 'srt' || format === 'vtt' ? format : await pickSubtitleFormat();
  if (!chosen) return;
  let file: string;
  try {
    file = await exportSubtitles(notes, chosen);
  } catch (e) {
    if (e instanceof JournalError) return errorWithHint(e);
    throw e;
  }
  void vscode.window.showInformationMessage(`Voxnote: subtitles written to ${path.basename(file)}.`, 'Open').then((open) => {
    if (open) void vscode.window.showTextDocument(vscode.Uri.file(file));
  });
}

async function pickNotes(): Promise<string | undefined> {
  const folder = readMeetingSettings().folder;
  const picked = await vscode.window.showOpenDialog({
    title: 'Voxnote: Export Meeting Notes as Subtitles',
    openLabel: 'Export',
    canSelectMany: false,
    defaultUri: fs.existsSync(folder) ? vscode.Uri.file(folder) : undefined,
    filters: { 'Meeting notes': ['md'] },
  });
  return picked?.[0]?.fsPath;
}
