/**
 * Inputs Voxnote reaches through VS Code's commands, since an extension has no
 * handle on them:
 * - a focused code-editor widget (the commit box, the chat input, inline chat,
 *   a comment box): VS Code's `type` command with `{ text }` types at its
 *   cursors (it goes to the focused code editor, simple widgets included);
 * - another extension's webview: the clipboard plus Paste (VS Code forwards
 *   Paste to the focused webview), with the person's clipboard put back.
 * The text typed so far in the session is the formatting context: the widget's
 * own text cannot be read.
 */
import * as vscode from 'vscode';

/** The webview reads the clipboard after the paste reaches its frame: the person's clipboard comes back after this. */
export const PASTE_SETTLE_MS = 250;
const CONTEXT_CHARS = 200;

export class TypedText {
  private text = '';
  get before(): string {
    return this.text;
  }
  /** What the input held before this session (the commit box's text). */
  seed(text: string): void {
    this.text = text.slice(-CONTEXT_CHARS);
  }
  add(text: string): void {
    this.text = (this.text + text).slice(-CONTEXT_CHARS);
  }
  reset(): void {
    this.text = '';
  }
}

/**
 * The commit box's text, from the git extension's API (its input box has no
 * cursor: dictation is taken to continue at the end). Empty when there is not
 * exactly one repository.
 */
export function commitBoxText(): string {
  type GitApi = { repositories: Array<{ inputBox: { value: string } }> };
  const git = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
  try {
    const repositories = git?.isActive ? git.exports.getAPI(1).repositories : [];
    return repositories.length === 1 ? repositories[0].inputBox.value : '';
  } catch {
    return '';
  }
}

export async function typeIntoFocusedWidget(text: string): Promise<void> {
  await vscode.commands.executeCommand('type', { text });
}

/** Submits the chat input that has the focus (its Enter). */
export async function submitChat(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.chat.submit');
}

export async function pasteIntoWebview(text: string): Promise<void> {
  const clipboard = vscode.env.clipboard;
  const saved = await clipboard.readText();
  await clipboard.writeText(text);
  try {
    await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
    await new Promise((r) => setTimeout(r, PASTE_SETTLE_MS));
  } finally {
    await clipboard.writeText(saved);
  }
}
