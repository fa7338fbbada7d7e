/** Quick picks for the microphone and the model. */
import * as path from 'path';
import * as vscode from 'vscode';
import { updateSetting } from '../config';
import type { SpeechService } from '../speech/speechService';
import type { ModelStore } from '../models/modelStore';
import { checkModelFolder } from '../shared/modelFolder';
import { microphoneChoices } from './microphoneList';
import { notify } from '../notify/nextSteps';

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
  const current = vscode.workspace.getConfiguration('voxnote').get<string>('microphone.device', '').trim();
  const items = microphoneChoices(devices, process.platform, current).map((c) =>
    c.separator ? { label: c.label, kind: vscode.QuickPickItemKind.Separator } : c,
  );
  if (!devices.some((d) => d.kind === 'mic')) {
    void vscode.window.showWarningMessage(`Voxnote found no microphone. ${problems.join(' ')}`);
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Voxnote: Select Microphone', placeHolder: 'Microphone for dictation', matchOnDetail: true });
  if (!pick || !('device' in pick) || pick.device === undefined) return;
  await updateSetting('microphone.device', pick.device);
  // In a list that mixes back-ends, a device is reached through the back-end that listed it.
  if (pick.backend) await updateSetting('audio.backend', pick.backend === 'auto' ? undefined : pick.backend);
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
    void notify('error', `Voxnote: ${check.message} ${check.hint}`);
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
