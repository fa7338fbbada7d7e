/**
 * Which engine a purpose runs on, from the settings: the local model (the
 * engine follows from the model folder) unless the person chose AssemblyAI
 * for it (voxnote.engine.dictation / voxnote.engine.meetingNotes). What is
 * missing (a model, an API key) is offered, then the command runs again.
 */
import * as vscode from 'vscode';
import { assemblyaiStreamingUrl, EnginePurpose, engineSetting, maxSegmentSeconds, updateSetting } from '../../config';
import type { ModelStore } from '../../models/modelStore';
import type { EngineSpec } from '../../shared/protocol';
import { AssemblyAIKey, SET_KEY } from './assemblyaiKey';
import { engineForModel } from '../engineSpec';

export interface ChosenEngine {
  engine: EngineSpec;
  /** For people: the model's folder name, or "AssemblyAI". */
  name: string;
  /** Audio leaves the machine. */
  cloud: boolean;
}

/** What the person was doing, for messages, and the command to run again once the engine is there. */
export interface EngineOffer {
  purpose: string;
  command: string;
  /** The command's arguments, so that it runs again as it was first run. */
  args?: unknown[];
}

export interface EngineChoiceDeps {
  models: ModelStore;
  key: AssemblyAIKey;
  /** No model at all: offer one, then run the command. */
  firstRun(offer: EngineOffer): void;
  reportError(error: { code: string; message: string; hint: string }): void;
}

const USE_LOCAL = 'Use Local Model';

export class EngineChoice {
  constructor(private readonly deps: EngineChoiceDeps) {}

  /** The local model's engine; undefined once a model was offered or its problem reported. */
  local(offer: EngineOffer): ChosenEngine | undefined {
    const model = this.deps.models.resolve();
    if (!model) return void this.deps.firstRun(offer);
    if (!model.check.ok) return void this.deps.reportError({ code: 'bad-model', message: model.check.message, hint: model.check.hint });
    return { engine: engineForModel(model.path, model.check, { maxSegmentSeconds: maxSegmentSeconds() }), name: model.name, cloud: false };
  }

  /** The local model's engine when `purpose` uses it, without offering anything (a warm worker). */
  preloadable(purpose: EnginePurpose): EngineSpec | undefined {
    if (engineSetting(purpose) !== 'local') return undefined;
    const model = this.deps.models.resolve();
    return model?.check.ok ? engineForModel(model.path, model.check, { maxSegmentSeconds: maxSegmentSeconds() }) : undefined;
  }

  /** The engine `purpose` is set to; undefined once what is missing was offered. */
  async choose(purpose: EnginePurpose, offer: EngineOffer): Promise<ChosenEngine | undefined> {
    if (engineSetting(purpose) === 'local') return this.local(offer);
    const url = assemblyaiStreamingUrl();
    if (url && !/^wss:\/\/[^\s/]+/i.test(url)) {
      this.deps.reportError({
        code: 'bad-setting',
        message: `voxnote.assemblyai.streamingUrl must be a full wss:// URL, not "${url}".`,
        hint: 'Correct it in Settings, or clear it to use AssemblyAI\'s own endpoint.',
      });
      return undefined;
    }
    const credential = await this.deps.key.get();
    if (!credential) {
      void vscode.window
        .showWarningMessage(`Voxnote: ${offer.purpose} is set to use AssemblyAI (cloud), which needs your AssemblyAI API key.`, SET_KEY, USE_LOCAL)
        .then(async (pick) => {
          if (pick === SET_KEY && (await this.deps.key.prompt())) await vscode.commands.executeCommand(offer.command, ...(offer.args ?? []));
          if (pick === USE_LOCAL) {
            await updateSetting(`engine.${purpose}`, 'local');
            await vscode.commands.executeCommand(offer.command, ...(offer.args ?? []));
          }
        });
      return undefined;
    }
    return { engine: { kind: 'assemblyai', credential, ...(url ? { url } : {}) }, name: 'AssemblyAI', cloud: true };
  }
}
