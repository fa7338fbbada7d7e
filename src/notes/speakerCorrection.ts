/**
 * Diarization's speaker corrections into a meeting's notes, once the meeting
 * has stopped and the writer appends no more: each correction goes to the
 * journal (so export, and a document restored from the journal, agree), then
 * the lines and the footer's word counts are edited in the notes document,
 * open or not, and saved, as Rename Speaker edits them (relabelEdits in
 * speakerLabels.ts). A line the person relabelled or deleted is left alone.
 */
import * as vscode from 'vscode';
import { recordSpeakerCorrections } from './notesJournal';
import type { NotesStorage } from './notesStorage';
import { relabelEdits, type SpeakerCorrection, type TextEdit } from './speakerLabels';

/** Applies text edits to a document as one undo step and saves it; false when VS Code refused the edit. */
export async function applyNotesEdits(document: vscode.TextDocument, edits: readonly TextEdit[]): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  await document.save();
  return true;
}

/** Returns how many lines changed speaker. */
export async function correctSpeakers(notesPath: string, uri: vscode.Uri, corrections: readonly SpeakerCorrection[], storage: NotesStorage): Promise<number> {
  const journal = await recordSpeakerCorrections(notesPath, corrections, storage);
  const document = await vscode.workspace.openTextDocument(uri);
  const edits = relabelEdits(document.getText(), corrections, journal);
  // The footer's edit is its whole Words line; a label cannot start with "-" and "*" (labelProblem).
  const lines = edits.filter((e) => !e.text.startsWith('- **Words:**')).length;
  if (edits.length && !(await applyNotesEdits(document, edits))) throw new Error(`VS Code did not apply the speaker corrections to ${uri.fsPath}`);
  return lines;
}
