/**
 * The meeting-notes commands: Start (choose the sources), Pause, Resume, Stop,
 * the status bar's menu, Transcribe Audio File…, Export Meeting Notes as
 * Subtitles…. Thin: the meeting lives in MeetingController.
 */
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import type { TranscriptStore } from '../dictation/transcriptState';
import type { EngineChoice } from '../speech/vscode/engineChoice';
import type { SpeechService } from '../speech/speechService';
import { pickMeetingAction, pickSources } from '../ui/meetingPickers';
import { MEETING_MENU_COMMAND, MeetingStatusBar } from '../ui/meetingStatusBar';
import { MeetingController } from './meetingController';
import type { TrackKind } from './meetingTrack';
import type { SubtitleFormat } from './notesExport';
import { exportNotesSubtitles, transcribeAudioFile } from './notesFileCommands';

export interface MeetingCommandDeps {
  speech: SpeechService;
  engines: EngineChoice;
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
  const meeting = new MeetingController({
    speech: deps.speech,
    engine: () => deps.engines.choose('meetingNotes', { purpose: 'taking meeting notes', command: 'voxnote.startMeetingNotes' }),
    store: deps.store,
    workspaceState: context.workspaceState,
    log: deps.log,
    reportError: deps.reportError,
  });
  // Files go through the local model: a streaming service would take as long as the recording plays.
  const files = { speech: deps.speech, engine: () => deps.engines.local({ purpose: 'transcribing', command: 'voxnote.transcribeAudioFile' }) };
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  const disposables = [
    meeting,
    new MeetingStatusBar(meeting),
    command('voxnote.startMeetingNotes', async (o?: StartMeetingOptions) => {
      if (meeting.status !== 'idle') return meeting.showNotes();
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
    command('voxnote.transcribeAudioFile', (uri?: vscode.Uri) => transcribeAudioFile(files, uri instanceof vscode.Uri ? uri : undefined)),
    command('voxnote.exportSubtitles', (uri?: vscode.Uri, format?: SubtitleFormat) =>
      exportNotesSubtitles(meeting.notesPath, uri instanceof vscode.Uri ? uri : undefined, format),
    ),
  ];
  void meeting.offerResume();
  return vscode.Disposable.from(...disposables);
}
