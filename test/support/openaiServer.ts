/**
 * A stand-in for an OpenAI-compatible speech server (speaches, vLLM, OpenAI)
 * on 127.0.0.1, backed by a real engine: sherpa-onnx decoding the offline
 * tone model (sherpaToneModel.ts), so the tone words a test plays come back as
 * the transcript. It answers in OpenAI's shapes:
 * - POST /v1/audio/transcriptions (multipart): `json`, `text`, `verbose_json`
 *   with segments; GET /v1/models.
 * - The Realtime transcription WebSocket (/v1/realtime?intent=transcription):
 *   `transcription_session.update`, pcm16 24 kHz appends, server VAD (Silero,
 *   the real detector) with speech_started / speech_stopped / committed,
 *   transcription deltas, then `.completed`.
 * Fault switches (`faults`, changeable between requests): a key it accepts,
 * the first N requests answered 500 or their connection reset, latency, 429
 * with Retry-After, 413 above a body size, realtime off. Every request is
 * recorded (its Authorization header, bytes, status, time) for assertions and
 * the bench's figures.
 */
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { WebSocket, WebSocketServer } from 'ws';
import { checkSherpaFolder } from '../../src/shared/sherpaModelFolder';
import { loadSherpa, OfflineRecognizer, Vad } from '../../src/worker/engines/sherpa/addon';
import { offlineConfig, VAD_WINDOW, vadConfig } from '../../src/worker/engines/sherpa/config';
import { SILERO_VAD } from './sherpaToneModel';

export const STAND_IN_MODEL = 'tone-whisper';

export interface Faults {
  /** The key it accepts as `Authorization: Bearer …`; none means no key needed. */
  apiKey?: string;
  /** Answer the next N transcription requests with 500. */
  fail500?: number;
  /** Reset the connection of the next N transcription requests. */
  reset?: number;
  /** Answer the next N transcription requests 429 with this Retry-After (seconds). */
  rateLimit?: { count: number; retryAfter: number };
  /** Answer 413 to transcription bodies larger than this. */
  maxBodyBytes?: number;
  /** Added to every transcription request, in ms. */
  latencyMs?: number;
  /** false: no realtime endpoint (404 on upgrade), like a batch-only server. */
  realtime?: boolean;
}

export interface RecordedRequest {
  path: string;
  authorization?: string;
  bytes: number;
  status: number;
  /** ms since the server started, at arrival and at answer. */
  at: number;
  answeredAt: number;
  text?: string;
  responseFormat?: string;
}

export interface RealtimeConnection {
  authorization?: string;
  appendedBytes: number;
  events: string[];
}

const RATE = 16000;

function wavSamples(wav: Buffer): Float32Array {
  const at = wav.indexOf('data', 12, 'latin1');
  const n = wav.readUInt32LE(at + 4) / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = wav.readInt16LE(at + 8 + 2 * i) / 32768;
  return out;
}

/** pcm16 at 24 kHz to 16 kHz floats (linear interpolation). */
function from24k(pcm: Buffer): Float32Array {
  const n = pcm.length >> 1;
  const out = new Float32Array(Math.floor((n * 2) / 3));
  for (let j = 0; j < out.length; j++) {
    const pos = j * 1.5;
    const i = Math.floor(pos);
    const f = pos - i;
    const a = pcm.readInt16LE(2 * i);
    const b = i + 1 < n ? pcm.readInt16LE(2 * (i + 1)) : a;
    out[j] = (a * (1 - f) + b * f) / 32768;
  }
  return out;
}

const openaiError = (message: string, type: string, code: string | null) => JSON.stringify({ error: { message, type, param: null, code } });

