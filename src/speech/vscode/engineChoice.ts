/**
 * Which engine a purpose runs on, from the settings: the local model (the
 * engine follows from the model folder) unless the person chose another
 * engine for it (voxnote.engine.dictation / voxnote.engine.meetingNotes; the
 * values are the engine descriptors', shared/engines.ts). What is missing (a
 * model, an API key) is offered, then the command runs again.
 */
import * as vscode from 'vscode';
import * as os from 'os';
import { EnginePurpose, engineSetting, maxSegmentSeconds, readSetting, readTwoPassSettings, updateSetting } from '../../config';
import type { ModelStore, ResolvedModel } from '../../models/modelStore';
import { readSpeed, type PartialCadence, type SpeedMemento } from '../../models/modelSpeed';
import { decideTwoPass, finalModelFolder } from '../../models/twoPass';
import { checkModelFolder } from '../../shared/modelFolder';
import { engineLabel, SETTING_ENGINES } from '../../shared/engines';
import type { EngineSpec } from '../../shared/protocol';
import type { EngineKeys } from './engineKeys';
import { engineForModel } from '../engineSpec';

export interface ChosenEngine {
  engine: EngineSpec;
  /** For people: the model's folder name, or the engine's label ("AssemblyAI (cloud)"). */
  name: string;
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
  keys: EngineKeys;
  /** No model at all: offer one, then run the command. */
  firstRun(offer: EngineOffer): void;
  reportError(error: { code: string; message: string; hint: string }): void;
  /** The partial cadence a speed measurement of the model folder set, if it was measured here. */
  cadence?(modelPath: string): PartialCadence | undefined;
  /** Where Test Model Speed keeps its measurements (globalState). */
  speeds: SpeedMemento;
  /** Says why two-pass is on or off (the Voxnote output log). */
  log: { info(message: string): void };
}

const SET_KEY = 'Set API Key';
const USE_LOCAL = 'Use Local Model';

export class EngineChoice {
  private lastWhy: string | undefined;

  constructor(private readonly deps: EngineChoiceDeps) {}

  /**
   * The local model's spec; for dictation, two-pass with voxnote.twoPass.model
   * when decided so (said in the log when that changes). Meetings and files stay
   * single pass: two tracks of two models each would oversubscribe small machines.
   */
  private localSpec(model: ResolvedModel & { check: { ok: true } }, purpose: EnginePurpose | 'file'): EngineSpec {
    const spec = engineForModel(model.path, model.check, { maxSegmentSeconds: maxSegmentSeconds(), cadence: this.deps.cadence?.(model.path) });
    if (purpose !== 'dictation') return spec;
    const settings = readTwoPassSettings();
    const cores = os.availableParallelism();
    const decision = decideTwoPass({
      setting: settings.setting,
      model,
      finalModel: settings.model && finalModelFolder(settings.model, { folder: this.deps.models.folder, names: this.deps.models.installed() }),
      checkFolder: checkModelFolder,
      speed: (folder) => readSpeed(this.deps.speeds, folder, cores),
    });
    if (decision.why !== this.lastWhy && decision.why) this.deps.log.info(decision.why);
    this.lastWhy = decision.why;
    return decision.on && (spec.kind === 'sherpa' || spec.kind === 'vosk') ? { ...spec, twoPass: { model: decision.finalModel } } : spec;
  }

  /** The local model's engine; undefined once a model was offered or its problem reported. */
  local(offer: EngineOffer, purpose: EnginePurpose | 'file' = 'file'): ChosenEngine | undefined {
    const model = this.deps.models.resolve();
    if (!model) return void this.deps.firstRun(offer);
    if (!model.check.ok) return void this.deps.reportError({ code: 'bad-model', message: model.check.message, hint: model.check.hint });
    return { engine: this.localSpec({ ...model, check: model.check }, purpose), name: model.name };
  }

  /** The local model's engine when `purpose` uses it, without offering anything (a warm worker). */
  preloadable(purpose: EnginePurpose): EngineSpec | undefined {
    if (engineSetting(purpose) !== 'local') return undefined;
    const model = this.deps.models.resolve();
    return model?.check.ok ? this.localSpec({ ...model, check: model.check }, purpose) : undefined;
  }

  /** The engine `purpose` is set to; undefined once what is missing was offered. */
  async choose(purpose: EnginePurpose, offer: EngineOffer): Promise<ChosenEngine | undefined> {
    const chosen = SETTING_ENGINES.find((e) => e.value === engineSetting(purpose));
    if (!chosen) return this.local(offer, purpose);
    const key = this.deps.keys.get(chosen.kind);
    const credential = await key?.get();
    const built = chosen.fromSettings(readSetting, credential);
    if ('problem' in built) return void this.deps.reportError({ code: 'bad-setting', ...built.problem });
    if (key && !credential && chosen.credential?.required(built.spec)) {
      void vscode.window
        .showWarningMessage(`Voxnote: ${offer.purpose} is set to use ${chosen.label}, which needs ${key.credential.name}.`, SET_KEY, USE_LOCAL)
        .then(async (pick) => {
          if (pick === SET_KEY && (await key.prompt())) await vscode.commands.executeCommand(offer.command, ...(offer.args ?? []));
          if (pick === USE_LOCAL) {
            await updateSetting(`engine.${purpose}`, 'local');
            await vscode.commands.executeCommand(offer.command, ...(offer.args ?? []));
          }
        });
      return undefined;
    }
    return { engine: built.spec, name: engineLabel(built.spec) };
  }
}
