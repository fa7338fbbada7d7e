/**
 * Where models live and which one is active. Resolution order:
 * 1. the voxnote.model.path setting;
 * 2. the selected model installed in the extension's global storage;
 * 3. none: the caller starts the first-run flow.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { checkModelFolder, ModelCheck } from '../shared/modelFolder';

const SELECTED_KEY = 'voxnote.selectedModel';

export interface ResolvedModel {
  path: string;
  /** For people: the folder name. */
  name: string;
  origin: 'setting' | 'installed';
  check: ModelCheck;
}

export class ModelStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** Installed models are folders under globalStorage/models. */
  get folder(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'models');
  }

  installed(): string[] {
    try {
      return fs
        .readdirSync(this.folder, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch {
      return [];
    }
  }

  resolve(): ResolvedModel | undefined {
    const setting = vscode.workspace.getConfiguration('voxnote').get<string>('model.path', '').trim();
    if (setting) return this.describe(setting, 'setting');
    const selected = this.context.globalState.get<string>(SELECTED_KEY);
    const installed = this.installed();
    const name = selected && installed.includes(selected) ? selected : installed[0];
    return name ? this.describe(path.join(this.folder, name), 'installed') : undefined;
  }

  async select(name: string): Promise<void> {
    await this.context.globalState.update(SELECTED_KEY, name);
    this.changed.fire();
  }

  /** Call after the setting changes or a model is installed or removed. */
  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private describe(modelPath: string, origin: ResolvedModel['origin']): ResolvedModel {
    return { path: modelPath, name: path.basename(modelPath), origin, check: checkModelFolder(modelPath) };
  }
}
