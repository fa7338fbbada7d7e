/**
 * One descriptor per engine: the table every part reads to learn what an
 * engine is (its spec check, its names, whether audio leaves the machine and
 * to where, its credential, the setting value that picks it, how files play).
 * A mapped type over the engine kinds, so a new kind without its entry does
 * not compile. Adding an engine: docs/engines.md. No VS Code API here.
 */
import { ProtocolError } from './protocolError';
import { isWssUrl } from './serverUrl';
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

/** Which engine a session runs on, and its settings. */
export type EngineSpec =
  | { kind: 'vosk'; model: string }
  | {
      kind: 'sherpa';
      model: string;
      /** Non-streaming models: the longest speech segment, in seconds, before it is closed (default 30). */
      maxSegmentSeconds?: number;
    }
  | AssemblyAIEngineSpec;

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

const ASSEMBLYAI_KEY_TITLE = 'Set AssemblyAI API Key';
const CREDENTIAL_CODES = ['credential-missing', 'credential-rejected'] as const;

export const ENGINES: { readonly [K in EngineKind]: EngineDescriptor<K> } = {
  vosk: {
    check: (e) => ({ kind: 'vosk', model: modelFolder('vosk')(e) }),
    label: (spec, name) => name ?? spec.model,
    describe: (spec) => `the model at ${spec.model}`,
    audioGoesTo: () => undefined,
    filesAtRealtimePace: () => false,
  },
  sherpa: {
    check: (e) => {
      const model = modelFolder('sherpa')(e);
      const maxSegmentSeconds = optional(e, 'maxSegmentSeconds', (s): s is number => typeof s === 'number' && s >= 1 && s <= 600, 'a number of seconds from 1 to 600');
      return { kind: 'sherpa', model, ...(maxSegmentSeconds !== undefined ? { maxSegmentSeconds } : {}) };
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
