/**
 * One descriptor per engine: the table every part reads to learn what an
 * engine is (its spec check, its names, whether audio leaves the machine and
 * to where, its credential, the setting value that picks it, how files play).
 * A mapped type over the engine kinds, so a new kind without its entry does
 * not compile. Adding an engine: docs/engines.md. No VS Code API here.
 */
import { ProtocolError } from './protocolError';
import { hostOf, isPrivateHost, isWssUrl, serverUrlProblem } from './serverUrl';
import type { SettingName, SETTING_DEFAULTS } from './settings';

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

/** How Voxnote talks to an OpenAI-compatible server: one request per segment, or the Realtime WebSocket; `auto` probes once. */
export const SERVER_PROTOCOLS = ['auto', 'batch', 'realtime'] as const;
export type ServerProtocol = (typeof SERVER_PROTOCOLS)[number];

/** Any server that speaks OpenAI's audio API (speaches, whisper.cpp, vLLM, LocalAI, OpenAI, Groq): audio leaves the worker. */
export interface OpenAIEngineSpec {
  kind: 'openai';
  /** e.g. http://127.0.0.1:8000/v1 or https://api.openai.com/v1; http only for loopback and private addresses. */
  baseUrl: string;
  /** The server's model name (free text). */
  model: string;
  /** The API key; optional for servers that need none. Travels over stdin only; never logged or echoed. */
  credential?: string;
  /** ISO-639-1 language, e.g. "en"; the server detects it when absent. */
  language?: string;
  /** Default `auto`. */
  protocol?: ServerProtocol;
}

/**
 * Two-pass recognition: the engine's streaming model shows partials, this
 * offline sherpa-onnx model (Whisper, Parakeet…) decodes each utterance again for its final.
 */
export interface TwoPassSpec {
  /** The offline model folder. */
  model: string;
  /** Its decode threads, from the host's one budget (the first pass has the spec's own). */
  threads?: number;
}

/** Which engine a session runs on, and its settings. */
export type EngineSpec =
  | { kind: 'vosk'; model: string; twoPass?: TwoPassSpec }
  | {
      kind: 'sherpa';
      model: string;
      twoPass?: TwoPassSpec;
      /** Non-streaming models: the longest speech segment, in seconds, before it is closed (default 30). */
      maxSegmentSeconds?: number;
      /** Decode threads, from the host's one budget across workers (default: the cores less one, at most 4). */
      threads?: number;
      /** Non-streaming models: share of one core partials may use, 0 for none (default 0.25; Test Model Speed sets it, models/modelSpeed.ts). */
      partialShare?: number;
      /** Non-streaming models: seconds of new speech a partial waits for (default 1). */
      partialSeconds?: number;
    }
  | AssemblyAIEngineSpec
  | OpenAIEngineSpec;

export type EngineKind = EngineSpec['kind'];
export type SpecOf<K extends EngineKind> = Extract<EngineSpec, { kind: K }>;

/** A secret an engine needs, kept in VS Code's SecretStorage (the CLI reads it from one environment variable). */
export interface CredentialDescriptor {
  /** What the key is, for messages: "your AssemblyAI API key". */
  name: string;
  /** SecretStorage key. */
  secret: string;
  setCommand: { id: string; title: string };
  clearCommand: { id: string; title: string };
  /** The input box's prompt. */
  prompt: string;
  /** The CLI's only source of the key. */
  env: string;
  /** Worker error codes whose next step is setting this key. */
  nextStepCodes: readonly string[];
}

/** A setting's current value (config.ts reads VS Code's; tests pass their own). */
export type SettingReader = <K extends SettingName>(name: K) => (typeof SETTING_DEFAULTS)[K];

export type Built<K extends EngineKind> = { spec: SpecOf<K> } | { problem: { message: string; hint: string } };

