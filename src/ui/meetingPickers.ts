/** Quick picks of meeting notes: which sources, and what to do with the meeting under way. */
import * as vscode from 'vscode';
import type { MeetingStatus } from '../notes/meetingController';
import type { TrackKind } from '../notes/meetingTrack';
import type { DeviceList } from '../speech/speechService';
import { systemAudioHelp } from '../shared/systemAudio';
import { hasSystemAudio } from './microphoneList';

/** globalState: the sources chosen last time, offered first next time. */
const SOURCES_KEY = 'voxnote.meeting.sources';

type SourcesItem = vscode.QuickPickItem & { kinds: TrackKind[] };

/**
 * Which sources the notes hear. With `devices` (the worker's report), the
 * choices that need system audio say how to get it when this machine has none.
 */
export async function pickSources(
  globalState: vscode.Memento,
  labels: Record<TrackKind, string>,
  devices?: Promise<DeviceList>,
): Promise<TrackKind[] | undefined> {
  // The picker opens at once and fills in when the report arrives; no report (an error) says nothing wrong.
  const items = Promise.resolve(devices?.catch(() => undefined)).then((report) =>
    sourceItems(globalState, labels, !report || hasSystemAudio(report.devices)),
  );
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Voxnote: Start Meeting Notes',
    placeHolder: 'What should the notes hear?',
    matchOnDescription: true,
  });
  if (pick) await globalState.update(SOURCES_KEY, pick.kinds);
  return pick?.kinds;
}

function sourceItems(globalState: vscode.Memento, labels: Record<TrackKind, string>, systemAudio: boolean): SourcesItem[] {
  const items: SourcesItem[] = [
    {
      label: '$(mic) Microphone and system audio',
      description: `"${labels.mic}" and "${labels.system}"`,
      detail: 'You and the others in a call, each with its own recognizer.',
      kinds: ['mic', 'system'],
    },
    { label: '$(device-desktop) System audio only', description: `"${labels.system}"`, detail: 'What your computer plays: the others in a call, a talk.', kinds: ['system'] },
    { label: '$(mic) Microphone only', description: `"${labels.mic}"`, detail: 'A meeting in the room, or your own notes.', kinds: ['mic'] },
  ];
  const last = globalState.get<TrackKind[]>(SOURCES_KEY);
  const lastIndex = items.findIndex((i) => i.kinds.join() === last?.join());
  if (lastIndex > 0) items.unshift(...items.splice(lastIndex, 1));
  if (lastIndex >= 0) items[0].description += ' · last used';
  if (!systemAudio) {
    for (const item of items) if (item.kinds.includes('system')) item.detail = `No system-audio input on this computer yet. ${systemAudioHelp(process.platform)}`;
  }
  return items;
}

type ActionItem = vscode.QuickPickItem & { command: string };

/** The status bar's menu for the meeting under way. */
export async function pickMeetingAction(status: MeetingStatus): Promise<string | undefined> {
  const items: ActionItem[] = [
    status === 'paused'
      ? { label: '$(debug-continue) Resume', command: 'voxnote.resumeMeetingNotes' }
      : { label: '$(debug-pause) Pause', description: 'stop listening for a while', command: 'voxnote.pauseMeetingNotes' },
    { label: '$(debug-stop) Stop', description: 'finish the notes', command: 'voxnote.stopMeetingNotes' },
    { label: '$(output) Show Transcript', command: 'voxnote.showTranscript' },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'Voxnote: Meeting Notes' }))?.command;
}
