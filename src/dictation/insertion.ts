/**
 * Puts a final utterance into the editor it was spoken into: at every cursor
 * (one undo step). When the editor cannot take it, it says so, and the caller
 * keeps the text elsewhere. Other targets are in targets/.
 */
import * as vscode from 'vscode';
import type { FormatOptions } from '../shared/settings';
import type { Delivery } from './finalDelivery';
import { formatUtterance } from './formatter';
import { UtteranceHistory } from './utteranceHistory';

/** The editor an utterance was aimed at when it began. */
export interface EditorTarget {
  kind: 'editor';
  document: vscode.TextDocument;
}

/** Enough text before the cursor to decide spacing and capitals. */
const CONTEXT_CHARS = 200;

export class TextInserter {
  /** Where the utterances of this session went, for "scratch that" said once or more. */
  private readonly history = new UtteranceHistory<vscode.TextDocument>();

  constructor(private readonly options: () => FormatOptions) {}

  /** `visible`: the editor need not be the active one, and is shown if hidden (the transcript panel's Start aims at the editor active before it). */
  async insert(words: string, target: EditorTarget | undefined, visible = false, selections?: readonly vscode.Selection[]): Promise<Delivery> {
    const fallback = (reason: string): Delivery => ({ delivered: false, text: this.fallbackText(words), reason });
    if (!target) return fallback('no editor is open');
    if (target.document.isClosed) return fallback('the editor was closed');
    const active = vscode.window.activeTextEditor;
    let editor = active?.document === target.document || !visible ? active : vscode.window.visibleTextEditors.find((e) => e.document === target.document);
    // The panel covers it: shown beside, the focus left where it is.
    if (visible && !editor) {
      editor = await vscode.window.showTextDocument(target.document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
      if (selections?.length) editor.selections = [...selections];
    }
    if (!editor || editor.document !== target.document) return fallback('the active editor changed while you spoke');
    if (vscode.workspace.fs.isWritableFileSystem(editor.document.uri.scheme) === false) {
      return fallback('the editor is read-only');
    }
    return (await this.toEditor(editor, words)) ?? fallback('the editor did not accept the edit (read-only?)');
  }

  /** The words formatted for a fresh line: how a final no editor took is kept. */
  fallbackText(words: string): string {
    const formatted = formatUtterance(words, { before: '' }, this.options());
    return formatted.kind === 'text' ? formatted.text : formatted.rest;
  }

  /** A new dictation session: "scratch that" never reaches into an earlier one. */
  reset(): void {
    this.history.clear();
  }

  private async toEditor(editor: vscode.TextEditor, words: string): Promise<Delivery | undefined> {
    const doc = editor.document;
    const options = this.options();
    let spoken = words;
    // Each "scratch that" at the start removes one more earlier utterance.
    let first = formatUtterance(spoken, { before: this.before(doc, editor.selections[0].start) }, options);
    while (first.kind === 'scratch') {
      await this.scratch(doc);
      spoken = first.rest;
      if (!spoken) return { delivered: true, text: '' };
      first = formatUtterance(spoken, { before: this.before(doc, editor.selections[0].start) }, options);
    }
    // Each cursor gets text formatted against its own context.
    const texts = editor.selections.map((s) => {
      const f = formatUtterance(spoken, { before: this.before(doc, s.start) }, options);
      return f.kind === 'text' ? f.text : '';
    });
    const replacements = editor.selections.map((s, i) => ({ start: doc.offsetAt(s.start), end: doc.offsetAt(s.end), length: texts[i].length }));
    const versionBefore = doc.version;
    const ok = await editor.edit(
      (b) => editor.selections.forEach((s, i) => b.replace(s, texts[i])),
      { undoStopBefore: true, undoStopAfter: true },
    );
    if (!ok) return undefined;
    this.history.inserted(doc, versionBefore, doc.version, replacements);
    return { delivered: true, text: texts[0] };
  }

  /** Removes the newest utterance still in `doc`, if nothing but dictation has edited it since. */
  private async scratch(doc: vscode.TextDocument): Promise<void> {
    const spans = this.history.takeLast(doc, doc.version);
    if (!spans) return;
    const edit = new vscode.WorkspaceEdit();
    for (const s of spans) edit.delete(doc.uri, new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end)));
    if (await vscode.workspace.applyEdit(edit)) this.history.removed(spans, doc.version);
    else this.history.clear();
  }

  private before(doc: vscode.TextDocument, at: vscode.Position): string {
    const end = doc.offsetAt(at);
    return doc.getText(new vscode.Range(doc.positionAt(Math.max(0, end - CONTEXT_CHARS)), at));
  }
}