export interface EngineDescriptor<K extends EngineKind> {
  /** Checks a spec from the wire, keeping only known fields; messages never quote a credential. */
  check(e: Record<string, unknown>): SpecOf<K>;
  /** Short label for status bars and notes headers; a local engine shows its model's name. */
  label(spec: SpecOf<K>, modelName?: string): string;
  /** For messages: "while loading <this>". */
  describe(spec: SpecOf<K>): string;
  /** Who receives the audio when it leaves the machine (status bar, panel); undefined for an engine on this machine. */
  audioGoesTo(spec: SpecOf<K>): string | undefined;
  /** Files play at real-time pace: a streaming service expects live audio. */
  filesAtRealtimePace(spec: SpecOf<K>): boolean;
  /** The voxnote.engine.* value that picks it; absent when the model folder decides (the `local` value). */
  setting?: {
    value: string;
    label: string;
    description: string;
    /** The spec from the settings and the stored key. */
    fromSettings(read: SettingReader, credential: string | undefined): Built<K>;
  };
  credential?: CredentialDescriptor & {
    /** False when this spec's server may be used without a key (a server on a private network). */
    required(spec: SpecOf<K>): boolean;
  };
  /** The CLI's --engine value, and the spec from the environment (the key from `credential.env` only). */
  cli?: { value: string; fromEnv(env: NodeJS.ProcessEnv, args: { serverModel?: string }): Built<K> };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function optional<T>(e: Record<string, unknown>, field: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = e[field];
  if (v === undefined) return undefined;
  if (!check(v)) throw new ProtocolError(`engine "${field}" must be ${what}`);
  return v;
}

const modelFolder = (kind: string) => (e: Record<string, unknown>): string => {
  if (!isString(e.model)) throw new ProtocolError(`a ${kind} engine needs a "model" folder`);
  return e.model;
};

const threadCount = (t: unknown): t is number => Number.isInteger(t) && (t as number) >= 1 && (t as number) <= 64;

/** The optional `twoPass` of a local engine: an offline model folder, and its threads. */
function twoPass(e: Record<string, unknown>): { twoPass?: TwoPassSpec } {
  const t = optional(e, 'twoPass', (v): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v), 'an object such as {"model":"/path"}');
  if (!t) return {};
  if (!isString(t.model)) throw new ProtocolError('engine "twoPass" needs a "model" folder');
  const threads = optional(t, 'threads', threadCount, 'a whole number from 1 to 64');
  return { twoPass: { model: t.model, ...(threads !== undefined ? { threads } : {}) } };
}

const ASSEMBLYAI_KEY_TITLE = 'Set AssemblyAI API Key';
const SERVER_KEY_TITLE = 'Set Server API Key';
const CREDENTIAL_CODES = ['credential-missing', 'credential-rejected'] as const;

