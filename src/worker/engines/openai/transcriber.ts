/**
 * One speech server's batch protocol: POST {baseUrl}/audio/transcriptions,
 * multipart (a 16 kHz mono WAV, the model, the language, a prompt), through
 * the official `openai` client, which retries 408/409/429/5xx and reset
 * connections with backoff, honouring Retry-After. Beyond its retries the
 * audio is kept and sent again until GIVE_UP_MS has passed; a 413 splits the
 * audio at its quietest point near the middle; a 404 asks /models whether the
 * base URL or the model is wrong. The key goes only into the Authorization
 * header, and only to https or private addresses (shared/serverUrl.ts).
 */
import OpenAI, { toFile } from 'openai';
import type { OpenAIEngineSpec } from '../../../shared/engines';
import { VoxnoteError } from '../../../shared/errors';
import { SAMPLE_RATE } from '../../audio/format';
import { classify, notFound, ServerContext } from './faults';
import { wavOf } from './wav';

/** The client's own tries per request (then this module's). */
const CLIENT_RETRIES = 3;
/** A request may take this long plus twice the audio's length. */
const BASE_TIMEOUT_MS = 15_000;
/** How long audio is kept and sent again while the server fails. */
export const GIVE_UP_MS = 120_000;
/** Shortest piece a 413 splits into (seconds). */
const MIN_SPLIT_SECONDS = 1;

export interface TranscriberEvents {
  /** A failure that Voxnote is riding out (the audio is kept). */
  retrying(error: VoxnoteError): void;
}

export class ServerTranscriber {
  private readonly client: OpenAI;
  readonly ctx: ServerContext;

  constructor(
    spec: OpenAIEngineSpec,
    private readonly prompt: string | undefined,
    private readonly signal: AbortSignal,
    private readonly events: TranscriberEvents,
  ) {
    this.ctx = { baseUrl: spec.baseUrl, model: spec.model, credential: spec.credential };
    this.client = serverClient(spec);
    this.language = spec.language;
  }

  private readonly language: string | undefined;

  /** The text of `samples` (16 kHz floats); rejects with a VoxnoteError once it cannot be had. */
  async transcribe(samples: Float32Array): Promise<string> {
    const giveUpAt = Date.now() + GIVE_UP_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request(samples);
      } catch (e) {
        if (this.signal.aborted) throw e;
        const c = classify(e, this.ctx);
        if (c.kind === 'too-large') {
          if (samples.length < 2 * MIN_SPLIT_SECONDS * SAMPLE_RATE) throw new VoxnoteError('service-refused', `The speech server at ${this.ctx.baseUrl} refuses even ${(samples.length / SAMPLE_RATE).toFixed(1)} s of audio (413).`, 'Raise the server\'s upload limit (or use voxnote.server.protocol "realtime").');
          const at = quietestNearMiddle(samples);
          const [a, b] = await Promise.all([this.transcribe(samples.subarray(0, at)), this.transcribe(samples.subarray(at))]);
          return [a, b].filter((t) => t).join(' ');
        }
        if (c.kind === 'not-found') throw notFound(this.ctx, await this.models());
        if (c.kind === 'permanent' || Date.now() + backoff(attempt) > giveUpAt) throw c.error;
        this.events.retrying(c.error);
        await sleep(c.retryAfterMs ?? backoff(attempt), this.signal);
      }
    }
  }

  private async request(samples: Float32Array): Promise<string> {
    const seconds = samples.length / SAMPLE_RATE;
    const result = await this.client.audio.transcriptions.create(
      {
        file: await toFile(wavOf(samples), 'speech.wav', { type: 'audio/wav' }),
        model: this.ctx.model,
        response_format: 'json',
        ...(this.language ? { language: this.language } : {}),
        ...(this.prompt ? { prompt: this.prompt } : {}),
      },
      { timeout: Math.ceil(BASE_TIMEOUT_MS + 2000 * seconds), signal: this.signal },
    );
    return (typeof result === 'string' ? result : result.text).trim();
  }

  /** The server's model ids, or undefined when /models is not there either (the base URL is wrong). */
  private async models(): Promise<string[] | undefined> {
    try {
      const page = await this.client.models.list({ timeout: 5000, maxRetries: 0 });
      return page.data.map((m) => m.id);
    } catch {
      return undefined;
    }
  }
}

/** The client for one server: no retries of its own beyond CLIENT_RETRIES, no log, no key from the environment. */
export function serverClient(spec: OpenAIEngineSpec): OpenAI {
  return new OpenAI({
    baseURL: spec.baseUrl,
    // The client insists on a key; without one, no Authorization header is sent at all.
    apiKey: spec.credential || 'none',
    ...(spec.credential ? {} : { defaultHeaders: { Authorization: null } }),
    organization: null,
    project: null,
    maxRetries: CLIENT_RETRIES,
    logLevel: 'off',
  });
}

const backoff = (attempt: number) => Math.min(500 * 2 ** attempt, 10_000);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Where to cut audio in two without cutting a word: the quietest 50 ms in its middle third. */
export function quietestNearMiddle(samples: Float32Array): number {
  const win = SAMPLE_RATE / 20;
  let best = samples.length >> 1;
  let bestEnergy = Infinity;
  for (let at = Math.floor(samples.length / 3); at + win <= (2 * samples.length) / 3; at += win) {
    let e = 0;
    for (let i = at; i < at + win; i++) e += samples[i] * samples[i];
    if (e < bestEnergy) [best, bestEnergy] = [at + (win >> 1), e];
  }
  return best;
}
