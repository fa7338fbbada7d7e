/**
 * The one message protocol between the extension host (or CLI) and the worker.
 * One JSON object per line on stdio; `type` names the message. Both sides import
 * this module, so a renamed field breaks the build, not the user.
 * Documented for people in docs/protocol.md.
 */
import { checkEngineSpec, type EngineKind, type EngineSpec } from './engines';
import { ProtocolError } from './protocolError';

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
  /** Who spoke: each `final` gets a `speaker` label; with a segmentation model, a `speakers` correction before `stopped`. */
  diarization?: DiarizationOptions;
}

/** Speaker diarization models (sherpa-onnx): files, checked by the worker before loading. */
export interface DiarizationOptions {
  /** A speaker-embedding model (.onnx: 3D-Speaker, WeSpeaker or NeMo). */
  embeddingModel: string;
  /** A pyannote segmentation model (.onnx): the whole session re-clustered at its end. */
  segmentationModel?: string;
  /** Cosine similarity at or above which an utterance joins a speaker (0–1; default 0.5). */
  threshold?: number;
  /** How many people speak, when known: the re-clustering finds exactly that many (else it goes by `threshold`). */
  speakers?: number;
  /**
   * Keep the track (a meeting's sessions, across pauses): the session's audio and finals join the worker's
   * kept track, it is not re-clustered at its end, and `recluster` re-clusters the whole track.
   */
  track?: boolean;
}

export type { AssemblyAIEngineSpec, EngineKind, EngineSpec, OpenAIEngineSpec, ServerProtocol, TwoPassSpec } from './engines';
export { checkEngineSpec } from './engines';
export { ProtocolError } from './protocolError';

export type Command =
  | { id: number; type: 'load'; engine: EngineSpec }
  | { id: number; type: 'start'; engine: EngineSpec; source: Source; options?: RecognizerOptions }
  /** `discard`: end within a second (Cancel, Ctrl+C): audio not yet decoded is dropped, what was decoded is kept. */
  | { id: number; type: 'stop'; discard?: boolean }
  | { id: number; type: 'endUtterance' }
  /** Answered with `speakers`: the kept speaker track (diarization `track`) re-clustered, after its sessions' last finals; then forgotten. */
  | { id: number; type: 'recluster' }
  /** Liveness: answered with `pong` at once, whatever the session is doing. */
  | { id: number; type: 'ping' }
  | { id: number; type: 'listDevices' }
  /** Answered with `yardstick`: this machine's speed, from the bundled VAD (no model needed). */
  | { id: number; type: 'yardstick' }
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
  | 'decoding-behind'
  | 'worker-crashed'
  | 'worker-unresponsive'
  | 'internal';

/**
 * Events without their `re`: what the worker's parts produce; main.ts adds `re`
 * (the id of the command answered, or of the `start` that opened the session).
 */
export type EventBody =
  | { type: 'ready'; engine: EngineKind; key: string; loadMs: number }
  /** backend 'process-tap': macOS system audio through a Core Audio process tap (worker/capture/processTap.ts). */
  | { type: 'started'; source: SourceKind; backend: CaptureBackend | 'file' | 'process-tap'; device: string }
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
      /** With `diarization`: "Speaker 1", "Speaker 2"… from the utterance's voice (incremental clustering). */
      speaker?: string;
    }
  /**
   * With a segmentation model, before `stopped`: the session re-clustered; finals whose speaker changes.
   * Answering `recluster`: the kept track's, each with `session`, the id of the `start` whose final it is.
   */
  | { type: 'speakers'; labels: Array<{ utteranceId: number; speaker: string; session?: number }> }
  | { type: 'level'; dbfs: number; source: SourceKind }
  | { type: 'progress'; seconds: number; totalSeconds: number }
  | { type: 'devices'; devices: DeviceInfo[]; problems: string[] }
  /** Seconds the bundled Silero VAD takes per audio second here (one thread). */
  | { type: 'yardstick'; vadRtf: number }
  | {
      type: 'error';
      code: ErrorCode;
      message: string;
      hint: string;
      fatal: boolean;
      /** Session seconds of audio the error concerns (an `audio-gap`: what was not transcribed). */
      span?: { start: number; end: number };
    }
  | { type: 'stopped'; reason: 'requested' | 'end-of-input' | 'error' }
  | { type: 'pong' };

/** The id of the command an event answers or whose session it belongs to; null when it belongs to none. */
type Re = { re: number | null };
type WithRe<E> = E extends unknown ? E & Re : never;
export type WorkerEvent = WithRe<EventBody>;

export type EventOf<T extends WorkerEvent['type']> = Extract<WorkerEvent, { type: T }>;
export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

export function encode(message: Command | WorkerEvent): string {
  return JSON.stringify(message) + '\n';
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

function checkOptions(v: unknown): RecognizerOptions {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError('"options" must be an object');
  const options = v as RecognizerOptions;
  if (options.phrases !== undefined && !(Array.isArray(options.phrases) && options.phrases.every(isString))) {
    throw new ProtocolError('"phrases" must be a list of strings');
  }
  const d = options.diarization;
  if (d !== undefined) {
    if (typeof d !== 'object' || d === null || !isString(d.embeddingModel)) throw new ProtocolError('"diarization" needs an "embeddingModel" path');
    if (d.segmentationModel !== undefined && !isString(d.segmentationModel)) throw new ProtocolError('"segmentationModel" must be a path');
    if (d.threshold !== undefined && !(typeof d.threshold === 'number' && d.threshold >= 0 && d.threshold <= 1)) {
      throw new ProtocolError('"threshold" must be a number from 0 to 1');
    }
    if (d.speakers !== undefined && !(Number.isSafeInteger(d.speakers) && d.speakers > 0)) throw new ProtocolError('"speakers" must be a positive integer');
    if (d.track !== undefined && typeof d.track !== 'boolean') throw new ProtocolError('"track" must be true or false');
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
        if (m.discard !== undefined && typeof m.discard !== 'boolean') throw new ProtocolError('"discard" must be true or false');
        return { id, type: 'stop', ...(m.discard ? { discard: true } : {}) };
      case 'endUtterance':
      case 'recluster':
      case 'listDevices':
      case 'yardstick':
      case 'shutdown':
      case 'ping':
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
  'ready', 'started', 'partial', 'final', 'speakers', 'level', 'progress', 'devices', 'yardstick', 'error', 'stopped', 'pong',
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
