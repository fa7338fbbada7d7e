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
import { AssemblyAIKey, SET_KEY, SET_KEY_COMMAND } from './speech/vscode/assemblyaiKey';
import { EngineChoice } from './speech/vscode/engineChoice';
import { SpeechService } from './speech/speechService';
import { bindSpeechContext, confirmMicrophoneHandover } from './speech/vscode/speechContext';
import { registerModelCommands } from './models/commands';
import { ModelStore } from './models/modelStore';
import { registerMeetingCommands } from './notes/meetingCommands';
import { offerFirstRun, selectMicrophone, selectModel } from './ui/pickers';
import { StatusBarController } from './ui/statusBar';
import { PanelActions, PANEL_VIEW_TYPE, TranscriptPanel } from './ui/transcriptPanel';

export function activate(context: vscode.ExtensionContext): VoxnoteApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Voxnote', { log: true });
  const store = new TranscriptStore();
  const models = new ModelStore(context);
  const speech = new SpeechService({
    workerPath: context.asAbsolutePath('dist/worker.js'),
    log: (line) => log.debug(`[worker] ${line}`),
    confirmMicrophoneHandover,
  });
  const dictationLane = speech.createLane('dictation');
  const key = new AssemblyAIKey(context.secrets);

  const reportError = (e: { code: string; message: string; hint: string }) => {
    const next: Record<string, string> = {
      'bad-model': 'Select Model',
      'model-load-failed': 'Select Model',
      'worker-crashed': 'Select Model',
      'worker-unresponsive': 'Select Model',
      'device-not-found': 'Select Microphone',
      'capture-stalled': 'Select Microphone',
      'credential-missing': SET_KEY,
      'credential-rejected': SET_KEY,
    };
    const action = next[e.code];
    const actions = action ? [action, 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`Voxnote: ${e.message} ${e.hint}`, ...actions).then((pick) => {
      if (pick === 'Select Model') void vscode.commands.executeCommand('voxnote.selectModel');
      if (pick === 'Select Microphone') void vscode.commands.executeCommand('voxnote.selectMicrophone');
      if (pick === SET_KEY) void vscode.commands.executeCommand(SET_KEY_COMMAND);
      if (pick === 'Show Log') log.show(true);
    });
  };

  const engines = new EngineChoice({ models, key, firstRun: (offer) => void offerFirstRun(models, offer), reportError });
  const dictation = new DictationController({ lane: dictationLane, engines, store, log, reportError });

  const panelActions: PanelActions = {
    toggle: () => dictation.toggle(),
    copy: () => void vscode.env.clipboard.writeText(store.state.utterances.map((u) => u.text).join('\n')),
    clear: () => store.clear(),
  };
  const showTranscript = () => TranscriptPanel.createOrShow(context.extensionUri, store, panelActions);

  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    models,
    speech,
    bindSpeechContext(speech),
    // While a cloud engine runs, the status bar and the panel say that audio leaves the machine.
    speech.onDidChangeSessions(() => store.update({ cloud: speech.activeSessions.some((s) => s.engine === 'assemblyai') ? 'AssemblyAI' : undefined })),
    dictation,
    new StatusBarController(store, partialLength),
    command('voxnote.startDictation', (o?: StartOptions) => dictation.start(o)),
    command('voxnote.stopDictation', () => dictation.stop()),
    command('voxnote.toggleDictation', (o?: StartOptions) => dictation.toggle(o)),
    command('voxnote.pushToTalk', (o?: StartOptions) => dictation.pushToTalk(o)),
    command('voxnote.cancelDictation', () => dictation.cancel()),
    command('voxnote.showTranscript', showTranscript),
    command('voxnote.selectMicrophone', () => selectMicrophone(speech)),
    ...key.commands(),
    command('voxnote.selectModel', () => selectModel(models)),
    registerModelCommands(context, models),
    registerMeetingCommands(context, { speech, engines, store, log, reportError }),
    command('voxnote.showError', () => {
      const error = store.state.error;
      if (error) reportError({ code: '', ...error });
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => TranscriptPanel.revive(panel, context.extensionUri, store, panelActions),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('voxnote.model.path')) models.refresh();
      else if (e.affectsConfiguration('voxnote.engine.dictation') && preloadModel() && !dictation.active) dictation.warmUp();
    }),
    models.onDidChange(() => {
      // An idle warm worker switches model now; a running session picks it up on its next start.
      if (preloadModel() && !dictation.active) dictation.warmUp();
    }),
  );
  if (preloadModel()) setTimeout(() => dictation.warmUp(), 0);
  return voxnoteApi(performance.now() - started, dictationLane);
}

export function deactivate(): void {
  // Everything is in context.subscriptions, disposed by VS Code.
}
