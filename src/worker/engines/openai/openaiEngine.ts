/**
 * A speech server that speaks OpenAI's audio API, as an Engine. Loading checks
 * that something answers at the base URL (a server that is down is named at
 * once) and, for protocol `auto`, whether it serves the Realtime transcription
 * WebSocket: probed once per server and worker, then remembered. Batch
 * streams cut speech with the Silero VAD Voxnote ships.
 */
import type { OpenAIEngineSpec, ServerProtocol } from '../../../shared/engines';
import { VoxnoteError } from '../../../shared/errors';
import WebSocket from 'ws';
import type { Engine, RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { loadSherpa } from '../sherpa/addon';
import { vadConfig } from '../sherpa/config';
import { BUNDLED_VAD, DEFAULT_MAX_SEGMENT_SECONDS } from '../sherpa/sherpaEngine';
import { scrub } from '../assemblyai/faults';
import { APIError } from 'openai';
import { batchStream } from './batchStream';
import { classify } from './faults';
import { realtimeHeaders, realtimeUrl, RealtimeStream } from './realtimeStream';

const PROBE_TIMEOUT_MS = 5000;
/** What `auto` found, per base URL, for this worker's life. */
const probed = new Map<string, Exclude<ServerProtocol, 'auto'>>();
/** A number per distinct key, so that a changed key is a new engine without the key in `ready`. */
const keySerials = new Map<string, number>();

function unreachable(spec: OpenAIEngineSpec, why: string): VoxnoteError {
  return new VoxnoteError('service-unreachable', `Nothing answers at ${spec.baseUrl} (${scrub(why, spec.credential ?? '')}): the speech server is down or the address is wrong.`, 'Start the server, or correct voxnote.server.baseUrl (the CLI: OPENAI_BASE_URL).');
}

/** Resolves once the base URL answers and does not refuse the key; rejects when nothing answers or the key is refused. */
async function reachable(spec: OpenAIEngineSpec): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${spec.baseUrl.replace(/\/+$/, '')}/models`, {
      headers: spec.credential ? { Authorization: `Bearer ${spec.credential}` } : {},
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await res.body?.cancel();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw unreachable(spec, cause?.code ?? cause?.message ?? (e as Error).message);
  }
  // A refused key is said at the start, not after the first sentence.
  if (res.status === 401 || res.status === 403) {
    const c = classify(APIError.generate(res.status, { message: '' }, undefined, res.headers), { baseUrl: spec.baseUrl, model: spec.model, credential: spec.credential });
    if (c.kind === 'permanent') throw c.error;
  }
}

/** True when the server upgrades {baseUrl}/realtime?intent=transcription (or refuses it for the key: it is there). */
function servesRealtime(spec: OpenAIEngineSpec): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(realtimeUrl(spec.baseUrl), { headers: realtimeHeaders(spec), handshakeTimeout: PROBE_TIMEOUT_MS });
    const end = (yes: boolean) => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(yes);
    };
    ws.on('open', () => end(true));
    ws.on('unexpected-response', (_req, res) => end(res.statusCode === 401 || res.statusCode === 403));
    ws.on('error', () => end(false));
  });
}

async function protocolOf(spec: OpenAIEngineSpec): Promise<Exclude<ServerProtocol, 'auto'>> {
  const chosen = spec.protocol ?? 'auto';
  if (chosen !== 'auto') return chosen;
  const known = probed.get(spec.baseUrl);
  if (known) return known;
  const found = (await servesRealtime(spec)) ? 'realtime' : 'batch';
  probed.set(spec.baseUrl, found);
  return found;
}

export async function loadOpenAI(spec: OpenAIEngineSpec): Promise<Engine> {
  await reachable(spec);
  const protocol = await protocolOf(spec);
  const credential = spec.credential ?? '';
  if (!keySerials.has(credential)) keySerials.set(credential, keySerials.size + 1);
  const key = `${spec.baseUrl} ${spec.model} ${protocol} key#${keySerials.get(credential)}`;
  const open = (options: StreamOptions, sink: StreamSink): RecognitionStream => {
    if (protocol === 'realtime') return new RealtimeStream(spec, options, sink);
    const max = DEFAULT_MAX_SEGMENT_SECONDS;
    // The detector's buffer holds the longest segment and the look-back before it.
    const vad = new (loadSherpa().Vad)(vadConfig(BUNDLED_VAD, max), max + 10);
    return batchStream(spec, vad, options, sink, max);
  };
  return { key, open: async (options, sink) => open(options, sink), dispose: () => undefined };
}
