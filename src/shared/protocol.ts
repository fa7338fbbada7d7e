/**
 * The one message protocol between the extension host (or CLI) and the worker.
 * One JSON object per line on stdio; `type` names the message. Both sides import
 * this module, so a renamed field breaks the build, not the user.
 * Documented for people in docs/protocol.md.
 */

export type SourceKind = 'mic' | 'system' | 'file';
export type CaptureBackend = 'pulse' | 'portaudio';

export interface MicSource {
  kind: 'mic' | 'system';
  /** Device or monitor name; the default input (or default sink's monitor) when absent. */
  device?: string;
  /** Which capture back-end; the platform default when absent. */
  backend?: CaptureBackend;
}

export interface FileSource {
  kind: 'file';
  path: string;
  /** Deliver audio at real-time pace (true) or as fast as possible (false, default). */
  realtime?: boolean;
  /** Raw headerless input: s16le at this rate and channel count. WAV needs nothing. */
  raw?: { sampleRate: number; channels: number };
}

export type Source = MicSource | FileSource;

export interface RecognizerOptions {
  /** Include per-word timings and confidences in `final` events. */
  words?: boolean;
  /** Number of n-best alternatives in `final` events; 0 = none. */
  maxAlternatives?: number;
  /** Words and phrases to restrict recognition to (Vosk grammar mode), where the model allows. */
  phrases?: string[];
  /** Emit `partial` events (default true). */
  partials?: boolean;
  /** Emit `level` events (default true for live sources, false for fast files). */
  levels?: boolean;
}

/** Which engine a session runs on, and its settings. (Draft per CONTRACT.md; eng-worker owns the final shape.) */
export type EngineSpec =
  | { kind: 'vosk'; model: string }
  | { kind: 'sherpa'; model: string }
  | { kind: 'assemblyai'; credential: string; url?: string; speechModel?: string };

export type Command = { id: number } & (
  | { type: 'load'; engine: EngineSpec }
  | { type: 'start'; source: Source; engine: EngineSpec; options?: RecognizerOptions }
  | { type: 'stop' }
  | { type: 'endUtterance' }
  | { type: 'listDevices' }
  | { type: 'shutdown' }
);

export interface Word {
  word: string;
  /** Seconds from the start of the session. */
  start: number;
  end: number;
  conf: number;
}

export interface Alternative {
  text: string;
  confidence: number;
}

export interface DeviceInfo {
  backend: CaptureBackend;
  kind: 'mic' | 'system';
  /** The name to pass as `device`. */
  name: string;
  description: string;
  isDefault: boolean;
}

export type ErrorCode =
  | 'bad-command'
  | 'bad-model'
  | 'model-load-failed'
  | 'no-capture-tool'
  | 'device-not-found'
  | 'capture-failed'
  | 'capture-stalled'
  | 'file-not-found'
  | 'unsupported-audio'
  | 'busy'
  | 'not-running'
  | 'phrases-unsupported'
  | 'worker-crashed'
  | 'worker-unresponsive'
  | 'internal';

export type WorkerEvent = { re: number | null } & (
  | { type: 'ready'; engine: EngineSpec['kind']; key: string; loadMs: number }
  | { type: 'started'; source: SourceKind; backend: CaptureBackend | 'file'; device: string }
  | { type: 'partial'; utteranceId: number; text: string }
  | {
      type: 'final';
      utteranceId: number;
      text: string;
      /** Utterance start and end in session seconds. */
      start: number;
      end: number;
      source: SourceKind;
      words?: Word[];
      alternatives?: Alternative[];
    }
  | { type: 'level'; dbfs: number; source: SourceKind }
  | { type: 'progress'; seconds: number; totalSeconds: number }
  | { type: 'devices'; devices: DeviceInfo[]; problems: string[] }
  | { type: 'error'; code: ErrorCode; message: string; hint: string; fatal: boolean }
  | { type: 'stopped'; reason: 'requested' | 'end-of-input' | 'error' }
);

export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

export function encode(message: Command | WorkerEvent): string {
  return JSON.stringify(message) + '\n';
}

/** Thrown by the parsers with a message fit for an `error` event. */
export class ProtocolError extends Error {}

function parseObject(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError(`not JSON: ${line.slice(0, 80)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('a message must be a JSON object');
  }
  return value as Record<string, unknown>;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function checkSource(v: unknown): Source {
  const s = v as { kind?: unknown; path?: unknown; device?: unknown; backend?: unknown } | undefined;
  if (!s || typeof s !== 'object') throw new ProtocolError('start needs a "source" object');
  if (s.kind === 'file') {
    if (!isString(s.path)) throw new ProtocolError('a file source needs a "path"');
    return s as unknown as FileSource;
  }
  if (s.kind === 'mic' || s.kind === 'system') {
    if (s.device !== undefined && typeof s.device !== 'string') throw new ProtocolError('"device" must be a string');
    if (s.backend !== undefined && s.backend !== 'pulse' && s.backend !== 'portaudio') {
      throw new ProtocolError('"backend" must be "pulse" or "portaudio"');
    }
    return s as unknown as MicSource;
  }
  throw new ProtocolError('source "kind" must be "mic", "system" or "file"');
}

/** Worker side: one stdin line to a checked command. */
export function parseCommand(line: string): Command {
  const m = parseObject(line);
  switch (m.type) {
    case 'load':
      if (!isString(m.modelPath)) throw new ProtocolError('load needs a "modelPath"');
      return { type: 'load', modelPath: m.modelPath };
    case 'start': {
      if (!isString(m.modelPath)) throw new ProtocolError('start needs a "modelPath"');
      const options = (m.options ?? {}) as RecognizerOptions;
      if (typeof options !== 'object') throw new ProtocolError('"options" must be an object');
      if (options.phrases !== undefined && !(Array.isArray(options.phrases) && options.phrases.every(isString))) {
        throw new ProtocolError('"phrases" must be a list of strings');
      }
      return { type: 'start', source: checkSource(m.source), modelPath: m.modelPath, options };
    }
    case 'stop':
    case 'endUtterance':
    case 'listDevices':
    case 'shutdown':
      return { type: m.type };
    default:
      throw new ProtocolError(`unknown command type ${JSON.stringify(m.type)}`);
  }
}

const EVENT_TYPES: ReadonlySet<string> = new Set<WorkerEvent['type']>([
  'ready', 'started', 'partial', 'final', 'level', 'progress', 'devices', 'error', 'stopped',
]);

/** Host side: one stdout line to an event. The worker is ours, so only the tag is checked. */
export function parseEvent(line: string): WorkerEvent {
  const m = parseObject(line);
  if (typeof m.type !== 'string' || !EVENT_TYPES.has(m.type)) {
    throw new ProtocolError(`unknown event type ${JSON.stringify(m.type)}`);
  }
  return m as unknown as WorkerEvent;
}
