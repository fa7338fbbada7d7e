/**
 * The meeting-notes commands: Start (choose the sources), Pause, Resume, Stop,
 * the status bar's menu, Transcribe Audio File…, Export Meeting Notes as
 * Subtitles…. Thin: the meeting lives in MeetingController.
 */
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import type { TranscriptStore } from '../dictation/transcriptState';
import type { ModelStore, ResolvedModel } from '../models/modelStore';
import { pickMeetingAction, pickSources } from '../ui/meetingPickers';
import { MEETING_MENU_COMMAND, MeetingStatusBar } from '../ui/meetingStatusBar';
import type { FirstRun } from '../ui/firstRun';
import { MeetingController } from './meetingController';
import type { TrackKind } from './meetingTrack';
import type { SubtitleFormat } from './notesExport';
import { exportNotesSubtitles, transcribeAudioFile } from './notesFileCommands';

export interface MeetingCommandDeps {
  models: ModelStore;
  firstRun: FirstRun;
  store: TranscriptStore;
  log: vscode.LogOutputChannel;
  reportError(error: { code: string; message: string; hint: string }): void;
}

export interface StartMeetingOptions {
  /** Skips the quick pick (keybindings, tests). */
  sources?: TrackKind[];
}

const isSources = (v: unknown): v is TrackKind[] => Array.isArray(v) && v.length > 0 && v.every((k) => k === 'mic' || k === 'system');

export function registerMeetingCommands(context: vscode.ExtensionContext, deps: MeetingCommandDeps): vscode.Disposable {
  const workerPath = context.asAbsolutePath('dist/worker.js');
  /** The model, or undefined after offering one (then `resume` runs) or reporting what is wrong with it. */
  const usableModel = (purpose: string, resume: () => unknown): ResolvedModel | undefined => {
    const resolved = deps.models.resolve();
    if (!resolved) void deps.firstRun.offer(purpose, resume);
    else if (!resolved.check.ok) deps.reportError({ code: 'bad-model', ...resolved.check });
    else return resolved;
    return undefined;
  };
  const again = (id: string, ...args: unknown[]) => () => vscode.commands.executeCommand(id, ...args);
  const meeting = new MeetingController({
    workerPath,
    model: () => usableModel('taking meeting notes', again('voxnote.startMeetingNotes')),
    store: deps.store,
    workspaceState: context.workspaceState,
    log: deps.log,
    reportError: deps.reportError,
  });
  const fileDeps = (uri?: vscode.Uri) => ({ workerPath, model: () => usableModel('transcribing', again('voxnote.transcribeAudioFile', uri)), log: deps.log });
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  const disposables = [
    meeting,
    new MeetingStatusBar(meeting),
    command('voxnote.startMeetingNotes', async (o?: StartMeetingOptions) => {
      if (meeting.status !== 'idle') return meeting.showNotes();
      // The model first: without one, the sources would be asked for nothing.
      if (!usableModel('taking meeting notes', again('voxnote.startMeetingNotes', o))) return;
      const sources = isSources(o?.sources) ? o.sources : await pickSources(context.globalState, readMeetingSettings().labels);
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
      return transcribeAudioFile(fileDeps(file), file);
    }),
    command('voxnote.exportSubtitles', (uri?: vscode.Uri, format?: SubtitleFormat) =>
      exportNotesSubtitles(meeting.notesPath, uri instanceof vscode.Uri ? uri : undefined, format),
    ),
  ];
  void meeting.offerResume();
  return vscode.Disposable.from(...disposables);
}
