/**
 * Diarization's speaker corrections into a meeting's notes, once the meeting
 * has stopped and the writer appends no more: each correction goes to the
 * journal (so export, and a document restored from the journal, agree), then
 * the lines and the footer's word counts are edited (relabelEdits in
 * speakerLabels.ts) in the file on disk, and in the notes document when it is
 * open with unsaved edits (VS Code reloads a clean one from the disk by
 * itself), as the reconciliation does for appended lines (docs/notes.md):
 * whichever copy a save keeps is corrected. A line the person relabelled or
 * deleted is left alone.
 */
import * as vscode from 'vscode';
import { recordSpeakerCorrections } from './notesJournal';
import type { NotesStorage } from './notesStorage';
import { relabelEdits, type CorrectedMeeting, type SpeakerCorrection, type TextEdit } from './speakerLabels';

/** Applies text edits to a document as one undo step and saves it; false when VS Code refused the edit. */
export async function applyNotesEdits(document: vscode.TextDocument, edits: readonly TextEdit[]): Promise<boolean> {
  if (!(await applyEdits(document, edits))) return false;
  await document.save();
  return true;
}

/** Applies text edits to a document as one undo step, unsaved; false when VS Code refused the edit. */
export function applyEdits(document: vscode.TextDocument, edits: readonly TextEdit[]): Thenable<boolean> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
  return vscode.workspace.applyEdit(edit);
}

const applyToText = (text: string, edits: readonly TextEdit[]): string => [...edits].reverse().reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);

/** The footer's edit is its whole Words line; a label cannot start with "-" and "*" (labelProblem). */
const lineEdits = (edits: readonly TextEdit[]): number => edits.filter((e) => !e.text.startsWith('- **Words:**')).length;

/** Returns how many lines of the file changed speaker. */
export async function correctSpeakers(notesPath: string, uri: vscode.Uri, corrections: readonly SpeakerCorrection[], storage: NotesStorage): Promise<number> {
  const after: CorrectedMeeting = await recordSpeakerCorrections(notesPath, corrections, storage);
  const text = await storage.readText(notesPath);
  const edits = relabelEdits(text, corrections, after);
  if (edits.length) await storage.writeText(notesPath, applyToText(text, edits));
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty) {
    const unsaved = relabelEdits(document.getText(), corrections, after);
    if (unsaved.length && !(await applyEdits(document, unsaved))) throw new Error(`VS Code did not apply the speaker corrections to the unsaved ${uri.fsPath}`);
  }
  return lineEdits(edits);
}
