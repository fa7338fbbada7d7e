/**
 * Wiring only: creates the controllers and registers commands. Activation
 * starts no worker and loads no model (unless voxnote.preloadModel asks for a
 * warm worker, which starts after activation returns). Deactivation (window
 * closed or reloaded) ends dictation and meetings with their last words on
 * disk before VS Code tears the extension down.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { VoxnoteApi, voxnoteApi } from './api';
import { partialLength, preloadModel } from './config';
import { DictationController, StartOptions } from './dictation/dictationController';
import { KeptTranscript } from './dictation/keptTranscript';
import { withTerminalCommands } from './dictation/terminalKeys';
import { TranscriptStore } from './dictation/transcriptState';
import { WorkerSupervisor } from './speech/workerSupervisor';
import { registerModelCommands } from './models/commands';
import { ModelStore } from './models/modelStore';
import { registerMeetingCommands } from './notes/meetingCommands';
import { withDeadline } from './shared/deadline';
import { offerFirstRun, selectMicrophone, selectModel } from './ui/pickers';
import { StatusBarController } from './ui/statusBar';
import { PanelActions, PANEL_VIEW_TYPE, TranscriptPanel } from './ui/transcriptPanel';

/**
 * VS Code gives deactivate() 5 s, and has closed its connection to the window by
 * then (only file writes still land): sessions get a little over half of that.
 */
const SHUTDOWN_MS = 3000;
let shutdown: (() => Promise<void>) | undefined;

/** Where the kept transcript is saved: the workspace's storage folder (the global one with no workspace). */
function keptTranscriptFile(context: vscode.ExtensionContext): string | undefined {
  const folder = [context.storageUri, context.globalStorageUri].find((u) => u?.scheme === 'file');
  return folder && path.join(folder.fsPath, 'kept-transcript.json');
}

export function activate(context: vscode.ExtensionContext): VoxnoteApi | undefined {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Voxnote', { log: true });
  const store = new TranscriptStore();
  const keptFile = keptTranscriptFile(context);
  // Undelivered utterances survive a reload: back in the transcript panel.
  const kept = keptFile ? new KeptTranscript(store, keptFile, (m) => log.warn(m)) : undefined;
  const models = new ModelStore(context);
  const supervisor = new WorkerSupervisor({
    workerPath: context.asAbsolutePath('dist/worker.js'),
    log: (line) => log.debug(`[worker] ${line}`),
  });

  const reportError = (e: { code: string; message: string; hint: string }) => {
    const next: Record<string, string> = {
      'bad-model': 'Select Model',
      'model-load-failed': 'Select Model',
      'worker-crashed': 'Select Model',
      'worker-unresponsive': 'Select Model',
      'device-not-found': 'Select Microphone',
      'capture-stalled': 'Select Microphone',
    };
    const action = next[e.code];
    const actions = action ? [action, 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`Voxnote: ${e.message} ${e.hint}`, ...actions).then((pick) => {
      if (pick === 'Select Model') void vscode.commands.executeCommand('voxnote.selectModel');
      if (pick === 'Select Microphone') void vscode.commands.executeCommand('voxnote.selectMicrophone');
      if (pick === 'Show Log') log.show(true);
    });
  };

  const dictation = new DictationController({
    supervisor,
    store,
    models,
    log,
    firstRun: () => void offerFirstRun(models),
    reportError,
  });

  const panelActions: PanelActions = {
    toggle: () => dictation.toggle(),
    copy: () => void vscode.env.clipboard.writeText(store.state.utterances.map((u) => u.text).join('\n')),
    clear: () => store.clear(),
  };
  const showTranscript = () => TranscriptPanel.createOrShow(context.extensionUri, store, panelActions);

  const meetings = registerMeetingCommands(context, { models, store, log, reportError });
  shutdown = async () => {
    const t0 = Date.now();
    await Promise.all([dictation.shutdown(SHUTDOWN_MS), meetings.shutdown(SHUTDOWN_MS)]);
    // Meeting lines the notes disk still refused are kept with dictation's.
    for (const u of store.state.utterances) if (u.pending) kept?.keep({ text: u.speaker ? `${u.speaker}: ${u.text}` : u.text, time: u.time });
    if (kept) await withDeadline(kept.flushed(), Math.max(200, SHUTDOWN_MS - (Date.now() - t0)));
    // Not in context.subscriptions: it must still hear the last final, which comes after they are disposed.
    kept?.dispose();
  };

  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    models,
    supervisor,
    dictation,
    new StatusBarController(store, partialLength),
    command('voxnote.startDictation', (o?: StartOptions) => dictation.start(o)),
    command('voxnote.stopDictation', () => dictation.stop()),
    command('voxnote.toggleDictation', (o?: StartOptions) => dictation.toggle(o)),
    command('voxnote.pushToTalk', (o?: StartOptions) => dictation.pushToTalk(o)),
    command('voxnote.cancelDictation', () => dictation.cancel()),
    command('voxnote.showTranscript', showTranscript),
    command('voxnote.selectMicrophone', () => selectMicrophone(supervisor)),
    command('voxnote.selectModel', () => selectModel(models)),
    registerModelCommands(context, models),
    meetings,
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
      // An idle warm worker switches model now; a running session picks it up on its next start.
      if (preloadModel() && !dictation.active) dictation.warmUp();
    }),
  );
  if (preloadModel()) setTimeout(() => dictation.warmUp(), 0);
  setTimeout(() => keepTerminalKeys(log), 0);
  return voxnoteApi(context.extensionMode, performance.now() - started, supervisor);
}

/**
 * Push-to-talk and toggle in a focused terminal need their commands in
 * terminal.integrated.commandsToSkipShell. package.json makes them its default;
 * a user's own list replaces that default, so ours are added to it.
 */
function keepTerminalKeys(log: vscode.LogOutputChannel): void {
  const terminal = vscode.workspace.getConfiguration('terminal.integrated');
  const skip = terminal.inspect<string[]>('commandsToSkipShell');
  if (skip?.workspaceValue !== undefined || skip?.workspaceFolderValue !== undefined) {
    if (withTerminalCommands(skip.workspaceFolderValue ?? skip.workspaceValue)) {
      log.warn("This workspace's terminal.integrated.commandsToSkipShell lacks voxnote.pushToTalk and voxnote.toggleDictation: their keys go to the shell in a focused terminal.");
    }
    return;
  }
  const updated = withTerminalCommands(skip?.globalValue);
  if (!updated) return;
  terminal.update('commandsToSkipShell', updated, vscode.ConfigurationTarget.Global).then(
    () => log.info("Added Voxnote's push-to-talk, toggle and cancel to your terminal.integrated.commandsToSkipShell, so their keys work in a focused terminal."),
    (e: Error) => log.warn(`Could not add Voxnote's commands to terminal.integrated.commandsToSkipShell: ${e.message}`),
  );
}

/** Starts the shutdown at once (VS Code disposes context.subscriptions right after this returns; they wait for it). */
export function deactivate(): Promise<void> | undefined {
  const run = shutdown;
  shutdown = undefined;
  return run?.();
}
