/**
 * Typed access to the voxnote.* settings declared in package.json. The one
 * place that reads them; their defaults are in shared/settings.ts.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import type { CaptureBackend, MicSource } from './shared/protocol';
import { FormatOptions, notesFolder, PushToTalkMode, SettingName, SETTING_DEFAULTS } from './shared/settings';

const section = () => vscode.workspace.getConfiguration('voxnote');
/** A setting's value; the default when VS Code has none (package.json declares the same, see shared/settings.ts). */
type Value<K extends SettingName> = (typeof SETTING_DEFAULTS)[K];
const read = <K extends SettingName>(c: vscode.WorkspaceConfiguration, key: K): Value<K> => c.get<Value<K>>(key, SETTING_DEFAULTS[key]);
/** A meeting source (meetingTrack's TrackKind), named here without importing notes/. */
type TrackKind = MicSource['kind'];

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
  const backend = read(c, 'audio.backend');
  return backend === 'pulse' || backend === 'portaudio' ? backend : undefined;
};

export function readDictationSettings(): DictationSettings {
  const c = section();
  return {
    modelPath: read(c, 'model.path').trim(),
    device: read(c, 'microphone.device').trim() || undefined,
    backend: captureBackend(c),
    pushToTalkMode: read(c, 'pushToTalk.mode'),
    releaseTailMs: read(c, 'pushToTalk.releaseTailMs'),
    ghostText: read(c, 'editor.ghostText'),
    phrases: [...read(c, 'phrases')],
    format: {
      spacing: read(c, 'format.spacing'),
      capitalize: read(c, 'format.capitalize'),
      spokenPunctuation: read(c, 'format.spokenPunctuation'),
      numbersAsDigits: read(c, 'format.numbersAsDigits'),
      numbersMinimum: read(c, 'format.numbersMinimum'),
      commands: read(c, 'format.commands'),
    },
  };
}

export interface MeetingSettings {
  /** Absolute folder for new notes files. */
  folder: string;
  fileNameTemplate: string;
  labels: Record<TrackKind, string>;
  /** Device per source; the system default when undefined. */
  devices: Record<TrackKind, string | undefined>;
  backend: CaptureBackend | undefined;
}

export function readMeetingSettings(): MeetingSettings {
  const c = section();
  const text = (key: 'notes.fileNameTemplate' | 'notes.labels.mic' | 'notes.labels.system') => read(c, key).trim() || SETTING_DEFAULTS[key];
  return {
    folder: notesFolder(read(c, 'notes.folder'), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, os.homedir()),
    fileNameTemplate: text('notes.fileNameTemplate'),
    labels: { mic: text('notes.labels.mic'), system: text('notes.labels.system') },
    devices: {
      mic: read(c, 'microphone.device').trim() || undefined,
      system: read(c, 'systemAudio.device').trim() || undefined,
    },
    backend: captureBackend(c),
  };
}

export const preloadModel = (): boolean => read(section(), 'preloadModel');
export const partialLength = (): number => read(section(), 'statusBar.partialLength');
export const maxModelBytes = (): number => read(section(), 'model.maxUnpackedGB') * 1024 ** 3;

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await section().update(key, value, vscode.ConfigurationTarget.Global);
}
