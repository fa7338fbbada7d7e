/**
 * The AssemblyAI API key: kept in VS Code's SecretStorage only (never in
 * settings, logs or messages), set and cleared by two commands. The key
 * reaches the worker only inside a `start` command, over its stdin.
 */
import * as vscode from 'vscode';

const SECRET = 'voxnote.assemblyai.apiKey';
export const SET_KEY_COMMAND = 'voxnote.setAssemblyAIKey';
export const CLEAR_KEY_COMMAND = 'voxnote.clearAssemblyAIKey';
export const SET_KEY = 'Set API Key';

export class AssemblyAIKey {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(SECRET))?.trim() || undefined;
  }

  /** Asks for the key and stores it; false when the person cancelled. */
  async prompt(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: 'Voxnote: Set AssemblyAI API Key',
      prompt: 'Your AssemblyAI API key (assemblyai.com dashboard). It is kept in VS Code\'s secret storage and sent only to AssemblyAI.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) || !v.trim() ? 'Paste the key as one word, without spaces.' : undefined),
    });
    if (!key?.trim()) return false;
    await this.secrets.store(SECRET, key.trim());
    void vscode.window.showInformationMessage('Voxnote: the AssemblyAI API key is saved in VS Code\'s secret storage.');
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
    void vscode.window.showInformationMessage('Voxnote: the AssemblyAI API key is removed.');
  }

  commands(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(SET_KEY_COMMAND, () => this.prompt()),
      vscode.commands.registerCommand(CLEAR_KEY_COMMAND, () => this.clear()),
    ];
  }
}
