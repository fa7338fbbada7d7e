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
import { partialLength, preloadModel, readMeetingSettings } from './config';
import { DictationController, StartOptions } from './dictation/dictationController';
import { KeptTranscript } from './dictation/keptTranscript';
import { withTerminalCommands } from './dictation/terminalKeys';
import { withDeadline } from './shared/deadline';
import { TranscriptStore } from './transcript/transcriptStore';
import { AssemblyAIKey, SET_KEY, SET_KEY_COMMAND } from './speech/vscode/assemblyaiKey';
import { EngineChoice, type EngineOffer } from './speech/vscode/engineChoice';
import { SpeechService } from './speech/speechService';
import { bindSpeechContext, confirmMicrophoneHandover } from './speech/vscode/speechContext';
import { registerModelCommands } from './models/commands';
import { ModelStore } from './models/modelStore';
import { MeetingController } from './notes/meetingController';
import type { TrackKind } from './notes/meetingTrack';
import type { SubtitleFormat } from './notes/notesExport';
import { cancelTranscriptions, exportNotesSubtitles, type RunningTranscription, transcribeAudioFile } from './notes/notesFileCommands';
import { actionItemToIssue, actionItemToTodo, renameSpeaker } from './notes/notesEditCommands';
import { summarizeMeeting } from './notes/summaryCommand';
import { pickMeetingAction, pickSources } from './ui/meetingPickers';
import { MEETING_MENU_COMMAND, MeetingStatusBar } from './ui/meetingStatusBar';
import { FirstRun } from './ui/firstRun';
import { notify, type NextStep } from './notify/nextSteps';
import { chooseModelFolder, selectMicrophone, selectModel } from './ui/pickers';
import { StatusBarController } from './ui/statusBar';
import { PanelActions, PANEL_VIEW_TYPE, TranscriptPanel } from './ui/transcriptPanel';
import { registerWalkthrough } from './ui/walkthrough';

export interface StartMeetingOptions {
  /** Skips the quick pick (keybindings, tests). */
  sources?: TrackKind[];
}

const isSources = (v: unknown): v is TrackKind[] => Array.isArray(v) && v.length > 0 && v.every((k) => k === 'mic' || k === 'system');

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
  const key = new AssemblyAIKey(context.secrets);

  const step = (label: string, id: string): NextStep => ({ label, run: () => vscode.commands.executeCommand(id) });
  const pickModel = step('Select Model', 'voxnote.selectModel');
  const pickMic = step('Select Microphone', 'voxnote.selectMicrophone');
  const setKey = step(SET_KEY, SET_KEY_COMMAND);
  // A hint usually names the command to run, which becomes a button; these codes offer one anyway.
  const next: Record<string, NextStep> = {
    'bad-model': pickModel,
    'model-load-failed': pickModel,
    'worker-crashed': pickModel,
    'worker-unresponsive': pickModel,
    'device-not-found': pickMic,
    'capture-stalled': pickMic,
    'credential-missing': setKey,
    'credential-rejected': setKey,
  };
  const reportError = (e: { code: string; message: string; hint: string }) => {
    const steps = [...(next[e.code] ? [next[e.code]] : []), { label: 'Show Log', run: () => log.show(true) }];
    void notify('error', `Voxnote: ${e.message} ${e.hint}`, ...steps);
  };
  const firstRun = new FirstRun(models);

  const again = (offer: EngineOffer) => () => vscode.commands.executeCommand(offer.command, ...(offer.args ?? []));
  const engines = new EngineChoice({ models, key, firstRun: (offer) => void firstRun.offer(offer.purpose, again(offer)), reportError });
  const dictation = new DictationController({ lane: dictationLane, engines, store, log, reportError });

  const panelActions: PanelActions = {
    toggle: () => dictation.toggle(),
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
    // Meeting lines the notes disk still refused are kept with dictation's.
    for (const u of store.state.utterances) if (u.pending) kept?.keep({ text: u.speaker ? `${u.speaker}: ${u.text}` : u.text, time: u.time });
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
    // While a cloud engine runs, the status bar and the panel say that audio leaves the machine.
    speech.onDidChangeSessions(() => store.update({ cloud: speech.activeSessions.some((s) => s.engine === 'assemblyai') ? 'AssemblyAI' : undefined })),
    firstRun,
    dictation,
    new StatusBarController(store, partialLength),
    registerWalkthrough(context, models, store),
    command('voxnote.startDictation', (o?: StartOptions) => dictation.start(o)),
    command('voxnote.stopDictation', () => dictation.stop()),
    command('voxnote.toggleDictation', (o?: StartOptions) => dictation.toggle(o)),
    command('voxnote.pushToTalk', (o?: StartOptions) => dictation.pushToTalk(o)),
    command('voxnote.cancelDictation', () => dictation.cancel()),
    command('voxnote.showTranscript', showTranscript),
    command('voxnote.selectMicrophone', () => selectMicrophone(speech)),
    ...key.commands(),
    command('voxnote.selectModel', () => selectModel(models)),
    command('voxnote.chooseModelFolder', () => chooseModelFolder(models)),
    registerModelCommands(context, models),
    meeting,
    new MeetingStatusBar(meeting),
    command('voxnote.startMeetingNotes', async (o?: StartMeetingOptions) => {
      if (meeting.status !== 'idle') return meeting.showNotes();
      // The engine first: without one, the sources would be asked for nothing.
      if (!(await engines.choose('meetingNotes', { purpose: 'taking meeting notes', command: 'voxnote.startMeetingNotes', args: [o] }))) return;
      const sources = isSources(o?.sources) ? o.sources : await pickSources(context.globalState, readMeetingSettings().labels, speech.listDevices());
      if (sources) await meeting.start(sources);
    }),
    command('voxnote.pauseMeetingNotes', () => meeting.pause()),
    command('voxnote.resumeMeetingNotes', () => meeting.resume()),
    command('voxnote.stopMeetingNotes', () => meeting.stop()),
    command(MEETING_MENU_COMMAND, async () => {
      const next = meeting.status === 'idle' ? undefined : await pickMeetingAction(meeting.status);
      if (next) await vscode.commands.executeCommand(next);
    }),
    command('voxnote.transcribeAudioFile', (uri?: vscode.Uri) => {
      const file = uri instanceof vscode.Uri ? uri : undefined;
      return transcribeAudioFile(files(file), file);
    }),
    command('voxnote.exportSubtitles', (uri?: vscode.Uri, format?: SubtitleFormat) =>
      exportNotesSubtitles(meeting.notesUri, uri instanceof vscode.Uri ? uri : undefined, format),
    ),
    command('voxnote.summarizeMeeting', (uri?: vscode.Uri) => summarizeMeeting({ runningNotes: () => meeting.notesUri, log }, uri instanceof vscode.Uri ? uri : undefined)),
    command('voxnote.renameSpeaker', (uri?: vscode.Uri) => renameSpeaker(() => meeting.notesUri, uri instanceof vscode.Uri ? uri : undefined)),
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
