/**
 * The model commands: Download Model…, Install Model from Folder or Zip…,
 * Remove Model. Thin: the work is in install.ts; here are the pickers, the
 * progress notification and the messages.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { maxModelBytes, updateSetting } from '../config';
import { CatalogEntry, catalogPath, CatalogError, formatBytes, formatSize, loadCatalog, sortForPicker } from './catalog';
import { VoxnoteError } from '../shared/errors';
import { CancelledError } from './errors';
import { downloadDiarizationModel, downloadModel, InstallOptions, InstallProgress, installArchive, installFolder, removeModel } from './install';
import type { ModelStore } from './modelStore';
import { notify } from '../notify/nextSteps';

const TITLE = { download: 'Voxnote: Download Model', install: 'Voxnote: Install Model from Folder or Zip', remove: 'Voxnote: Remove Model' };

/** Test Model Speed's side: what it recommends on this machine, and the test run after an install. */
export interface SpeedAdvice {
  recommend(catalog: readonly CatalogEntry[], language: string): Promise<CatalogEntry | undefined>;
  /** The same for several languages at once (the picker's every language). */
  recommendEach(catalog: readonly CatalogEntry[], languages: Iterable<string>): Promise<CatalogEntry[]>;
  /** Measures the model just installed; not awaited, so the person can go on. */
  testInstalled(): void;
}

