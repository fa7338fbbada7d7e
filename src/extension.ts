/**
 * Wiring only: creates the controllers and registers commands. Activation
 * starts no worker and loads no model (unless voxnote.preloadModel asks for a
 * warm worker, which starts after activation returns). Deactivation (window
 * closed or reloaded) ends dictation, meetings and transcriptions with their
 * last words on disk, then the speech service's workers, before VS Code tears
 * the extension down.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { VoxnoteApi, voxnoteApi } from './api';
import { escapeDiscards, partialLength, preloadModel, readDictationSettings, sendPhrase } from './config';
import { DictationController, StartOptions } from './dictation/dictationController';
import { KeptTranscript } from './dictation/keptTranscript';
import { keepTerminalKeys } from './dictation/terminalKeysSetting';
import { StartTargets } from './dictation/targets/startTarget';
import { TargetDelivery } from './dictation/targets/targetDelivery';
import { CommandListener } from './dictation/voiceCommands/commandListener';
import { VoiceCommands } from './dictation/voiceCommands/voiceCommands';
import { withDeadline } from './shared/deadline';
import { TranscriptStore } from './transcript/transcriptStore';
import { audioGoesTo } from './shared/engines';
import { engineKeys } from './speech/vscode/engineKeys';
import { EngineChoice, type EngineOffer } from './speech/vscode/engineChoice';
import { SpeechService } from './speech/speechService';
import { bindSpeechContext, confirmMicrophoneHandover } from './speech/vscode/speechContext';
import { registerModelCommands } from './models/commands';
import { ModelStore } from './models/modelStore';
import { ModelSpeeds, registerSpeedTest } from './speech/vscode/speedCommand';
import { MeetingController } from './notes/meetingController';
import type { SubtitleFormat } from './notes/notesExport';
import { cancelTranscriptions, exportNotesSubtitles, type RunningTranscription, transcribeAudioFile } from './notes/notesFileCommands';
import { actionItemToIssue, actionItemToTodo, renameSpeaker } from './notes/notesEditCommands';
import { summarizeMeeting } from './notes/summaryCommand';
import { registerMeetingCommands } from './ui/meetingCommands';
import { MeetingStatusBar } from './ui/meetingStatusBar';
import { FirstRun } from './ui/firstRun';
import { errorReporter } from './notify/nextSteps';
import { chooseModelFolder, selectMicrophone, selectModel } from './ui/pickers';
import { StatusBarController } from './ui/statusBar';
import { PanelActions, PANEL_VIEW_TYPE, TranscriptPanel } from './ui/transcriptPanel';
import { registerWalkthrough } from './ui/walkthrough';

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
  const speech = new SpeechService({
    workerPath: context.asAbsolutePath('dist/worker.js'),
    log: (line) => log.debug(`[worker] ${line}`),
    confirmMicrophoneHandover,
  });
  const dictationLane = speech.createLane('dictation');
  const keys = engineKeys(context.secrets);

  const reportError = errorReporter(log);
  // A new measurement sets a new partial cadence: an idle warm worker loads the model with it now.
  const speeds = new ModelSpeeds(context, models, speech, () => preloadModel() && !dictation.active && dictation.warmUp());
  const firstRun = new FirstRun(models, () => speeds.firstRunOffer());

  const again = (offer: EngineOffer) => () => vscode.commands.executeCommand(offer.command, ...(offer.args ?? []));
  const engines = new EngineChoice({ models, keys, firstRun: (offer) => void firstRun.offer(offer.purpose, again(offer)), reportError, cadence: (p) => speeds.cadence(p), speeds: context.globalState, log });
  // Targets and voice commands (issue 17): where finals go, and utterances that are commands.
  const targets = new StartTargets();
  const voiceCommands = new VoiceCommands({ stopDictation: () => dictation.stop(), log });
  const delivery = new TargetDelivery({ format: () => readDictationSettings().format, sendPhrase, runCommand: (u) => voiceCommands.run(u, 'dictation') });
  const dictation = new DictationController({ lane: dictationLane, engines, store, log, reportError, targets, delivery });
  const commandListener = new CommandListener({ lane: dictationLane, engines, commands: voiceCommands, log, reportError });

  const panelActions: PanelActions = {
    // The panel has the focus: its Start dictates into the editor active before it.
    toggle: () => dictation.toggle({ target: 'lastEditor' }),
    copy: () => void vscode.env.clipboard.writeText(store.state.utterances.map((u) => u.text).join('\n')),
    clear: () => store.clear(),
  };
  const showTranscript = () => TranscriptPanel.createOrShow(context.extensionUri, store, panelActions);

  const meeting = new MeetingController({
    speech,
    engine: () => engines.choose('meetingNotes', { purpose: 'taking meeting notes', command: 'voxnote.startMeetingNotes' }),
    store,
    workspaceState: context.workspaceState,
    log,
    reportError,
    keep: (u) => kept?.keep({ text: u.speaker ? `${u.speaker}: ${u.text}` : u.text, time: new Date().toISOString() }),
  });
  // Files go through the local model: a streaming service would take as long as the recording plays.
  const transcriptions = new Set<RunningTranscription>();
  const files = (uri?: vscode.Uri) => ({
    speech,
    engine: () => engines.local({ purpose: 'transcribing', command: 'voxnote.transcribeAudioFile', args: [uri] }),
    running: transcriptions,
  });

  shutdown = async () => {
    const t0 = Date.now();
    const left = () => Math.max(200, SHUTDOWN_MS - (Date.now() - t0));
    await Promise.all([dictation.shutdown(SHUTDOWN_MS), meeting.shutdown(SHUTDOWN_MS), withDeadline(cancelTranscriptions(transcriptions), SHUTDOWN_MS)]);
    // Then the workers: every lane's session is over by now, or is cut here.
    await withDeadline(speech.shutdown(), left());
    if (kept) await withDeadline(kept.flushed(), left());
    // Not in context.subscriptions: it must still hear the last final, which comes after they are disposed.
    kept?.dispose();
  };

  // The status bar's tooltip names the model dictation will use, before the first start too.
  const showModel = () => {
    if (!dictation.active) store.update({ model: models.resolve()?.name ?? '' });
  };
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    log,
    models,
    speech,
    bindSpeechContext(speech),
    // While audio leaves the machine, the status bar and the panel say where it goes.
    speech.onDidChangeSessions(() => store.update({ cloud: speech.activeSessions.map((s) => audioGoesTo(s.engineSpec)).find((to) => to) })),
    firstRun,
    dictation,
    new StatusBarController(store, partialLength),
    registerWalkthrough(context, models, store),
    command('voxnote.startDictation', (o?: StartOptions) => dictation.start(o)),
    command('voxnote.stopDictation', () => dictation.stop()),
    command('voxnote.toggleDictation', (o?: StartOptions) => dictation.toggle(o)),
    command('voxnote.pushToTalk', (o?: StartOptions) => dictation.pushToTalk(o)),
    command('voxnote.cancelDictation', () => dictation.cancel()),
    targets,
    delivery,
    commandListener,
    command('voxnote.escapeDictation', () => (escapeDiscards() ? dictation.cancel() : dictation.stop())),
    command('voxnote.dictateAndSend', (o?: StartOptions) => dictation.pushToTalk({ ...o, send: true })),
    command('voxnote.listenForCommand', () => commandListener.listen()),
    command('voxnote.showCommands', (o?: StartOptions) => targets.showCommands(o)),
    command('voxnote.showTranscript', showTranscript),
    command('voxnote.selectMicrophone', () => selectMicrophone(speech)),
    ...[...keys.values()].flatMap((k) => k.commands()),
    command('voxnote.selectModel', () => selectModel(models)),
    command('voxnote.chooseModelFolder', () => chooseModelFolder(models)),
    registerModelCommands(context, models, speeds),
    registerSpeedTest(speeds),
    meeting,
    new MeetingStatusBar(meeting),
    registerMeetingCommands({ meeting, engines, speech, globalState: context.globalState }),
    command('voxnote.transcribeAudioFile', (uri?: vscode.Uri) => {
      const file = uri instanceof vscode.Uri ? uri : undefined;
      return transcribeAudioFile(files(file), file);
    }),
    command('voxnote.exportSubtitles', (uri?: vscode.Uri, format?: SubtitleFormat) =>
      exportNotesSubtitles(meeting.notesUri, uri instanceof vscode.Uri ? uri : undefined, format),
    ),
    command('voxnote.summarizeMeeting', (uri?: vscode.Uri) => summarizeMeeting({ runningNotes: () => meeting.notesUri, log }, uri instanceof vscode.Uri ? uri : undefined)),
    command('voxnote.renameSpeaker', (uri?: vscode.Uri) => renameSpeaker(() => meeting.notesUri, (from, to) => meeting.renameSpeaker(from, to), uri instanceof vscode.Uri ? uri : undefined)),
    command('voxnote.actionItemToTodo', () => actionItemToTodo(() => meeting.notesUri)),
    command('voxnote.actionItemToIssue', () => actionItemToIssue(() => meeting.notesUri)),
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
      showModel();
      // An idle warm worker switches model now; a running session picks it up on its next start.
      if (preloadModel() && !dictation.active) dictation.warmUp();
    }),
  );
  showModel();
  if (preloadModel()) setTimeout(() => dictation.warmUp(), 0);
  void meeting.offerResume();
  setTimeout(() => keepTerminalKeys(log), 0);
  return voxnoteApi(context.extensionMode, performance.now() - started, dictationLane);
}

/** Starts the shutdown at once (VS Code disposes context.subscriptions right after this returns; they wait for it). */
export function deactivate(): Promise<void> | undefined {
  const run = shutdown;
  shutdown = undefined;
  return run?.();
}
