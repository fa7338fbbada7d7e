/**
 * No model yet: the offer of one, and the flow it interrupted. However a usable model then
 * arrives (the offer's download or folder, Install Model from Folder or Zip…, Select Model,
 * the walkthrough, the setting), the dictation, meeting or transcription that asked goes on.
 */
import * as vscode from 'vscode';
import { FIRST_RUN } from '../models/catalog';
import type { ModelStore } from '../models/modelStore';
import { chooseModelFolder } from './pickers';

export const CHOOSE_FOLDER = 'Choose a Model Folder…';

const commandLink = (id: string, ...args: unknown[]) => `command:${id}${args.length ? `?${encodeURIComponent(JSON.stringify(args))}` : ''}`;

export class FirstRun implements vscode.Disposable {
  /** What to run once a usable model is there; the latest request wins. */
  private resume?: () => unknown;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly models: ModelStore,
    /** A model recommended for this machine besides FIRST_RUN (Test Model Speed's recommendation), if any. */
    private readonly recommended: () => Promise<{ model: string; label: string } | undefined> = async () => undefined,
  ) {
    this.subscription = models.onDidChange(() => this.modelChanged());
  }

  /** Offers a model so as to start `purpose` ("dictating"); `resume` runs once one is usable. */
  async offer(purpose: string, resume: () => unknown): Promise<void> {
    this.resume = resume;
    const recommended = await this.recommended();
    const downloads = [...(recommended ? [recommended] : []), FIRST_RUN];
    const pick = await vscode.window.showInformationMessage(
      `Voxnote needs a speech model to start ${purpose}. Models run fully offline. ` +
        `Have a Vosk model as a zip? [Install it](${commandLink('voxnote.installModel', 'zip')}). ` +
        `Other languages and sizes: [Download Model…](${commandLink('voxnote.downloadModel')})`,
      ...downloads.map((d) => d.label),
      CHOOSE_FOLDER,
    );
    const download = downloads.find((d) => d.label === pick);
    if (download) await vscode.commands.executeCommand('voxnote.downloadModel', download.model);
    else if (pick === CHOOSE_FOLDER) await chooseModelFolder(this.models);
    // Closed without a choice: what asked for the model is not wanted any more.
    else if (this.resume === resume) this.resume = undefined;
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private modelChanged(): void {
    const resume = this.resume;
    if (!resume || !this.models.resolve()?.check.ok) return;
    this.resume = undefined;
    void resume();
  }
}
