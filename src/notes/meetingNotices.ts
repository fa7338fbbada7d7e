/**
 * What a meeting tells the user: notes complete, writing failed and works again,
 * a source restarting, the first edit of the open notes, and the offer to resume
 * interrupted notes. The words live here; MeetingController decides when.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { VoxnoteError } from '../shared/errors';
import { notify } from '../notify/nextSteps';

/** The meeting stopped and its notes are on disk; offers the subtitle export. */
export function notesComplete(notesPath: string, uri: vscode.Uri): void {
  const name = path.basename(notesPath);
  void vscode.window.showInformationMessage(`Voxnote: the meeting notes are complete in ${name}.`, 'Export as Subtitles…').then((pick) => {
    if (pick) void vscode.commands.executeCommand('voxnote.exportSubtitles', uri);
  });
}

/**
 * The meeting ended, but the notes folder refused the last lines or the footer
 * within Stop's bound: where the lines are now, and what to do.
 */
export function notesIncomplete(notesPath: string, outcome: { kept: number; error?: VoxnoteError }): void {
  const name = path.basename(notesPath);
  const why = outcome.error ? ` (${outcome.error.code})` : '';
  const lines = !outcome.kept
    ? 'Every line is in it; only its footer is missing.'
    : `${outcome.kept === 1 ? 'The 1 line it did not take is' : `The ${outcome.kept} lines it did not take are`} kept in the transcript panel and saved with this workspace: ` +
      `they come back in the panel after a reload. Copy them into ${name} once it can be written again.`;
  void notify(
    'error',
    `Voxnote: the meeting has ended, but the notes folder refused to finish ${name}${why}. ${lines} For the next meeting, setting voxnote.notes.folder chooses another folder.`,
    { label: 'Show Transcript', run: () => vscode.commands.executeCommand('voxnote.showTranscript') },
  );
}

export function writeFailed(log: vscode.LogOutputChannel, e: VoxnoteError): void {
  log.error(`[notes ${e.code}] ${e.message} ${e.hint}`);
  void notify('error', `Voxnote: ${e.message} ${e.hint}`, { label: 'Show Transcript', run: () => vscode.commands.executeCommand('voxnote.showTranscript') });
}

export function writingRecovered(): void {
  void vscode.window.showInformationMessage('Voxnote: the meeting notes are written again; nothing was lost.');
}

/** A source's worker failed and is being restarted (shown once per meeting). */
export function sourceRestarting(message: string, notesPath: string): void {
  void vscode.window.showWarningMessage(`Voxnote: ${message} Voxnote is restarting it; the notes so far are safe in ${path.basename(notesPath)}.`);
}

/** The user started editing the open notes (shown once per meeting). */
export function editingNotes(): void {
  void vscode.window.showInformationMessage(
    'Voxnote: edit the notes freely during the meeting. Each new line goes to the file and to the end of your unsaved copy, ' +
      'so if VS Code says the file on disk is newer when you save, choose Overwrite: nothing is lost.',
  );
}

export async function askToResume(notesPath: string): Promise<'Resume' | 'Finish It' | undefined> {
  const name = path.basename(notesPath);
  return vscode.window.showInformationMessage(
    `Voxnote: meeting notes were being taken into ${name} when VS Code closed. Resume meeting notes into ${name}?`,
    'Resume',
    'Finish It',
  );
}

export function cannotContinue(notesPath: string, e: unknown): void {
  const hint = (e as { hint?: string }).hint ?? 'Start new meeting notes with "Voxnote: Start Meeting Notes".';
  void notify('error', `Voxnote: cannot continue the meeting notes ${path.basename(notesPath)}: ${(e as Error).message} ${hint}`);
}
