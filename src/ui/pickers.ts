/** Quick picks for the microphone and the model. */
import * as path from 'path';
import * as vscode from 'vscode';
import { updateSetting } from '../config';
import type { WorkerSupervisor } from '../speech/workerSupervisor';
import type { ModelStore } from '../models/modelStore';
import { checkModelFolder } from '../shared/modelFolder';
import { notify } from './nextSteps';

export async function selectMicrophone(supervisor: WorkerSupervisor): Promise<void> {
  const reply = supervisor.ensure().next('devices', 15000);
  supervisor.send({ type: 'listDevices' });
  const { devices, problems } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Voxnote: listing microphones' },
    () => reply,
  );
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
