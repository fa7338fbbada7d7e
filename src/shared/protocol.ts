/**
 * The one message protocol between the extension host (or CLI) and the worker.
 * One JSON object per line on stdio; `type` names the message. Both sides import
 * this module, so a renamed field breaks the build, not the user.
 * Documented for people in docs/protocol.md.
 */

export type SourceKind = 'mic' | 'system' | 'file';
/** Every capture back-end, for checking names from settings, the CLI and the wire. */
export const CAPTURE_BACKENDS = ['pulse', 'portaudio', 'pvrecorder'] as const;
export type CaptureBackend = (typeof CAPTURE_BACKENDS)[number];
export const isCaptureBackend = (v: unknown): v is CaptureBackend => CAPTURE_BACKENDS.includes(v as CaptureBackend);
/** The back-end a source without one uses: PulseAudio/PipeWire tools on Linux, PvRecorder (WASAPI, Core Audio) elsewhere. */
export const defaultBackend = (platform: string): CaptureBackend => (platform === 'linux' ? 'pulse' : 'pvrecorder');

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

/** AssemblyAI Universal Streaming (v3): audio leaves the machine. */
export interface AssemblyAIEngineSpec {
  kind: 'assemblyai';
  /** An API key, or a short-lived streaming token. Travels over stdin only; never logged or echoed. */
  credential: string;
  /** What `credential` is (default `apiKey`). */
  credentialKind?: 'apiKey' | 'token';
  /** Full wss:// URL of the streaming endpoint (a company proxy, a test server); AssemblyAI's own when absent. */
  url?: string;
  /** Streaming `speech_model` (default `universal-streaming-english`). */
  speechModel?: string;
  /** Finals are the formatted turns (punctuation, casing); default true. */
  formatTurns?: boolean;
}

/** Which engine a session runs on, and its settings. */
export type EngineSpec =
  | { kind: 'vosk'; model: string }
  | {
      kind: 'sherpa';
      model: string;
      /** Non-streaming models: the longest speech segment, in seconds, before it is closed (default 30). */
      maxSegmentSeconds?: number;
      /** Decode threads, from the host's one budget across workers (default: the cores less one, at most 4). */
      threads?: number;
    }
  | AssemblyAIEngineSpec;

export type EngineKind = EngineSpec['kind'];

export type Command =
  | { id: number; type: 'load'; engine: EngineSpec }
  | { id: number; type: 'start'; engine: EngineSpec; source: Source; options?: RecognizerOptions }
  | { id: number; type: 'stop' }
  | { id: number; type: 'endUtterance' }
  | { id: number; type: 'listDevices' }
  | { id: number; type: 'shutdown' };

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
  | 'audio-dropped'
  | 'file-not-found'
  | 'unsupported-audio'
  | 'busy'
  | 'not-running'
  | 'phrases-unsupported'
  | 'credential-missing'
  | 'credential-rejected'
  | 'insufficient-funds'
  | 'service-refused'
  | 'service-unreachable'
  | 'service-unresponsive'
  | 'connection-lost'
  | 'audio-gap'
  | 'worker-crashed'
  | 'worker-unresponsive'
  | 'internal';

/**
 * Events without their `re`: what the worker's parts produce; main.ts adds `re`
 * (the id of the command answered, or of the `start` that opened the session).
 */
export type EventBody =
  | { type: 'ready'; engine: EngineKind; key: string; loadMs: number }
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
  | {
      type: 'error';
      code: ErrorCode;
      message: string;
      hint: string;
      fatal: boolean;
      /** Session seconds of audio the error concerns (an `audio-gap`: what was not transcribed). */
      span?: { start: number; end: number };
    }
  | { type: 'stopped'; reason: 'requested' | 'end-of-input' | 'error' };

/** The id of the command an event answers or whose session it belongs to; null when it belongs to none. */
type Re = { re: number | null };
type WithRe<E> = E extends unknown ? E & Re : never;
export type WorkerEvent = WithRe<EventBody>;

export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

export function encode(message: Command | WorkerEvent): string {
  return JSON.stringify(message) + '\n';
}

/** Thrown by the parsers with a message fit for an `error` event; `id` is the command's, when it had a valid one. */
export class ProtocolError extends Error {
  constructor(message: string, readonly id: number | null = null) {
    super(message);
  }
}

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
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

function checkSource(v: unknown): Source {
  const s = v as { kind?: unknown; path?: unknown; device?: unknown; backend?: unknown } | undefined;
  if (!s || typeof s !== 'object') throw new ProtocolError('start needs a "source" object');
  if (s.kind === 'file') {
    if (!isString(s.path)) throw new ProtocolError('a file source needs a "path"');
    return s as unknown as FileSource;
  }
  if (s.kind === 'mic' || s.kind === 'system') {
    if (s.device !== undefined && typeof s.device !== 'string') throw new ProtocolError('"device" must be a string');
    if (s.backend !== undefined && !isCaptureBackend(s.backend)) {
      throw new ProtocolError(`"backend" must be one of: ${CAPTURE_BACKENDS.join(', ')}`);
    }
    return s as unknown as MicSource;
  }
  throw new ProtocolError('source "kind" must be "mic", "system" or "file"');
}

