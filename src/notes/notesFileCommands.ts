/**
 * Transcribe Audio File… and Export Meeting Notes as Subtitles…: the dialogs and
 * picks, the progress notification and the messages around transcribeFile and
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
import { clockTime } from '../shared/time';
import { transcribeFile } from './fileTranscription';
import { notify } from '../notify/nextSteps';
import { exportableUtterances, exportSubtitles, SubtitleFormat } from './notesExport';
import { journalPathFor } from './notesJournal';
import { locationOf, meetingNotesLocation, type NotesLocation } from './notesFiles';
import { notesLineFormat } from './notesLineSettings';
import { createTranscriptionNotes } from './notesPath';

/** What ffmpeg commonly reads (the worker reads WAV itself). */
const AUDIO_EXTENSIONS = ['wav', 'mp3', 'm4a', 'aac', 'ogg', 'oga', 'opus', 'flac', 'webm', 'mp4', 'mkv', 'wma'];

export interface FileCommandDeps {
  speech: SpeechService;
  /** The engine to use; undefined once the first-run offer or the model's problem has been shown. */
  engine(): ChosenEngine | undefined;
  /** Transcriptions under way, so that deactivation can cancel them and wait. */
  running: Set<RunningTranscription>;
}

export interface RunningTranscription {
  abort: AbortController;
  /** Settles once the notes are finished (never rejects). */
  done: Promise<unknown>;
}

/** Cancels every transcription under way and resolves once their notes are finished. */
export async function cancelTranscriptions(running: Set<RunningTranscription>): Promise<void> {
  const all = [...running];
  all.forEach((r) => r.abort.abort());
  await Promise.all(all.map((r) => r.done));
}

const errorWithHint = (e: { message: string; hint: string }) => void notify('error', `Voxnote: ${e.message} ${e.hint}`);

export async function transcribeAudioFile(deps: FileCommandDeps, uri?: vscode.Uri): Promise<void> {
  const engine = deps.engine();
  if (!engine) return;
  const picked = uri ?? (await pickRecording());
  if (!picked) return;
  const settings = readMeetingSettings();
  if (settings.folderIgnored) void vscode.window.showWarningMessage(`Voxnote: ${settings.folderIgnored}`);
  const location = meetingNotesLocation(settings.folderSetting);
  const { storage } = location;
  // Created once the worker reads the recording: a file it cannot read leaves no empty notes behind.
  const notesPath = () => createTranscriptionNotes(location.folder, picked.path, new Date(), storage);
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
  notesPath: () => Promise<string>,
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
        let shown = 0;
        const run = transcribeFile({
          speech: deps.speech,
          engine: engine.engine,
          modelName: engine.name,
          audioPath: audio,
          notesPath,
          lineFormat: notesLineFormat(),
          signal: abort.signal,
          writer: { onError: errorWithHint, storage: location.storage },
          onProgress: ({ percent }) => {
            const whole = Math.floor(percent);
            progress.report({ message: `${whole}%`, increment: whole - shown });
            shown = whole;
          },
        });
        // Closing the window cancels it: the notes get their footer (deactivate waits for it).
        const entry = { abort, done: run.catch(() => undefined) };
        deps.running.add(entry);
        try {
          return await run;
        } finally {
          deps.running.delete(entry);
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
  await vscode.window.showTextDocument(location.uri(result.notesPath!), { preview: false });
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

async function firstNotesFile(candidates: Array<vscode.Uri | undefined>): Promise<vscode.Uri | undefined> {
  for (const uri of candidates) if (await isNotesFile(uri)) return uri;
  return undefined;
}

/**
 * The given notes, else the active editor's, else the meeting's under way, else one the user
 * picks from the notes folder. What it was given is checked before anything is asked.
 */
export async function exportNotesSubtitles(meetingNotes: vscode.Uri | undefined, uri?: vscode.Uri, format?: SubtitleFormat): Promise<void> {
  const notes = await notesToUse(meetingNotes, uri, 'Voxnote: Export Meeting Notes as Subtitles', 'Export');
  if (!notes) return;
  const where = locationOf(notes);
  if (!(await isNotesFile(notes))) {
    const again = { label: 'Choose Meeting Notes…', run: () => exportNotesSubtitles(meetingNotes, undefined, format) };
    void notify(
      'error',
      `Voxnote: ${path.basename(where.file)} is not notes Voxnote wrote, so it has no timings to make subtitles from. Export meeting notes or a transcription.`,
      again,
    );
    return;
  }
  let utterances;
  try {
    utterances = await exportableUtterances(where.file, where.storage);
  } catch (e) {
    if (e instanceof VoxnoteError) return errorWithHint(e);
    throw e;
  }
  const chosen = format === 'srt' || format === 'vtt' ? format : await pickSubtitleFormat();
  if (!chosen) return;
  let file: string;
  try {
    file = await exportSubtitles(where.file, chosen, where.storage, utterances);
  } catch (e) {
    void notify('error', `Voxnote: cannot write the subtitles beside ${path.basename(where.file)}: ${(e as Error).message}. Check that the folder can be written to, then export again.`);
    return;
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

/** Notes Voxnote wrote in the notes folder (those with a journal), newest first. */
async function notesIn(location: NotesLocation): Promise<Array<{ uri: vscode.Uri; modified: number }>> {
  const folder = location.uri(location.folder);
  const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(folder)).catch(() => [] as [string, vscode.FileType][]);
  const found = [];
  for (const [name, type] of entries) {
    if (type !== vscode.FileType.File || !name.toLowerCase().endsWith('.md')) continue;
    const uri = vscode.Uri.joinPath(folder, name);
    if (!(await isNotesFile(uri))) continue;
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (stat) found.push({ uri, modified: stat.mtime });
  }
  return found.sort((a, b) => b.modified - a.modified);
}

/** The given notes, else the active editor's, else the meeting's under way, else one the user picks. */
export async function notesToUse(meetingNotes: vscode.Uri | undefined, uri: vscode.Uri | undefined, title: string, openLabel: string): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  return uri ?? (await firstNotesFile([active, meetingNotes])) ?? (await pickNotes(title, openLabel));
}

async function pickNotes(title: string, openLabel: string): Promise<vscode.Uri | undefined> {
  const location = meetingNotesLocation(readMeetingSettings().folderSetting);
  const notes = await notesIn(location);
  const browse = { label: '$(folder-opened) Choose a File…', uri: undefined };
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = [
    ...notes.map(({ uri, modified }) => ({ label: path.basename(uri.path, '.md'), description: new Date(modified).toLocaleString(), uri })),
    browse,
  ];
  const pick = notes.length
    ? await vscode.window.showQuickPick(items, { title, placeHolder: `Meeting notes in ${location.folder}, newest first` })
    : browse;
  if (pick !== browse) return pick?.uri;
  const picked = await vscode.window.showOpenDialog({
    title,
    openLabel,
    canSelectMany: false,
    defaultUri: (await location.storage.folderState(location.folder)) === 'ok' ? location.uri(location.folder) : undefined,
    filters: { 'Meeting notes': ['md'] },
  });
  return picked?.[0];
}
