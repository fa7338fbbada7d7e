/** Quick picks for the microphone and the model, and the first-run offer. */
import * as path from 'path';
import * as vscode from 'vscode';
import { updateSetting } from '../config';
import type { SpeechService } from '../speech/speechService';
import { FIRST_RUN } from '../models/catalog';
import type { ModelStore } from '../models/modelStore';
import { checkModelFolder } from '../shared/modelFolder';

export async function selectMicrophone(speech: SpeechService): Promise<void> {
  let list;
  try {
    list = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Voxnote: listing microphones' }, () => speech.listDevices());
  } catch (e) {
    const { message, hint } = e as { message: string; hint?: string };
    void vscode.window.showErrorMessage(`Voxnote could not list the microphones: ${message} ${hint ?? ''}`.trim());
    return;
  }
  const { devices, problems } = list;
  const mics = devices.filter((d) => d.kind === 'mic');
  const items: (vscode.QuickPickItem & { device: string })[] = [
    { label: '$(mic) System default', description: 'follow the default input', device: '' },
    ...mics.map((d) => ({
      label: d.description || d.name,
      description: `${d.backend}${d.isDefault ? ' · default' : ''}`,
      detail: d.name,
      device: d.name,
    })),
  ];
  if (!mics.length) {
    void vscode.window.showWarningMessage(`Voxnote found no microphone. ${problems.join(' ')}`);
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Voxnote: Select Microphone', placeHolder: 'Microphone for dictation' });
  if (pick) await updateSetting('microphone.device', pick.device);
}

export async function chooseModelFolder(models: ModelStore): Promise<boolean> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    title: 'Choose a Vosk model folder',
    openLabel: 'Use This Model',
  });
  if (!picked?.length) return false;
  const folder = picked[0].fsPath;
  const check = checkModelFolder(folder);
  if (!check.ok) {
    void vscode.window.showErrorMessage(`Voxnote: ${check.message} ${check.hint}`);
    return false;
  }
  await updateSetting('model.path', folder);
  models.refresh();
  void vscode.window.showInformationMessage(`Voxnote will use the model "${path.basename(folder)}".`);
  return true;
}

export async function selectModel(models: ModelStore): Promise<void> {
  const current = models.resolve();
  const installed = models.installed();
  type Item = vscode.QuickPickItem & { run: () => Promise<unknown> };
  const items: Item[] = [
    ...installed.map((name) => ({
      label: name,
      description: current?.origin === 'installed' && current.name === name ? 'active' : undefined,
      run: async () => {
        await updateSetting('model.path', undefined);
        await models.select(name);
      },
    })),
    { label: '$(cloud-download) Download a model…', run: async () => vscode.commands.executeCommand('voxnote.downloadModel') },
    { label: '$(folder-opened) Choose a model folder…', run: () => chooseModelFolder(models) },
  ];
  if (current?.origin === 'setting') {
    items.unshift({ label: current.name, description: 'active · from voxnote.model.path', detail: current.path, run: async () => undefined });
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Voxnote: Select Model' });
  await pick?.run();
}

/** No model yet: offer one, then run `start` (dictation by default) once it is installed. */
export async function offerFirstRun(
  models: ModelStore,
  start: { purpose: string; command: string } = { purpose: 'dictating', command: 'voxnote.startDictation' },
): Promise<void> {
  const choose = 'Choose a model folder…';
  const learn = 'Learn more';
  const pick = await vscode.window.showInformationMessage(
    `Voxnote needs a speech model to start ${start.purpose}. Models run fully offline.`,
    FIRST_RUN.label,
    choose,
    learn,
  );
  // The first minute ends doing what was asked: start once the download is installed.
  if (pick === FIRST_RUN.label && (await vscode.commands.executeCommand<boolean>('voxnote.downloadModel', FIRST_RUN.model))) {
    await vscode.commands.executeCommand(start.command);
  }
  if (pick === choose) await chooseModelFolder(models);
  if (pick === learn) await vscode.env.openExternal(vscode.Uri.parse('https://alphacephei.com/vosk/models'));
}