export const ENGINES: { readonly [K in EngineKind]: EngineDescriptor<K> } = {
  vosk: {
    check: (e) => ({ kind: 'vosk', model: modelFolder('vosk')(e), ...twoPass(e) }),
    label: (spec, name) => name ?? spec.model,
    describe: (spec) => `the model at ${spec.model}`,
    audioGoesTo: () => undefined,
    filesAtRealtimePace: () => false,
  },
  sherpa: {
    check: (e) => {
      const model = modelFolder('sherpa')(e);
      const maxSegmentSeconds = optional(e, 'maxSegmentSeconds', (s): s is number => typeof s === 'number' && s >= 1 && s <= 600, 'a number of seconds from 1 to 600');
      const threads = optional(e, 'threads', threadCount, 'a whole number from 1 to 64');
      const partialShare = optional(e, 'partialShare', (s): s is number => typeof s === 'number' && s >= 0 && s <= 1, 'a share from 0 to 1');
      const partialSeconds = optional(e, 'partialSeconds', (s): s is number => typeof s === 'number' && s >= 0.1 && s <= 10, 'a number of seconds from 0.1 to 10');
      return {
        kind: 'sherpa',
        model,
        ...(maxSegmentSeconds !== undefined ? { maxSegmentSeconds } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(partialShare !== undefined ? { partialShare } : {}),
        ...(partialSeconds !== undefined ? { partialSeconds } : {}),
        ...twoPass(e),
      };
    },
    label: (spec, name) => name ?? spec.model,
    describe: (spec) => `the model at ${spec.model}`,
    audioGoesTo: () => undefined,
    filesAtRealtimePace: () => false,
  },
  assemblyai: {
    check: (e) => {
      // An empty credential passes: the engine answers it with `credential-missing` and its next step.
      if (typeof e.credential !== 'string') throw new ProtocolError('an assemblyai engine needs a "credential" (API key or token)');
      const credentialKind = optional(e, 'credentialKind', (k): k is 'apiKey' | 'token' => k === 'apiKey' || k === 'token', '"apiKey" or "token"');
      const url = optional(e, 'url', (u): u is string => isString(u) && isWssUrl(u), 'a full wss:// URL');
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
    },
    label: () => 'AssemblyAI (cloud)',
    describe: () => 'AssemblyAI streaming',
    audioGoesTo: () => 'AssemblyAI',
    filesAtRealtimePace: () => true,
    setting: {
      value: 'assemblyai',
      label: 'AssemblyAI (cloud)',
      description: `AssemblyAI real-time streaming: your audio is sent to AssemblyAI. Needs an API key (Voxnote: ${ASSEMBLYAI_KEY_TITLE}).`,
      fromSettings: (read, credential) => {
        const url = read('assemblyai.streamingUrl').trim();
        if (url && !isWssUrl(url)) {
          return { problem: { message: `voxnote.assemblyai.streamingUrl must be a full wss:// URL, not "${url}".`, hint: "Correct it in Settings, or clear it to use AssemblyAI's own endpoint." } };
        }
        return { spec: { kind: 'assemblyai', credential: credential ?? '', ...(url ? { url } : {}) } };
      },
    },
    credential: {
      name: 'your AssemblyAI API key',
      secret: 'voxnote.assemblyai.apiKey',
      setCommand: { id: 'voxnote.setAssemblyAIKey', title: ASSEMBLYAI_KEY_TITLE },
      clearCommand: { id: 'voxnote.clearAssemblyAIKey', title: 'Clear AssemblyAI API Key' },
      prompt: "Your AssemblyAI API key (assemblyai.com dashboard). It is kept in VS Code's secret storage and sent only to AssemblyAI.",
      env: 'ASSEMBLYAI_API_KEY',
      nextStepCodes: CREDENTIAL_CODES,
      required: () => true,
    },
    cli: {
      value: 'assemblyai',
      fromEnv: (env) => {
        const credential = env.ASSEMBLYAI_API_KEY?.trim();
        if (!credential) return { problem: { message: '--engine assemblyai needs your AssemblyAI API key in the ASSEMBLYAI_API_KEY environment variable.', hint: '' } };
        const url = env.ASSEMBLYAI_STREAMING_URL?.trim();
        if (url && !isWssUrl(url)) return { problem: { message: `ASSEMBLYAI_STREAMING_URL must be a full wss:// URL, not "${url}".`, hint: '' } };
        return { spec: { kind: 'assemblyai', credential, ...(url ? { url } : {}) } };
      },
    },
  },
  openai: {
    check: (e) => {
      if (!isString(e.baseUrl)) throw new ProtocolError('an openai engine needs a "baseUrl"');
      const problem = serverUrlProblem(e.baseUrl);
      if (problem) throw new ProtocolError(`engine "baseUrl" ${problem}`);
      if (!isString(e.model)) throw new ProtocolError('an openai engine needs a "model" name');
      const credential = optional(e, 'credential', (c): c is string => typeof c === 'string', 'a string');
      const language = optional(e, 'language', isString, 'a language code such as "en"');
      const protocol = optional(e, 'protocol', (p): p is ServerProtocol => SERVER_PROTOCOLS.includes(p as ServerProtocol), `one of ${SERVER_PROTOCOLS.join(', ')}`);
      return {
        kind: 'openai',
        baseUrl: e.baseUrl,
        model: e.model,
        ...(credential ? { credential } : {}),
        ...(language ? { language } : {}),
        ...(protocol ? { protocol } : {}),
      };
    },
    label: (spec) => `${spec.model} on ${hostOf(spec.baseUrl)}`,
    describe: (spec) => `the speech server at ${spec.baseUrl}`,
    audioGoesTo: (spec) => hostOf(spec.baseUrl),
    filesAtRealtimePace: (spec) => spec.protocol === 'realtime',
    setting: {
      value: 'openai',
      label: 'Speech server (OpenAI-compatible)',
      description: `A speech server that speaks OpenAI's audio API (speaches, whisper.cpp, vLLM, LocalAI, OpenAI, Groq) at voxnote.server.baseUrl: your audio is sent there. An API key, where the server needs one: Voxnote: ${SERVER_KEY_TITLE}.`,
      fromSettings: (read, credential) => {
        const baseUrl = read('server.baseUrl').trim();
        const model = read('server.model').trim();
        const language = read('server.language').trim();
        const where = 'Set it in your user settings (Voxnote: Dictation), or choose another engine.';
        if (!baseUrl) return { problem: { message: 'No speech server is set: voxnote.server.baseUrl is empty.', hint: where } };
        const problem = serverUrlProblem(baseUrl);
        if (problem) return { problem: { message: `voxnote.server.baseUrl ${problem}.`, hint: where } };
        if (!model) return { problem: { message: 'voxnote.server.model is empty: name the model the server should use.', hint: where } };
        return { spec: { kind: 'openai', baseUrl, model, protocol: read('server.protocol'), ...(credential ? { credential } : {}), ...(language ? { language } : {}) } };
      },
    },
    credential: {
      name: "the speech server's API key",
      secret: 'voxnote.server.apiKey',
      setCommand: { id: 'voxnote.setServerKey', title: SERVER_KEY_TITLE },
      clearCommand: { id: 'voxnote.clearServerKey', title: 'Clear Server API Key' },
      prompt: "The speech server's API key (optional for servers that need none). It is kept in VS Code's secret storage and sent only to voxnote.server.baseUrl.",
      env: 'OPENAI_API_KEY',
      nextStepCodes: CREDENTIAL_CODES,
      // A server on this machine or a private network often needs no key; a public one always does.
      required: (spec) => !isPrivateHost(new URL(spec.baseUrl).hostname),
    },
    cli: {
      value: 'openai',
      fromEnv: (env, args) => {
        const baseUrl = env.OPENAI_BASE_URL?.trim() || 'https://api.openai.com/v1';
        const problem = serverUrlProblem(baseUrl);
        if (problem) return { problem: { message: `OPENAI_BASE_URL ${problem}.`, hint: '' } };
        const credential = env.OPENAI_API_KEY?.trim();
        if (!credential && !isPrivateHost(new URL(baseUrl).hostname)) {
          return { problem: { message: `--engine openai needs the API key of ${hostOf(baseUrl)} in the OPENAI_API_KEY environment variable.`, hint: '' } };
        }
        const language = env.VOXNOTE_SERVER_LANGUAGE?.trim();
        const protocol = env.VOXNOTE_SERVER_PROTOCOL?.trim() || 'auto';
        if (!SERVER_PROTOCOLS.includes(protocol as ServerProtocol)) return { problem: { message: `VOXNOTE_SERVER_PROTOCOL must be one of: ${SERVER_PROTOCOLS.join(', ')}.`, hint: '' } };
        return {
          spec: {
            kind: 'openai',
            baseUrl,
            model: args.serverModel?.trim() || 'whisper-1',
            protocol: protocol as ServerProtocol,
            ...(credential ? { credential } : {}),
            ...(language ? { language } : {}),
          },
        };
      },
    },
  },
};

const KINDS = Object.keys(ENGINES) as EngineKind[];
const descriptor = <K extends EngineKind>(spec: SpecOf<K>): EngineDescriptor<K> => ENGINES[spec.kind as K];

/** Checks an engine spec from the wire. Messages never quote a credential. */
export function checkEngineSpec(v: unknown): EngineSpec {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ProtocolError('needs an "engine" object, e.g. {"kind":"vosk","model":"/path"}');
  const e = v as Record<string, unknown>;
  if (!KINDS.includes(e.kind as EngineKind)) throw new ProtocolError(`engine "kind" must be one of: ${KINDS.map((k) => `"${k}"`).join(', ')}`);
  return (ENGINES[e.kind as EngineKind] as EngineDescriptor<EngineKind>).check(e);
}

/** Who receives the audio, when it leaves the machine; undefined for a local engine. The one answer to "is it cloud". */
export const audioGoesTo = (spec: EngineSpec): string | undefined => descriptor(spec).audioGoesTo(spec);
/** "the model at /x" or "AssemblyAI streaming": for messages ("while loading …"). */
export const describeEngine = (spec: EngineSpec): string => descriptor(spec).describe(spec);
/** Short label for status bars and notes headers. */
export const engineLabel = (spec: EngineSpec, modelName?: string): string => descriptor(spec).label(spec, modelName);
export const filesAtRealtimePace = (spec: EngineSpec): boolean => descriptor(spec).filesAtRealtimePace(spec);

/** The engines a voxnote.engine.* setting can pick, by value; `local` (the model folder decides) is not among them. */
export const SETTING_ENGINES = KINDS.flatMap((kind) => {
  const d = ENGINES[kind] as EngineDescriptor<EngineKind>;
  return d.setting ? [{ kind, ...d.setting, credential: d.credential }] : [];
});
/** The engines the CLI's --engine can pick besides `local`. */
export const CLI_ENGINES = KINDS.flatMap((kind) => {
  const d = ENGINES[kind] as EngineDescriptor<EngineKind>;
  return d.cli ? [{ kind, ...d.cli, credential: d.credential }] : [];
});
/** Every credential, by engine kind (commands, the CLI's environment scrub, error next steps). */
export const CREDENTIALS = KINDS.flatMap((kind) => {
  const c = ENGINES[kind].credential;
  return c ? [{ kind, ...c }] : [];
});
