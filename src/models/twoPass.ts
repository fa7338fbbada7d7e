/**
 * Whether dictation runs two-pass (a streaming model's partials, an offline
 * model's finals: worker/engines/twoPass) and why, from voxnote.twoPass.* and
 * the speeds "Voxnote: Test Model Speed" measured. `auto` turns it on only
 * when both models were measured on this machine and together keep up with
 * live speech. No VS Code API here.
 */
import * as path from 'path';
import type { ModelCheck } from '../shared/modelFolder';
import type { TwoPassSetting } from '../shared/settings';
import { keepsUpLive, LIVE_RTF_LIMIT, type ModelSpeed } from './modelSpeed';

export interface TwoPassInput {
  setting: TwoPassSetting;
  /** The dictation model (voxnote.model.path or the selected one) and its folder check. */
  model: { path: string; check: Extract<ModelCheck, { ok: true }> };
  /** voxnote.twoPass.model, trimmed; empty when unset. */
  finalModel: string;
  /** Checks a folder (shared/modelFolder.ts checkModelFolder; tests pass their own). */
  checkFolder(folder: string): ModelCheck;
  /** This machine's measured speed of a model folder (models/modelSpeed.ts readSpeed). */
  speed(folder: string): ModelSpeed | undefined;
}

/** On, with the final model's folder; or off, with why when the person asked for it (undefined: nothing to say). */
export type TwoPassDecision = { on: true; finalModel: string; why: string } | { on: false; why?: string };

/**
 * voxnote.twoPass.model as a folder: the name of a model installed with
 * Download Model… (as Select Model lists it), else a folder path as given.
 * Test Model Speed keys its records by folder, so an installed name finds them.
 */
export function finalModelFolder(setting: string, installed: { folder: string; names: readonly string[] }): string {
  return installed.names.includes(setting) ? path.join(installed.folder, setting) : setting;
}

const name = (folder: string) => folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
const rtf = (s: ModelSpeed) => s.rtf.toFixed(2);

export function decideTwoPass(input: TwoPassInput): TwoPassDecision {
  const { setting, model, finalModel } = input;
  if (setting === 'off') return { on: false };
  // `auto` without a final model is the usual case: nothing to say.
  if (!finalModel) return setting === 'on' ? { on: false, why: 'Two-pass is on, but voxnote.twoPass.model names no offline model folder: single pass.' } : { on: false };
  const streaming = model.check.engine === 'vosk' || model.check.model.streaming;
  if (!streaming) return { on: false, why: `Two-pass needs a streaming dictation model; ${name(model.path)} already decodes each utterance whole: single pass.` };
  const check = input.checkFolder(finalModel);
  if (!check.ok) return { on: false, why: `Two-pass final model: ${check.message} Single pass.` };
  if (check.engine !== 'sherpa' || check.model.streaming) {
    return { on: false, why: `Two-pass needs an offline sherpa-onnx model (Whisper, Parakeet…) in voxnote.twoPass.model; ${name(finalModel)} is a ${check.engine === 'vosk' ? 'Vosk' : 'streaming'} model: single pass.` };
  }
  if (setting === 'on') return { on: true, finalModel, why: `Two-pass on (voxnote.twoPass.enabled): ${name(model.path)} for partials, ${name(finalModel)} for finals.` };
  const first = input.speed(model.path);
  const second = input.speed(finalModel);
  const unmeasured = [first ? undefined : model.path, second ? undefined : finalModel].filter((f): f is string => !!f).map(name);
  if (!first || !second) return { on: false, why: `Two-pass stays off until Voxnote: Test Model Speed has measured ${unmeasured.join(' and ')} on this machine.` };
  const together = first.rtf + second.rtf;
  const figures = `${name(model.path)} ${rtf(first)} + ${name(finalModel)} ${rtf(second)} = ${together.toFixed(2)} s of decoding per second of speech`;
  if (!keepsUpLive(together)) return { on: false, why: `Two-pass off: this machine is not fast enough for both models (${figures}; live needs at most ${LIVE_RTF_LIMIT}).` };
  return { on: true, finalModel, why: `Two-pass on: ${figures}.` };
}
