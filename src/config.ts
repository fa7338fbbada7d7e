/**
 * Typed access to the voxnote.* settings declared in package.json. The one
 * place that knows setting names and their defaults' fallbacks.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import type { FormatOptions } from './dictation/formatter';
import type { PushToTalkMode } from './dictation/holdDetector';
import type { TrackKind } from './notes/meetingTrack';
import { notesLocation, type NotesLocation } from './notes/notesFiles';
import { DEFAULT_NAME_TEMPLATE, inWorkspace } from './notes/notesPath';
import { isCaptureBackend, type CaptureBackend } from './shared/protocol';

const section = () => vscode.workspace.getConfiguration('voxnote');

export interface DictationSettings {
  modelPath: string;
  device: string | undefined;
  backend: CaptureBackend | undefined;
  pushToTalkMode: PushToTalkMode;
  releaseTailMs: number;
  ghostText: boolean;
  phrases: string[];
  format: FormatOptions;
}

const captureBackend = (c: vscode.WorkspaceConfiguration): CaptureBackend | undefined => {
  const backend = c.get<string>('audio.backend', 'auto');
  return isCaptureBackend(backend) ? backend : undefined;
};

export function readDictationSettings(): DictationSettings {
  const c = section();
  return {
    modelPath: c.get<string>('model.path', '').trim(),
    device: c.get<string>('microphone.device', '').trim() || undefined,
    backend: captureBackend(c),
    pushToTalkMode: c.get<PushToTalkMode>('pushToTalk.mode', 'auto'),
    releaseTailMs: c.get<number>('pushToTalk.releaseTailMs', 300),
    ghostText: c.get<boolean>('editor.ghostText', true),
    phrases: c.get<string[]>('phrases', []),
    format: {
      spacing: c.get<boolean>('format.spacing', true),
      capitalize: c.get<boolean>('format.capitalize', true),
      spokenPunctuation: c.get<boolean>('format.spokenPunctuation', true),
      numbersAsDigits: c.get<boolean>('format.numbersAsDigits', false),
      numbersMinimum: c.get<number>('format.numbersMinimum', 10),
      commands: c.get<Record<string, string>>('format.commands', {}),
    },
  };
}

export interface MeetingSettings {
  /** Absolute folder for new notes files, as a path of `location.storage`. */
  folder: string;
  /** The folder with the storage that reaches it (local disk or the remote workspace). */
  location: NotesLocation;
  /** Set when the workspace's voxnote.notes.folder was ignored: says why, for a warning. */
  folderIgnored?: string;
  fileNameTemplate: string;
  labels: Record<TrackKind, string>;
  /** Device per source; the system default when undefined. */
  devices: Record<TrackKind, string | undefined>;
  backend: CaptureBackend | undefined;
}

/**
 * voxnote.notes.folder, where a folder outside the workspace counts only from
 * user settings: a cloned repository's settings must not make Voxnote write
 * elsewhere on the disk (in Restricted Mode VS Code already ignores them).
 */
function notesFolderSetting(c: vscode.WorkspaceConfiguration): { setting: string; ignored?: string } {
  const value = c.get<string>('notes.folder', 'notes');
  const i = c.inspect<string>('notes.folder');
  const fromWorkspace = i?.workspaceFolderValue ?? i?.workspaceValue;
  if (fromWorkspace === undefined || fromWorkspace !== value || inWorkspace(fromWorkspace)) return { setting: value };
  const user = i?.globalValue ?? i?.defaultValue ?? 'notes';
  return {
    setting: user,
    ignored: `The workspace's setting voxnote.notes.folder ("${fromWorkspace}") is outside the workspace, so Voxnote ignores it and uses "${user}". A folder outside the workspace can be set in your user settings.`,
  };
}

export function readMeetingSettings(): MeetingSettings {
  const c = section();
  const text = (key: string, fallback: string) => c.get<string>(key, fallback).trim() || fallback;
  const { setting, ignored } = notesFolderSetting(c);
  const location = notesLocation(setting, vscode.workspace.workspaceFolders?.[0]?.uri, os.homedir());
  return {
    folder: location.folder,
    location,
    folderIgnored: ignored,
    fileNameTemplate: text('notes.fileNameTemplate', DEFAULT_NAME_TEMPLATE),
    labels: { mic: text('notes.labels.mic', 'Me'), system: text('notes.labels.system', 'Others') },
    devices: {
      mic: c.get<string>('microphone.device', '').trim() || undefined,
      system: c.get<string>('systemAudio.device', '').trim() || undefined,
    },
    backend: captureBackend(c),
  };
}

export const preloadModel = (): boolean => section().get<boolean>('preloadModel', false);
export const partialLength = (): number => section().get<number>('statusBar.partialLength', 40);
export const maxModelBytes = (): number => section().get<number>('model.maxUnpackedGB', 10) * 1024 ** 3;

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await section().update(key, value, vscode.ConfigurationTarget.Global);
}