export function registerModelCommands(context: vscode.ExtensionContext, models: ModelStore, speed?: SpeedAdvice): vscode.Disposable {
  let busy = false;

  /** Runs one install in a cancellable progress notification; resolves with the installed folder. */
  async function withInstallProgress(title: string, withDownload: boolean, work: (opts: InstallOptions) => Promise<string>): Promise<string | undefined> {
    if (busy) {
      void vscode.window.showWarningMessage('Voxnote is already installing a model. Wait for it, or cancel it from its notification.');
      return undefined;
    }
    busy = true;
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        // One bar for all stages: a download fills 80% and unpacking the rest.
        const span = { download: [0, 80], extract: withDownload ? [80, 100] : [0, 100] };
        let shown = 0;
        const onProgress = (p: InstallProgress) => {
          if (p.stage === 'check') return progress.report({ message: 'checking the model…' });
          if (p.stage === 'copy') return progress.report({ message: 'copying…' });
          const verb = p.stage === 'download' ? 'downloading' : 'unpacking';
          if (!p.total) return progress.report({ message: `${verb} ${formatBytes(p.done)}` });
          const percent = Math.floor((p.done / p.total) * 100);
          const [from, to] = span[p.stage];
          const bar = Math.floor(from + ((to - from) * percent) / 100);
          if (bar === shown && p.done !== p.total) return;
          progress.report({ increment: bar - shown, message: `${verb} ${formatBytes(p.done)} of ${formatBytes(p.total)} (${percent}%)` });
          shown = bar;
        };
        try {
          return await work({ maxBytes: maxModelBytes(), signal: abort.signal, onProgress });
        } finally {
          cancel.dispose();
        }
      });
    } catch (e) {
      if (e instanceof CancelledError) {
        void vscode.window.showInformationMessage('Voxnote: cancelled; nothing was installed.');
      } else {
        const message = e instanceof VoxnoteError ? `${e.message} ${e.hint}` : `Installing the model failed: ${(e as Error).message}. Nothing was installed; try again.`;
        void notify('error', `Voxnote: ${message}`);
      }
      return undefined;
    } finally {
      busy = false;
    }
  }

  /** The new model becomes the active one: the setting would take precedence, so it is cleared. */
  async function activate(name: string): Promise<void> {
    if (vscode.workspace.getConfiguration('voxnote').get<string>('model.path', '').trim()) await updateSetting('model.path', undefined);
    await models.select(name);
    void vscode.window.showInformationMessage(`Voxnote: the model "${name}" is installed and active.`);
  }

  function catalog(): CatalogEntry[] | undefined {
    try {
      return loadCatalog(catalogPath(context.asAbsolutePath('models/catalog.json')));
    } catch (e) {
      const message = e instanceof CatalogError ? e.message : String(e);
      void notify('error', `Voxnote: ${message} Reinstall Voxnote, or install a model with "Voxnote: Install Model from Folder or Zip…".`);
      return undefined;
    }
  }

  async function pickFromCatalog(entries: CatalogEntry[]): Promise<CatalogEntry | undefined> {
    type Item = vscode.QuickPickItem & { entry?: CatalogEntry };
    const installed = new Set(models.installed());
    const items: Item[] = [];
    let language = '';
    // Per language, the most accurate model that runs live here (measured or estimated): first, marked.
    const sorted = sortForPicker(entries);
    const recommended = new Set((await speed?.recommendEach(entries, new Set(sorted.map((e) => e.language)))) ?? []);
    const ordered = sorted.map((e, i) => ({ e, i })).sort((a, b) => (a.e.language === b.e.language ? Number(recommended.has(b.e)) - Number(recommended.has(a.e)) : 0) || a.i - b.i);
    for (const { e: entry } of ordered) {
      if (entry.language !== language) {
        language = entry.language;
        items.push({ label: language, kind: vscode.QuickPickItemKind.Separator });
      }
      const tags = [
        ...(recommended.has(entry) ? ['runs live on this machine (recommended)'] : []),
        entry.language,
        formatSize(entry.size),
        entry.kind,
        ...(entry.alternative ? ['older or alternative'] : []),
        ...(installed.has(entry.name) ? ['installed'] : []),
      ];
      items.push({ label: recommended.has(entry) ? `$(star) ${entry.name}` : entry.name, description: tags.join(' · '), detail: `${entry.notes} · ${entry.license}`, entry });
    }
    const pick = await vscode.window.showQuickPick(items, { title: TITLE.download, placeHolder: 'Choose a model to download (small models suit dictation)', matchOnDescription: true, matchOnDetail: true });
    return pick?.entry;
  }

  /** Diarization models live apart from the recognizers, so Select Model never offers them. */
  const diarizationFolder = () => path.join(path.dirname(models.folder), 'diarization-models');

  /** Meeting notes use the model: its file goes into the setting of its role. */
  async function useDiarization(entry: CatalogEntry, file: string): Promise<void> {
    const role = entry.diarization!.role;
    await updateSetting(role === 'embedding' ? 'diarization.embeddingModel' : 'diarization.segmentationModel', file);
    const what =
      role === 'embedding'
        ? 'meeting notes now label system-audio speakers Speaker 1, Speaker 2… by voice'
        : 'when a meeting stops, its speakers are re-clustered and wrong labels corrected';
    void vscode.window.showInformationMessage(`Voxnote: "${entry.name}" is installed; ${what}.`);
  }

  async function downloadDiarization(entry: CatalogEntry & Required<Pick<CatalogEntry, 'diarization'>>): Promise<boolean> {
    const installed = path.join(diarizationFolder(), entry.name, entry.diarization.file);
    if (fs.existsSync(installed)) {
      const use = 'Use It';
      const again = 'Download Again';
      const pick = await vscode.window.showInformationMessage(`Voxnote: "${entry.name}" is already installed.`, { modal: true }, use, again);
      if (pick === use) await useDiarization(entry, installed);
      if (pick !== again) return pick === use;
    }
    const file = await withInstallProgress(`Voxnote: ${entry.name} (${formatSize(entry.size)})`, true, (opts) => downloadDiarizationModel(entry, diarizationFolder(), opts));
    if (!file) return false;
    await useDiarization(entry, file);
    return true;
  }

  /** Asks before what is heavy or redundant; false stops the download. */
  async function confirm(entry: CatalogEntry, entries: CatalogEntry[]): Promise<boolean> {
    if (models.installed().includes(entry.name)) {
      const use = 'Use It';
      const again = 'Download Again';
      const pick = await vscode.window.showInformationMessage(`Voxnote: "${entry.name}" is already installed.`, { modal: true }, use, again);
      if (pick === use) await activate(entry.name);
      return pick === again;
    }
    // A large model recommended for this machine was found to run live here: no warning against it.
    if (entry.kind === 'large' && (await speed?.recommend(entries, entry.language)) !== entry) {
      const go = 'Download';
      const pick = await vscode.window.showWarningMessage(
        `"${entry.name}" is a large model (${formatSize(entry.size)}). Large models are meant for servers and can need many GB of memory; a small model suits dictation.`,
        { modal: true },
        go,
      );
      return pick === go;
    }
    return true;
  }

  async function downloadCommand(name?: string): Promise<boolean> {
    const entries = catalog();
    if (!entries) return false;
    const entry = typeof name === 'string' ? entries.find((e) => e.name === name) : await pickFromCatalog(entries);
    if (!entry) {
      if (typeof name === 'string') void notify('error', `Voxnote: the model catalogue has no "${name}". Run "Voxnote: Download Model…" to choose one.`);
      return false;
    }
    if (entry.diarization) return downloadDiarization({ ...entry, diarization: entry.diarization });
    if (!(await confirm(entry, entries))) return false;
    const folder = await withInstallProgress(`Voxnote: ${entry.name} (${formatSize(entry.size)})`, true, (opts) => downloadModel(entry, models.folder, opts));
    if (!folder) return false;
    await activate(entry.name);
    speed?.testInstalled();
    return true;
  }

  /** `kind` skips the question (the first-run offer's archive link). */
  async function installCommand(kind?: 'zip' | 'folder'): Promise<boolean> {
    const zip = { label: '$(file-zip) From an archive (.zip or .tar.bz2)…', zip: true };
    const folder = { label: '$(folder) From a folder…', zip: false };
    const how = kind === 'zip' ? zip : kind === 'folder' ? folder : await vscode.window.showQuickPick([zip, folder], { title: TITLE.install, placeHolder: 'A model you downloaded elsewhere' });
    if (!how) return false;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: how.zip,
      canSelectFolders: !how.zip,
      filters: how.zip ? { 'Model archives': ['zip', 'bz2', 'tbz2'] } : undefined,
      title: how.zip ? 'Choose a model archive (Vosk .zip or sherpa-onnx .tar.bz2)' : 'Choose a model folder',
      openLabel: 'Install',
    });
    if (!picked?.length) return false;
    const source = picked[0].fsPath;
    const installed = await withInstallProgress(`Voxnote: installing ${source}`, false, (opts) => (how.zip ? installArchive(source, models.folder, opts) : installFolder(source, models.folder, opts)));
    if (!installed) return false;
    await activate(path.basename(installed));
    speed?.testInstalled();
    return true;
  }

  async function removeCommand(): Promise<void> {
    const installed = models.installed();
    if (!installed.length) {
      void vscode.window.showInformationMessage('Voxnote has no installed models to remove.');
      return;
    }
    const current = models.resolve();
    const pick = await vscode.window.showQuickPick(
      installed.map((name) => ({ label: name, description: current?.origin === 'installed' && current.name === name ? 'active' : undefined })),
      { title: TITLE.remove, placeHolder: 'Model to delete from this machine' },
    );
    if (!pick) return;
    const remove = 'Remove';
    const sure = await vscode.window.showWarningMessage(`Delete the model "${pick.label}" from this machine?`, { modal: true }, remove);
    if (sure !== remove) return;
    try {
      await removeModel(models.folder, pick.label);
    } catch (e) {
      const message = e instanceof VoxnoteError ? `${e.message} ${e.hint}` : `${(e as Error).message}. Stop dictation and try again.`;
      void notify('error', `Voxnote: cannot remove "${pick.label}": ${message}`);
      return;
    }
    models.refresh();
    void vscode.window.showInformationMessage(`Voxnote: removed the model "${pick.label}".`);
  }

  return vscode.Disposable.from(
    vscode.commands.registerCommand('voxnote.downloadModel', downloadCommand),
    vscode.commands.registerCommand('voxnote.installModel', installCommand),
    vscode.commands.registerCommand('voxnote.removeModel', removeCommand),
  );
}
