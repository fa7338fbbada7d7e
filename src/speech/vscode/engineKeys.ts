/**
 * Engines' API keys: kept in VS Code's SecretStorage only (never in settings,
 * logs or messages), set and cleared by the commands each engine's descriptor
 * names (shared/engines.ts). A key reaches the worker only inside a `start`
 * command, over its stdin.
 */
import * as vscode from 'vscode';
import { CREDENTIALS, type CredentialDescriptor } from '../../shared/engines';

export class EngineKey {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    readonly credential: CredentialDescriptor,
  ) {}

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(this.credential.secret))?.trim() || undefined;
  }

  /** Asks for the key and stores it; false when the person cancelled. */
  async prompt(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: `Voxnote: ${this.credential.setCommand.title}`,
      prompt: this.credential.prompt,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) || !v.trim() ? 'Paste the key as one word, without spaces.' : undefined),
    });
    if (!key?.trim()) return false;
    await this.secrets.store(this.credential.secret, key.trim());
    void vscode.window.showInformationMessage(`Voxnote: the key is saved in VS Code's secret storage (${this.credential.setCommand.title}).`);
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(this.credential.secret);
    void vscode.window.showInformationMessage(`Voxnote: the key is removed (${this.credential.clearCommand.title}).`);
  }

  commands(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(this.credential.setCommand.id, () => this.prompt()),
      vscode.commands.registerCommand(this.credential.clearCommand.id, () => this.clear()),
    ];
  }
}

/** Every engine's key, by engine kind. */
export type EngineKeys = ReadonlyMap<string, EngineKey>;
export const engineKeys = (secrets: vscode.SecretStorage): EngineKeys => new Map(CREDENTIALS.map((c) => [c.kind, new EngineKey(secrets, c)]));
