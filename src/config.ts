/**
 * Typed access to the voxnote.* settings declared in package.json. The one
 * place that reads them; their defaults are in shared/settings.ts.
 */
import * as vscode from 'vscode';
import { isCaptureBackend, type CaptureBackend, type DiarizationOptions, type MicSource } from './shared/protocol';
import type { SettingReader } from './shared/engines';
import { EngineSettingValue, FormatOptions, inWorkspace, PushToTalkMode, SettingName, SETTING_DEFAULTS, TwoPassSetting } from './shared/settings';

const section = () => vscode.workspace.getConfiguration('voxnote');
/** A setting's value; the default when VS Code has none (package.json declares the same, see shared/settings.ts). */
type Value<K extends SettingName> = (typeof SETTING_DEFAULTS)[K];
const read = <K extends SettingName>(c: vscode.WorkspaceConfiguration, key: K): Value<K> => c.get<Value<K>>(key, SETTING_DEFAULTS[key]);
/** A setting from user settings only, never the workspace's: for what a cloned repository must not choose. */
const userValue = <K extends SettingName>(c: vscode.WorkspaceConfiguration, key: K): Value<K> => c.inspect<Value<K>>(key)?.globalValue ?? SETTING_DEFAULTS[key];
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
  return isCaptureBackend(backend) ? backend : undefined;
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
    format: readFormat(c),
  };
}

const readFormat = (c: vscode.WorkspaceConfiguration): FormatOptions => ({
  spacing: read(c, 'format.spacing'),
  capitalize: read(c, 'format.capitalize'),
  spokenPunctuation: read(c, 'format.spokenPunctuation'),
  numbersAsDigits: read(c, 'format.numbersAsDigits'),
  numbersMinimum: read(c, 'format.numbersMinimum'),
  commands: read(c, 'format.commands'),
});

export interface MeetingSettings {
  /** voxnote.notes.folder as it applies here (notes/notesFiles.ts meetingNotesLocation resolves it). */
  folderSetting: string;
  /** Set when the workspace's voxnote.notes.folder was ignored: says why, for a warning. */
  folderIgnored?: string;
  fileNameTemplate: string;
  labels: Record<TrackKind, string>;
  /** Device per source; the system default when undefined. */
  devices: Record<TrackKind, string | undefined>;
  backend: CaptureBackend | undefined;
  /** Dictation's formatting for the lines (spoken punctuation per voxnote.notes.spokenPunctuation); undefined: lines as recognized. */
  lineFormat: FormatOptions | undefined;
  /** Speaker diarization per source: system audio when the models are set, the microphone too when asked; else labelled by source. */
  diarization: Record<TrackKind, DiarizationOptions | undefined>;
}

/**
 * voxnote.notes.folder, where a folder outside the workspace counts only from
 * user settings: a cloned repository's settings must not make Voxnote write
 * elsewhere on the disk (in Restricted Mode VS Code already ignores them).
 */
function notesFolderSetting(c: vscode.WorkspaceConfiguration): { setting: string; ignored?: string } {
  const value = read(c, 'notes.folder');
  const i = c.inspect<string>('notes.folder');
  const fromWorkspace = i?.workspaceFolderValue ?? i?.workspaceValue;
  if (fromWorkspace === undefined || fromWorkspace !== value || inWorkspace(fromWorkspace)) return { setting: value };
  const user = userValue(c, 'notes.folder');
  return {
    setting: user,
    ignored: `The workspace's setting voxnote.notes.folder ("${fromWorkspace}") is outside the workspace, so Voxnote ignores it and uses "${user}". A folder outside the workspace can be set in your user settings.`,
  };
}

export function readMeetingSettings(): MeetingSettings {
  const c = section();
  const text = (key: 'notes.fileNameTemplate' | 'notes.labels.mic' | 'notes.labels.system') => read(c, key).trim() || SETTING_DEFAULTS[key];
  const { setting, ignored } = notesFolderSetting(c);
  return {
    folderSetting: setting,
    folderIgnored: ignored,
    fileNameTemplate: text('notes.fileNameTemplate'),
    labels: { mic: text('notes.labels.mic'), system: text('notes.labels.system') },
    devices: {
      mic: read(c, 'microphone.device').trim() || undefined,
      system: read(c, 'systemAudio.device').trim() || undefined,
    },
    backend: captureBackend(c),
    lineFormat: read(c, 'notes.formatLines') ? { ...readFormat(c), spokenPunctuation: read(c, 'notes.spokenPunctuation') } : undefined,
    diarization: readDiarization(c),
  };
}

/** voxnote.diarization.* from user settings only: model files are run by the worker, so a workspace must not name them. */
function readDiarization(c: vscode.WorkspaceConfiguration): MeetingSettings['diarization'] {
  const embeddingModel = userValue(c, 'diarization.embeddingModel').trim();
  const segmentationModel = userValue(c, 'diarization.segmentationModel').trim();
  const speakers = userValue(c, 'diarization.speakers');
  const options: DiarizationOptions | undefined = embeddingModel
    ? { embeddingModel, ...(segmentationModel ? { segmentationModel } : {}), threshold: userValue(c, 'diarization.threshold'), ...(speakers > 0 ? { speakers } : {}) }
    : undefined;
  return { system: options, mic: userValue(c, 'diarization.microphone') ? options : undefined };
}

/** Where Summarize Meeting sends a transcript when VS Code has no chat model (user settings only: it decides where text goes). */
export function readSummarySettings(): { baseUrl: string; model: string } {
  const c = section();
  return { baseUrl: userValue(c, 'summary.baseUrl').trim(), model: userValue(c, 'summary.model').trim() };
}

/** Which engine a purpose uses: the local model unless the person chose another engine's setting value (shared/engines.ts). */
export type EnginePurpose = 'dictation' | 'meetingNotes';
export const engineSetting = (purpose: EnginePurpose): EngineSettingValue => read(section(), `engine.${purpose}`);
/** A setting as the engine descriptors read it (user-scope engine settings: see package.json). */
export const readSetting: SettingReader = (name) => read(section(), name);

export const preloadModel = (): boolean => read(section(), 'preloadModel');
/** voxnote.twoPass.*: user settings only (the final model is a folder the engine reads). */
export function readTwoPassSettings(): { setting: TwoPassSetting; model: string } {
  const c = section();
  return { setting: userValue(c, 'twoPass.enabled'), model: userValue(c, 'twoPass.model').trim() };
}
export const partialLength = (): number => read(section(), 'statusBar.partialLength');
/** sherpa-onnx offline models: the longest speech segment decoded at once (cost stays linear in the recording). */
export const maxSegmentSeconds = (): number => read(section(), 'model.maxSegmentSeconds');
export const maxModelBytes = (): number => read(section(), 'model.maxUnpackedGB') * 1024 ** 3;

/** voxnote.voiceCommands as set: checked entry by entry in dictation/voiceCommands/commandTable.ts. */
export const readVoiceCommands = (): unknown => read(section(), 'voiceCommands');
/** The spoken phrase that submits a chat input or a terminal line; empty turns it off. */
export const sendPhrase = (): string => read(section(), 'sendPhrase').trim();
/** What Escape does while dictating: stop and keep the utterance under way, or discard it. */
export const escapeDiscards = (): boolean => read(section(), 'escape.action') === 'discard';

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await section().update(key, value, vscode.ConfigurationTarget.Global);
}