function optional<T>(e: Record<string, unknown>, field: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = e[field];
  if (v === undefined) return undefined;
  if (!check(v)) throw new ProtocolError(`engine "${field}" must be ${what}`);
  return v;
}

/** Checks an engine spec. Messages never quote a credential. */
export function checkEngineSpec(v: unknown): EngineSpec {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ProtocolError('needs an "engine" object, e.g. {"kind":"vosk","model":"/path"}');
  const e = v as Record<string, unknown>;
  switch (e.kind) {
    case 'vosk':
      if (!isString(e.model)) throw new ProtocolError('a vosk engine needs a "model" folder');
      return { kind: e.kind, model: e.model };
    case 'sherpa': {
      if (!isString(e.model)) throw new ProtocolError('a sherpa engine needs a "model" folder');
      const maxSegmentSeconds = optional(e, 'maxSegmentSeconds', (s): s is number => typeof s === 'number' && s >= 1 && s <= 600, 'a number of seconds from 1 to 600');
      const threads = optional(e, 'threads', (t): t is number => Number.isInteger(t) && (t as number) >= 1 && (t as number) <= 64, 'a whole number from 1 to 64');
      return {
        kind: e.kind,
        model: e.model,
        ...(maxSegmentSeconds !== undefined ? { maxSegmentSeconds } : {}),
        ...(threads !== undefined ? { threads } : {}),
      };
    }
    case 'assemblyai': {
      // An empty credential passes: the engine answers it with `credential-missing` and its next step.
      if (typeof e.credential !== 'string') throw new ProtocolError('an assemblyai engine needs a "credential" (API key or token)');
      const credentialKind = optional(e, 'credentialKind', (k): k is 'apiKey' | 'token' => k === 'apiKey' || k === 'token', '"apiKey" or "token"');
      const url = optional(e, 'url', (u): u is string => isString(u) && /^wss:\/\/[^\s/]+/i.test(u), 'a full wss:// URL');
      const speechModel = optional(e, 'speechModel', isString, 'a model name');
      const formatTurns = optional(e, 'formatTurns', (f): f is boolean => typeof f === 'boolean', 'true or false');
      return {
        kind: 'assemblyai',
        credential: e.credential,
        ...(credentialKind ? { credentialKind } : {}),
        ...(url ? { url } : {}),
        ...(speechModel ? { speechModel } : {}),
        ...(formatTurns !== undefined ? { formatTurns } : {}),
      };
    }
    default:
      throw new ProtocolError('engine "kind" must be "vosk", "sherpa" or "assemblyai"');
  }
}

function checkOptions(v: unknown): RecognizerOptions {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError('"options" must be an object');
  const options = v as RecognizerOptions;
  if (options.phrases !== undefined && !(Array.isArray(options.phrases) && options.phrases.every(isString))) {
    throw new ProtocolError('"phrases" must be a list of strings');
  }
  return options;
}

/** Worker side: one stdin line to a checked command. */
export function parseCommand(line: string): Command {
  const m = parseObject(line);
  if (!isId(m.id)) throw new ProtocolError('a command needs an "id" (a positive integer)');
  const id = m.id;
  try {
    switch (m.type) {
      case 'load':
        return { id, type: 'load', engine: checkEngineSpec(m.engine) };
      case 'start':
        return { id, type: 'start', engine: checkEngineSpec(m.engine), source: checkSource(m.source), options: checkOptions(m.options) };
      case 'stop':
      case 'endUtterance':
      case 'listDevices':
      case 'shutdown':
        return { id, type: m.type };
      default:
        throw new ProtocolError(`unknown command type ${JSON.stringify(m.type)}`);
    }
  } catch (e) {
    if (e instanceof ProtocolError) throw new ProtocolError(`command ${id}: ${e.message}`, id);
    throw e;
  }
}

const EVENT_TYPES: ReadonlySet<string> = new Set<WorkerEvent['type']>([
  'ready', 'started', 'partial', 'final', 'level', 'progress', 'devices', 'error', 'stopped',
]);

/** Host side: one stdout line to an event. The worker is ours, so only the tag and `re` are checked. */
export function parseEvent(line: string): WorkerEvent {
  const m = parseObject(line);
  if (typeof m.type !== 'string' || !EVENT_TYPES.has(m.type)) {
    throw new ProtocolError(`unknown event type ${JSON.stringify(m.type)}`);
  }
  if (m.re !== null && !isId(m.re)) throw new ProtocolError(`event without a valid "re": ${line.slice(0, 80)}`);
  return m as unknown as WorkerEvent;
}
