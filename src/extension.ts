/**
 * Wiring only: creates the controllers and registers commands. Activation
 * starts no worker and loads no model (unless voxnote.preloadModel asks for a
 * warm worker, which starts after activation returns).
 */
import * as vscode from 'vscode';
import { VoxnoteApi, voxnoteApi } from './api';
import { partialLength, preloadModel } from './config';
import { DictationController, StartOptions } from './dictation/dictationController';
import { TranscriptStore } from './dictation/transcriptState';
import { WorkerSupervisor } from './speech/workerSupervisor';
import { registerModelCommands } from './models/commands';
import { ModelStore } from './models/modelStore';
import { registerMeetingCommands } from './notes/meetingCommands';
import { FirstRun } from './ui/firstRun';
import { notify, type NextStep } from './ui/nextSteps';
import { chooseModelFolder, selectMicrophone, selectModel } from './ui/pickers';
import { StatusBarController } from './ui/statusBar';
import { PanelActions, PANEL_VIEW_TYPE, TranscriptPanel } from './ui/transcriptPanel';
import { registerWalkthrough } from './ui/walkthrough';

export function activate(context: vscode.ExtensionContext): VoxnoteApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Voxnote', { log: true });
  const store = new TranscriptStore();
  const models = new ModelStore(context);
  const supervisor = new WorkerSupervisor({
    workerPath: context.asAbsolutePath('dist/worker.js'),
    log: (line) => log.debug(`[worker] ${line}`),
  });

  const step = (label: string, id: string): NextStep => ({ label, run: () => vscode.commands.executeCommand(id) });
  const pickModel = step('Select Model', 'voxnote.selectModel');
  const pickMic = step('Select Microphone', 'voxnote.selectMicrophone');
  // A hint usually names the command to run, which becomes a button; these codes offer one anyway.
  const next: Record<string, NextStep> = {
    'bad-model': pickModel,
    'model-load-failed': pickModel,
    'worker-crashed': pickModel,
    'worker-unresponsive': pickModel,
    'device-not-found': pickMic,
    'capture-stalled': pickMic,
  };
  const reportError = (e: { code: string; message: string; hint: string }) => {
    const steps = [...(next[e.code] ? [next[e.code]] : []), { label: 'Show Log', run: () => log.show(true) }];
    void notify('error', `Voxnote: ${e.message} ${e.hint}`, ...steps);
  };
  const firstRun = new FirstRun(models);

  const dictation = new DictationController({
    supervisor,
    store,
    models,
    log,
    firstRun: (options) => void firstRun.offer('dictating', () => dictation.start(options)),
    reportError,
  });

  const panelActions: PanelActions = {
    toggle: () => dictation.toggle(),
    copy: () => void vscode.env.clipboard.writeText(store.state.utterances.map((u) => u.text).join('\n')),
    clear: () => store.clear(),
  };
  const showTranscript = () => TranscriptPanel.createOrShow(context.extensionUri, store, panelActions);

  // The status bar's tooltip names the model dictation will use, before the first start too.
  const showModel = () => {
    if (!dictation.active) store.update({ model: models.resolve()?.name ?? '' });
  };
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    models,
    firstRun,
    supervisor,
    dictation,
    new StatusBarController(store, partialLength),
    registerWalkthrough(context, models, store),
    command('voxnote.startDictation', (o?: StartOptions) => dictation.start(o)),
    command('voxnote.stopDictation', () => dictation.stop()),
    command('voxnote.toggleDictation', (o?: StartOptions) => dictation.toggle(o)),
    command('voxnote.pushToTalk', (o?: StartOptions) => dictation.pushToTalk(o)),
    command('voxnote.cancelDictation', () => dictation.cancel()),
    command('voxnote.showTranscript', showTranscript),
    command('voxnote.selectMicrophone', () => selectMicrophone(supervisor)),
    command('voxnote.selectModel', () => selectModel(models)),
    command('voxnote.chooseModelFolder', () => chooseModelFolder(models)),
    registerModelCommands(context, models),
    registerMeetingCommands(context, { models, firstRun, store, log, reportError }),
    command('voxnote.showError', () => {
      const error = store.state.error;
      if (error) reportError({ code: '', ...error });
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => TranscriptPanel.revive(panel, context.extensionUri, store, panelActions),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('voxnote.model.path')) models.refresh();
    }),
    models.onDidChange(() => {
      showModel();
      // An idle warm worker switches model now; a running session picks it up on its next start.
      if (preloadModel() && !dictation.active) dictation.warmUp();
    }),
  );
  showModel();
  if (preloadModel()) setTimeout(() => dictation.warmUp(), 0);
  return voxnoteApi(performance.now() - started, supervisor);
}

export function deactivate(): void {
  // Everything is in context.subscriptions, disposed by VS Code.
}
