/**
 * The meeting commands: Start Meeting Notes (engine first, then the sources
 * pick, unless a keybinding or test names them), Pause, Resume, Stop and the
 * status bar's menu. With a meeting under way, Start shows its notes.
 */
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import type { MeetingController } from '../notes/meetingController';
import type { TrackKind } from '../notes/meetingTrack';
import type { SpeechService } from '../speech/speechService';
import type { EngineChoice } from '../speech/vscode/engineChoice';
import { pickMeetingAction, pickSources } from './meetingPickers';
import { MEETING_MENU_COMMAND } from './meetingStatusBar';

export interface StartMeetingOptions {
  /** Skips the quick pick (keybindings, tests). */
  sources?: TrackKind[];
}

const isSources = (v: unknown): v is TrackKind[] => Array.isArray(v) && v.length > 0 && v.every((k) => k === 'mic' || k === 'system');

export function registerMeetingCommands(deps: { meeting: MeetingController; engines: EngineChoice; speech: SpeechService; globalState: vscode.Memento }): vscode.Disposable {
  const { meeting, engines, speech, globalState } = deps;
  const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  return vscode.Disposable.from(
    command('voxnote.startMeetingNotes', async (o?: StartMeetingOptions) => {
      if (meeting.underWay) return meeting.showNotes();
      // The engine first: without one, the sources would be asked for nothing.
      if (!(await engines.choose('meetingNotes', { purpose: 'taking meeting notes', command: 'voxnote.startMeetingNotes', args: [o] }))) return;
      const sources = isSources(o?.sources) ? o.sources : await pickSources(globalState, readMeetingSettings().labels, speech.listDevices());
      if (sources) await meeting.start(sources);
    }),
    command('voxnote.pauseMeetingNotes', () => meeting.pause()),
    command('voxnote.resumeMeetingNotes', () => meeting.resume()),
    command('voxnote.stopMeetingNotes', () => meeting.stop()),
    command(MEETING_MENU_COMMAND, async () => {
      const next = meeting.status === 'idle' ? undefined : await pickMeetingAction(meeting.status);
      if (next) await vscode.commands.executeCommand(next);
    }),
  );
}
