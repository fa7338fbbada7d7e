/**
 * Transcribe Audio File… and Export Meeting Notes as Subtitles…: the dialogs,
 * the progress notification and the messages around transcribeFile and
 * exportSubtitles, which do the work.
 */
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import { VoxnoteError } from '../shared/errors';
import type { ChosenEngine } from '../speech/vscode/engineChoice';
import type { SpeechService } from '../speech/speechService';
import { clockTime } from '../shared/transcriptFormat';
import { transcribeFile } from './fileTranscription';
import { exportSubtitles, SubtitleFormat } from './notesExport';
import { journalPathFor } from './notesJournal';
import { locationOf, meetingNotesLocation, type NotesLocation } from './notesFiles';
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
  const picked = uri ?? (await pickRecording());
  if (!picked) return;
  const settings = readMeetingSettings();
  if (settings.folderIgnored) void vscode.window.showWarningMessage(`Voxnote: ${settings.folderIgnored}`);
  const location = meetingNotesLocation(settings.folderSetting);
  const { storage } = location;
  const notesPath = await uniqueNotesPath(location.folder, settings.fileNameTemplate, new Date(), storage);
  const name = path.basename(picked.path);
  // The worker reads files on this machine: a recording in a remote workspace is copied here first.
  const local = picked.scheme === 'file' ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'voxnote-remote-'));
  const audio = local ? path.join(local, name) : picked.fsPath;
  try {
    if (local) await fs.writeFile(audio, await vscode.workspace.fs.readFile(picked));
    await transcribeInto(deps, engine, audio, notesPath, location);
  } finally {
    if (local) await fs.rm(local, { recursive: true, force: true });
  }
}

async function transcribeInto(
  deps: FileCommandDeps,
  engine: ChosenEngine,
  audio: string,
  notesPath: string,
  location: NotesLocation,
): Promise<void> {
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
            writer: { onError: errorWithHint, storage: location.storage },
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
    if (e instanceof VoxnoteError) return errorWithHint(e);
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
  await vscode.window.showTextDocument(location.uri(notesPath), { preview: false });
}

async function pickRecording(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Voxnote: Transcribe Audio File',
    openLabel: 'Transcribe',
    canSelectMany: false,
    filters: { Recordings: AUDIO_EXTENSIONS, 'All files': ['*'] },
  });
  return picked?.[0];
}

/** A notes file Voxnote wrote: it has a journal beside it. */
const isNotesFile = async (uri: vscode.Uri | undefined): Promise<boolean> => {
  if (!uri) return false;
  const { storage, file } = locationOf(uri);
  return storage.exists(journalPathFor(file));
};

/** The given notes, else the active editor's, else the meeting's under way, else one the user chooses. */
export async function exportNotesSubtitles(meetingNotes: vscode.Uri | undefined, uri?: vscode.Uri, format?: SubtitleFormat): Promise<void> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const notes =
    uri ??
    ((await isNotesFile(active)) ? active : undefined) ??
    ((await isNotesFile(meetingNotes)) ? meetingNotes : undefined) ??
    (await pickNotes());
  if (!notes) return;
  const chosen = format === 'srt' || format === 'vtt' ? format : await pickSubtitleFormat();
  if (!chosen) return;
  const where = locationOf(notes);
  let file: string;
  try {
    file = await exportSubtitles(where.file, chosen, where.storage);
  } catch (e) {
    if (e instanceof VoxnoteError) return errorWithHint(e);
    throw e;
  }
  void vscode.window.showInformationMessage(`Voxnote: subtitles written to ${path.basename(file)}.`, 'Open').then((open) => {
    if (open) void vscode.window.showTextDocument(where.uri(file));
  });
}

async function pickSubtitleFormat(): Promise<SubtitleFormat | undefined> {
  const items: Array<vscode.QuickPickItem & { format: SubtitleFormat }> = [
    { label: 'SRT', description: '.srt, for most video players and editors', format: 'srt' },
    { label: 'WebVTT', description: '.vtt, for the web, with speakers as voices', format: 'vtt' },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'Voxnote: Export Meeting Notes as Subtitles' }))?.format;
}

async function pickNotes(): Promise<vscode.Uri | undefined> {
  const location = meetingNotesLocation(readMeetingSettings().folderSetting);
  const picked = await vscode.window.showOpenDialog({
    title: 'Voxnote: Export Meeting Notes as Subtitles',
    openLabel: 'Export',
    canSelectMany: false,
    defaultUri: (await location.storage.folderState(location.folder)) === 'ok' ? location.uri(location.folder) : undefined,
    filters: { 'Meeting notes': ['md'] },
  });
  return picked?.[0];
}
