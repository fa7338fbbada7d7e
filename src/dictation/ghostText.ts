/** The live partial shown at each cursor as ghost text, until the final replaces it. */
import * as vscode from 'vscode';

export class GhostText implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorGhostText.foreground'), fontStyle: 'italic' },
  });
  private editor?: vscode.TextEditor;

  show(editor: vscode.TextEditor, text: string): void {
    if (this.editor && this.editor !== editor) this.clear();
    this.editor = editor;
    editor.setDecorations(
      this.decoration,
      editor.selections.map((s) => ({
        range: new vscode.Range(s.active, s.active),
        renderOptions: { after: { contentText: ` ${text}` } },
      })),
    );
  }

  clear(): void {
    this.editor?.setDecorations(this.decoration, []);
    this.editor = undefined;
  }

  dispose(): void {
    this.decoration.dispose();
  }
}