export class OpenAIStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly realtimeConnections: RealtimeConnection[] = [];
  private readonly t0 = performance.now();
  private readonly sockets = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly server: http.Server,
    private readonly recognizer: OfflineRecognizer,
    public faults: Faults,
  ) {}

  /** Starts on a free loopback port, decoding with the offline sherpa tone model in `modelDir`. */
  static async start(modelDir: string, faults: Faults = {}): Promise<OpenAIStandIn> {
    const check = checkSherpaFolder(modelDir);
    if (!check.ok) throw new Error(check.message);
    const recognizer = await loadSherpa().OfflineRecognizer.createAsync(offlineConfig(check.model));
    const server = http.createServer();
    const standIn = new OpenAIStandIn(server, recognizer, faults);
    server.on('request', (req, res) => void standIn.handle(req, res));
    server.on('upgrade', (req, socket, head) => standIn.upgrade(req, socket as Socket, head));
    server.on('connection', (s) => {
      standIn.sockets.add(s);
      s.on('close', () => standIn.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Transcription requests answered 200. */
  get transcriptions(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/audio/transcriptions') && r.status === 200);
  }

  private now(): number {
    return performance.now() - this.t0;
  }

  private authorized(header: string | undefined): boolean {
    return !this.faults.apiKey || header === `Bearer ${this.faults.apiKey}`;
  }

  private async decode(samples: Float32Array): Promise<{ text: string; tokens: string[]; timestamps: number[] }> {
    const s = this.recognizer.createStream();
    s.acceptWaveform({ samples, sampleRate: RATE });
    const r = await this.recognizer.decodeAsync(s);
    return { text: r.text.trim(), tokens: r.tokens, timestamps: r.timestamps };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const record: RecordedRequest = { path: req.url ?? '', authorization: req.headers.authorization, bytes: body.length, status: 0, at: this.now(), answeredAt: 0 };
    this.requests.push(record);
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      record.status = status;
      record.answeredAt = this.now();
      res.writeHead(status, { 'content-type': headers['content-type'] ?? 'application/json', ...headers });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (!this.authorized(req.headers.authorization)) {
      return answer(401, openaiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      return answer(200, JSON.stringify({ object: 'list', data: [{ id: STAND_IN_MODEL, object: 'model', created: 0, owned_by: 'voxnote-tests' }] }));
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/audio/transcriptions') return answer(404, openaiError(`Unknown request URL: ${req.method} ${url.pathname}.`, 'invalid_request_error', 'unknown_url'));
    const f = this.faults;
    if (f.reset && f.reset > 0) {
      f.reset--;
      record.status = -1;
      record.answeredAt = this.now();
      return void req.socket.destroy();
    }
    if (f.fail500 && f.fail500 > 0) {
      f.fail500--;
      return answer(500, openaiError('The server had an error while processing your request.', 'server_error', null));
    }
    if (f.rateLimit && f.rateLimit.count > 0) {
      f.rateLimit.count--;
      return answer(429, openaiError('Rate limit reached for requests.', 'requests', 'rate_limit_exceeded'), { 'retry-after': String(f.rateLimit.retryAfter) });
    }
    if (f.maxBodyBytes !== undefined && body.length > f.maxBodyBytes) {
      return answer(413, openaiError('Maximum content size limit exceeded.', 'invalid_request_error', null));
    }
    const form = await new Request('http://x', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).formData();
    const model = form.get('model');
    if (model !== STAND_IN_MODEL) return answer(404, openaiError(`The model \`${String(model)}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'));
    const file = form.get('file');
    if (!(file instanceof Blob)) return answer(400, openaiError('No file given.', 'invalid_request_error', null));
    const samples = wavSamples(Buffer.from(await file.arrayBuffer()));
    if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    const decoded = await this.decode(samples);
    record.text = decoded.text;
    const format = String(form.get('response_format') ?? 'json');
    record.responseFormat = format;
    const duration = samples.length / RATE;
    if (format === 'text') return answer(200, decoded.text + '\n', { 'content-type': 'text/plain' });
    if (format === 'verbose_json') {
      const segment = { id: 0, seek: 0, start: 0, end: duration, text: decoded.text, tokens: [], temperature: 0, avg_logprob: 0, compression_ratio: 1, no_speech_prob: 0 };
      return answer(200, JSON.stringify({ task: 'transcribe', language: String(form.get('language') ?? 'english'), duration, text: decoded.text, segments: decoded.text ? [segment] : [] }));
    }
    return answer(200, JSON.stringify({ text: decoded.text }));
  }

  private upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    };
    if (this.faults.realtime === false || url.pathname !== '/v1/realtime' || url.searchParams.get('intent') !== 'transcription') return refuse(404, 'Not Found');
    if (!this.authorized(req.headers.authorization)) return refuse(401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.realtime(ws, req.headers.authorization));
  }

  /** One realtime transcription session: the real Silero VAD cuts turns, the tone model transcribes them. */
  private realtime(ws: WebSocket, authorization: string | undefined): void {
    const conn: RealtimeConnection = { authorization, appendedBytes: 0, events: [] };
    this.realtimeConnections.push(conn);
    const sherpa = loadSherpa();
    const vad: Vad = new sherpa.Vad(vadConfig(SILERO_VAD, 30), 40);
    let pending = new Float32Array(0);
    let fed = 0;
    let item = 0;
    let speaking: string | undefined;
    let model = '';
    /** Transcripts go out in commit order: one chain. */
    let chain = Promise.resolve();
    const send = (m: object) => {
      conn.events.push((m as { type: string }).type);
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ event_id: `event_${conn.events.length}`, ...m }));
    };
    const commitSegments = () => {
      let any = false;
      while (!vad.isEmpty()) {
        const seg = vad.front(false);
        vad.pop();
        any = true;
        const id = speaking ?? `item_${++item}`;
        speaking = undefined;
        const startMs = Math.round((seg.start / RATE) * 1000);
        const endMs = Math.round(((seg.start + seg.samples.length) / RATE) * 1000);
        send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: endMs, item_id: id });
        send({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: id });
        chain = chain.then(async () => {
          if (this.faults.latencyMs) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
          const { text } = await this.decode(seg.samples);
          for (const word of text.split(' ').filter((w) => w)) send({ type: 'conversation.item.input_audio_transcription.delta', item_id: id, content_index: 0, delta: `${word} ` });
          send({ type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript: text, audio_start_ms: startMs });
        });
      }
      return any;
    };
    send({ type: 'transcription_session.created', session: { id: 'sess_standin' } });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { type: string; audio?: string; session?: { input_audio_transcription?: { model?: string } } };
      if (m.type === 'transcription_session.update') {
        model = m.session?.input_audio_transcription?.model ?? '';
        if (model !== STAND_IN_MODEL) return send({ type: 'error', error: { type: 'invalid_request_error', code: 'model_not_found', message: `The model \`${model}\` does not exist.` } });
        return send({ type: 'transcription_session.updated', session: m.session });
      }
      if (m.type === 'input_audio_buffer.append' && m.audio) {
        const bytes = Buffer.from(m.audio, 'base64');
        conn.appendedBytes += bytes.length;
        const samples = from24k(bytes);
        const all = new Float32Array(pending.length + samples.length);
        all.set(pending);
        all.set(samples, pending.length);
        let at = 0;
        for (; at + VAD_WINDOW <= all.length; at += VAD_WINDOW) {
          vad.acceptWaveform(all.subarray(at, at + VAD_WINDOW));
          fed += VAD_WINDOW;
          if (vad.isDetected() && !speaking) {
            speaking = `item_${++item}`;
            send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round((fed / RATE) * 1000), item_id: speaking });
          }
          commitSegments();
        }
        pending = all.slice(at);
        return;
      }
      if (m.type === 'input_audio_buffer.commit') {
        vad.flush();
        if (!commitSegments()) send({ type: 'error', error: { type: 'invalid_request_error', code: 'input_audio_buffer_commit_empty', message: 'Error committing input audio buffer: buffer too small.' } });
      }
    });
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Asks the stand-in with `fetch` as any client would: for the response-shape tests. */
export async function transcribeDirect(baseUrl: string, wav: Buffer, fields: Record<string, string>, key?: string): Promise<Response> {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), 'speech.wav');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return fetch(`${baseUrl}/audio/transcriptions`, { method: 'POST', body: form, headers: key ? { authorization: `Bearer ${key}` } : {} });
}
