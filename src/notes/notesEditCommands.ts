/**
 * Commands over a notes file's text: Rename Speaker (every place the label
 * names that speaker, one undo step), and an action item into the code, as a
 * TODO comment at the cursor or an issue draft on the clipboard, both linking
 * back to the item's line in the notes. The text work is speakerLabels.ts and
 * actionItems.ts.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { notify } from '../notify/nextSteps';
import { actionItemsIn, issueDraft, lineLink, meetingDate, todoComment, type ActionItem } from './actionItems';
import { notesToUse } from './notesFileCommands';
import { locationOf } from './notesFiles';
import { journalPathFor, recordSpeakerRename } from './notesJournal';
import { applyNotesEdits } from './speakerCorrection';
import { labelProblem, renameSpeakerEdits, speakerLabels } from './speakerLabels';

/** The meeting's notes, for when no notes editor is active. */
export type MeetingNotes = () => vscode.Uri | undefined;

/** Renames a speaker in the journal of the meeting under way (through its writer); false when it could not. */
export type RenameUnderWay = (from: string, to: string) => Promise<boolean>;

export async function renameSpeaker(meetingNotes: MeetingNotes, renameUnderWay: RenameUnderWay, uri?: vscode.Uri): Promise<void> {
  const notes = await notesToUse(meetingNotes(), uri, 'Voxnote: Rename Speaker', 'Rename');
  if (!notes) return;
  const document = await vscode.workspace.openTextDocument(notes);
  const labels = speakerLabels(document.getText());
  if (!labels.length) return void notify('error', `Voxnote: ${path.basename(notes.path)} has no labelled lines to rename a speaker in.`);
  const from = labels.length === 1 ? labels[0] : await vscode.window.showQuickPick(labels, { title: 'Voxnote: Rename Speaker', placeHolder: 'The speaker to rename' });
  if (!from) return;
  const to = await vscode.window.showInputBox({
    title: `Voxnote: Rename ${from}`,
    value: from,
    prompt: 'The new name, everywhere in these notes',
    validateInput: (v) => (v.trim() === from ? undefined : labelProblem(v, labels)),
  });
  if (to === undefined || to.trim() === from) return;
  const edits = renameSpeakerEdits(document.getText(), from, to.trim());
  if (!(await applyNotesEdits(document, edits))) return void notify('error', `Voxnote: could not rename ${from} in ${path.basename(notes.path)}.`);
  const underWay = notes.toString() === meetingNotes()?.toString();
  const exported = await renameInJournal(notes, from, to.trim(), underWay ? renameUnderWay : undefined);
  void vscode.window.showInformationMessage(`Voxnote: ${from} is now ${to.trim()} in ${path.basename(notes.path)} (${edits.length} place${edits.length === 1 ? '' : 's'}).${exported}`);
}

/**
 * The rename into the meeting's journal too, so Export Meeting Notes as Subtitles uses the new name: for
 * the meeting under way through its writer (the journal's one writer), else here.
 * Returns what the person should know beyond the rename, or ''.
 */
async function renameInJournal(notes: vscode.Uri, from: string, to: string, underWay?: RenameUnderWay): Promise<string> {
  const { storage, file } = locationOf(notes);
  if (!(await storage.exists(journalPathFor(file)))) return '';
  if (underWay) return (await underWay(from, to)) ? '' : ` Subtitles exported from these notes may still say ${from}: the meeting's journal could not be updated (see the Voxnote log).`;
  try {
    await recordSpeakerRename(file, from, to, storage);
    return '';
  } catch (e) {
    return ` Subtitles exported from these notes still say ${from}: the journal beside them could not be updated (${(e as Error).message}).`;
  }
}

interface Picked {
  item: ActionItem;
  notes: vscode.TextDocument;
  /** Workspace-relative where possible, so the link works for everyone with the repository. */
  link: string;
}

/** An open action item of the notes (the meeting's or the chosen notes). */
async function pickActionItem(meetingNotes: MeetingNotes, title: string, uri?: vscode.Uri): Promise<Picked | undefined> {
  // The code editor is active, not the notes: the notes come from the meeting or a pick.
  const notesUri = uri ?? (await notesToUse(meetingNotes(), undefined, title, 'Choose'));
  if (!notesUri) return undefined;
  const notes = await vscode.workspace.openTextDocument(notesUri);
  const items = actionItemsIn(notes.getText()).filter((i) => !i.done);
  if (!items.length) {
    void notify('info', `Voxnote: ${path.basename(notesUri.path)} has no open action items. Run Voxnote: Summarize Meeting to find them.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({ label: item.task, description: [item.owner, item.due].filter(Boolean).join(', '), item })),
    { title, placeHolder: 'Action item' },
  );
  if (!picked) return undefined;
  const link = lineLink(vscode.workspace.asRelativePath(notesUri, false), picked.item.line);
  return { item: picked.item, notes, link };
}

export async function actionItemToTodo(meetingNotes: MeetingNotes, uri?: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void notify('error', 'Voxnote: open the code file where the TODO goes and put the cursor there, then run this again.');
  const picked = await pickActionItem(meetingNotes, 'Voxnote: Insert Action Item as TODO', uri);
  if (!picked) return;
  const position = editor.selection.active;
  const indent = /^\s*/.exec(editor.document.lineAt(position.line).text)![0];
  const comment = todoComment(picked.item, editor.document.languageId, picked.link);
  // On a line of its own, indented like the cursor's line.
  await editor.edit((b) => b.insert(position.with(undefined, 0), `${indent}${comment}\n`));
}

export async function actionItemToIssue(meetingNotes: MeetingNotes, uri?: vscode.Uri): Promise<void> {
  const picked = await pickActionItem(meetingNotes, 'Voxnote: Copy Action Item as Issue Draft', uri);
  if (!picked) return;
  const text = picked.notes.getText();
  const title = /^# (.+)$/m.exec(text)?.[1] ?? path.basename(picked.notes.uri.path, '.md');
  await vscode.env.clipboard.writeText(issueDraft(picked.item, { title, date: meetingDate(text), link: picked.link }));
  void vscode.window.showInformationMessage(`Voxnote: issue draft for "${picked.item.task}" copied; paste it into a new issue.`);
}
