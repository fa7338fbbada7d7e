/**
 * The voxnote.* settings' defaults and value types: the one source of every
 * default. config.ts falls back on them, the formatter and the hold detector
 * start from them, and a unit test checks that package.json declares the same
 * (test/shared/settings.unit.test.ts). No VS Code API here.
 */
import * as path from 'path';

export type PushToTalkMode = 'hold' | 'toggle' | 'auto';

/** voxnote.twoPass.enabled: `auto` turns two-pass on when the machine is fast enough for both models (models/twoPass.ts). */
export type TwoPassSetting = 'auto' | 'on' | 'off';

/** voxnote.engine.*: `local` (the model folder decides) or an engine descriptor's setting value (shared/engines.ts). */
export type EngineSettingValue = 'local' | 'assemblyai' | 'openai';

export interface FormatOptions {
  /** Put a space between the text before the cursor and this utterance when needed. Words within the utterance are always spaced. */
  spacing: boolean;
  /** Capital letter at sentence starts; "i" → "I". */
  capitalize: boolean;
  /** Apply the text replacements in the command map; off leaves "period" as a word. Editing commands (scratch) still work. */
  spokenPunctuation: boolean;
  /** "twenty five" → "25". */
  numbersAsDigits: boolean;
  /** Numbers smaller than this stay words. */
  numbersMinimum: number;
  /** Spoken phrase → replacement text or a command token such as SCRATCH_COMMAND. Merged over DEFAULT_COMMANDS; "" removes a default. */
  commands: Readonly<Record<string, string>>;
}

/** Each setting's default, by its name under `voxnote.`. */
export const SETTING_DEFAULTS = Object.freeze({
  'model.path': '',
  'model.maxUnpackedGB': 10,
  'model.maxSegmentSeconds': 30,
  preloadModel: false,
  'twoPass.enabled': 'auto' as TwoPassSetting,
  'twoPass.model': '',
  'microphone.device': '',
  'systemAudio.device': '',
  'notes.folder': 'notes',
  'notes.fileNameTemplate': 'YYYY-MM-DD HHmm Meeting.md',
  'notes.labels.mic': 'Me',
  'notes.labels.system': 'Others',
  'notes.formatLines': true,
  'notes.spokenPunctuation': false,
  'audio.backend': 'auto' as 'auto' | 'pulse' | 'portaudio' | 'pvrecorder',
  'pushToTalk.mode': 'auto' as PushToTalkMode,
  'pushToTalk.releaseTailMs': 300,
  'editor.ghostText': true,
  'statusBar.partialLength': 40,
  phrases: Object.freeze([]) as readonly string[],
  'format.spacing': true,
  'format.capitalize': true,
  'format.spokenPunctuation': true,
  'format.numbersAsDigits': false,
  'format.numbersMinimum': 10,
  'format.commands': Object.freeze({}) as Readonly<Record<string, string>>,
  'engine.dictation': 'local' as EngineSettingValue,
  'engine.meetingNotes': 'local' as EngineSettingValue,
  'assemblyai.streamingUrl': '',
  'server.baseUrl': '',
  'server.model': 'whisper-1',
  'server.language': '',
  'server.protocol': 'auto' as 'auto' | 'batch' | 'realtime',
  voiceCommands: Object.freeze({}) as Readonly<Record<string, unknown>>,
  sendPhrase: 'over and out',
  'escape.action': 'stop' as 'stop' | 'discard',
  'summary.baseUrl': '',
  'summary.model': '',
  'diarization.embeddingModel': '',
  'diarization.segmentationModel': '',
  'diarization.microphone': false,
  'diarization.threshold': 0.5,
  'diarization.speakers': 0,
});

export type SettingName = keyof typeof SETTING_DEFAULTS;

/** Where notes go without a workspace folder to put them in. */
const HOME_NOTES_FOLDER = 'Voxnote Notes';

/** True when the notes-folder setting stays inside the workspace folder: relative, not `~`, not climbing out with `..`. */
export function inWorkspace(setting: string): boolean {
  const value = setting.trim() || SETTING_DEFAULTS['notes.folder'];
  if (value === '~' || /^~[/\\]/.test(value) || path.isAbsolute(value) || path.win32.isAbsolute(value)) return false;
  const parts = path.posix.normalize(value.replace(/\\/g, '/')).split('/');
  return parts[0] !== '..';
}

/**
 * The folder `voxnote.notes.folder` names: `~` is the home folder, an absolute
 * path is used as is, a relative one is inside the workspace folder, or, with
 * no folder open, the notes go to ~/Voxnote Notes.
 */
export function notesFolder(setting: string, workspaceFolder: string | undefined, home: string): string {
  const value = setting.trim() || SETTING_DEFAULTS['notes.folder'];
  const expanded = value === '~' ? home : /^~[/\\]/.test(value) ? path.join(home, value.slice(2)) : value;
  if (path.isAbsolute(expanded)) return path.normalize(expanded);
  return workspaceFolder ? path.join(workspaceFolder, expanded) : path.join(home, HOME_NOTES_FOLDER);
}
