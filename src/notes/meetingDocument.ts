/**
 * The open notes document during a meeting (docs/notes.md "Editing during a
 * meeting"): the lines the writer puts on disk also go at the end of an unsaved
 * (dirty) copy, one edit at a time, and into a save of it; a save that raced an
 * append has the writer append the lost lines to the file again.
 */
import * as vscode from 'vscode';
import { NotesBufferSync } from './notesReconcile';

export interface NotesDocumentDeps {
  log: vscode.LogOutputChannel;
  /** The writer appends again what a save dropped from the file; resolves with how many lines. */
  restoreMissing(): Promise<number>;
  /** The user edited the open notes for the first time this meeting. */
  onFirstEdit(): void;
}

export class NotesDocumentMirror {
  private readonly sync = new NotesBufferSync();
  /** Edits of the notes document, one at a time, so none inserts what an earlier one did. */
  private edits: Promise<void> = Promise.resolve();
  private watching = false;
  private documentDirty = false;
  private edited = false;

  /** `uri`: the notes file's URI as a string (a remote workspace's notes too). */
  constructor(
    private readonly uri: string,
    private readonly deps: NotesDocumentDeps,
  ) {}

  /** Blocks now on disk (or, resuming, already there): appended to a dirty open copy that lacks them. */
  written(blocks: readonly string[]): void {
    this.sync.onWritten(blocks);
    if (this.watching) this.syncDocument();
  }

  /** Follows the notes document until disposed. */
  watch(): vscode.Disposable {
    this.watching = true;
    const subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== this.uri) return;
        const dirty = e.document.isDirty;
        // Also covers a keystroke that beat VS Code's reload of the file Voxnote appended to.
        if (dirty && !this.documentDirty) {
          this.syncDocument();
          if (!this.edited) {
            this.edited = true;
            this.deps.onFirstEdit();
          }
        }
        this.documentDirty = dirty;
      }),
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document.uri.toString() === this.uri) e.waitUntil(this.editsBeforeSave(e.document));
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        // A save racing an append can drop lines from the disk file: the writer appends them again.
        if (doc.uri.toString() === this.uri) void this.deps.restoreMissing().then((n) => n && this.deps.log.info(`Meeting notes: ${n} lines appended again after a save`));
      }),
    ];
    return vscode.Disposable.from(...subscriptions, { dispose: () => (this.watching = false) });
  }

  /** Resolves when the edits queued so far are done. */
  settled(): Promise<void> {
    return this.edits;
  }

  private document(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri);
  }

  /** Inserts at the end of an open, unsaved notes document the lines the disk has and it lacks. */
  private syncDocument(): void {
    this.edits = this.edits
      .then(async () => {
        const doc = this.document();
        const text = doc && this.sync.edit({ text: doc.getText(), isDirty: doc.isDirty });
        if (!doc || !text) return;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, doc.positionAt(doc.getText().length), text);
        if (!(await vscode.workspace.applyEdit(edit))) this.deps.log.warn('Meeting notes: VS Code refused to add the latest lines to the open notes document.');
      })
      .catch((e) => this.deps.log.error(`Meeting notes: updating the open notes document failed: ${(e as Error).message}`));
  }

  private async editsBeforeSave(doc: vscode.TextDocument): Promise<vscode.TextEdit[]> {
    await this.edits;
    const text = this.sync.edit({ text: doc.getText(), isDirty: doc.isDirty });
    return text ? [vscode.TextEdit.insert(doc.positionAt(doc.getText().length), text)] : [];
  }
}
