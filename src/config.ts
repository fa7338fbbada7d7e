/**
 * Typed access to the voxnote.* settings declared in package.json. The one
 * place that knows setting names and their defaults' fallbacks.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import type { FormatOptions } from './dictation/formatter';
import type { PushToTalkMode } from './dictation/holdDetector';
import type { TrackKind } from './notes/meetingTrack';
import { DEFAULT_NAME_TEMPLATE, notesFolder } from './notes/notesPath';
import type { CaptureBackend } from './shared/protocol';

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
  return backend === 'pulse' || backend === 'portaudio' ? backend : undefined;
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
  const text = (key: string, fallback: string) => c.get<string>(key, fallback).trim() || fallback;
  return {
    folder: notesFolder(c.get<string>('notes.folder', 'notes'), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, os.homedir()),
    fileNameTemplate: text('notes.fileNameTemplate', DEFAULT_NAME_TEMPLATE),
    labels: { mic: text('notes.labels.mic', 'Me'), system: text('notes.labels.system', 'Others') },
    devices: {
      mic: c.get<string>('microphone.device', '').trim() || undefined,
      system: c.get<string>('systemAudio.device', '').trim() || undefined,
    },
    backend: captureBackend(c),
  };
}

/** Which engine a purpose uses: the local model unless the person chose the cloud. */
export type EngineSetting = 'local' | 'assemblyai';
export type EnginePurpose = 'dictation' | 'meetingNotes';
export const engineSetting = (purpose: EnginePurpose): EngineSetting =>
  section().get<string>(`engine.${purpose}`, 'local') === 'assemblyai' ? 'assemblyai' : 'local';
/** AssemblyAI's streaming endpoint; empty means the service's own. */
export const assemblyaiStreamingUrl = (): string => section().get<string>('assemblyai.streamingUrl', '').trim();

export const preloadModel = (): boolean => section().get<boolean>('preloadModel', false);
export const partialLength = (): number => section().get<number>('statusBar.partialLength', 40);
export const maxModelBytes = (): number => section().get<number>('model.maxUnpackedGB', 10) * 1024 ** 3;

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await section().update(key, value, vscode.ConfigurationTarget.Global);
}
