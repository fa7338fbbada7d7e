/**
 * OpenAI's Realtime transcription WebSocket ({baseUrl}/realtime?intent=transcription),
 * which speaches, vLLM and OpenAI serve: pcm16 at 24 kHz in
 * `input_audio_buffer.append`, the server's VAD cuts turns, deltas are
 * partials, `.completed` transcripts are finals, delivered in the order the
 * server committed their audio. endUtterance commits the buffer at once.
 */
import WebSocket from 'ws';
import type { OpenAIEngineSpec } from '../../../shared/engines';
import { VoxnoteError } from '../../../shared/errors';
import { hostOf } from '../../../shared/serverUrl';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { scrub } from '../assemblyai/faults';
import { SET_KEY_COMMAND } from './faults';

/** What the Realtime API takes: 24 kHz pcm16. */
export const REALTIME_RATE = 24000;
/** After the last audio, how long finish() waits for the server's last transcripts. */
const FINISH_WAIT_MS = 15_000;
const OPEN_TIMEOUT_MS = 10_000;

export const realtimeUrl = (baseUrl: string): string => `${baseUrl.replace(/^http/i, 'ws').replace(/\/+$/, '')}/realtime?intent=transcription`;

export const realtimeHeaders = (spec: OpenAIEngineSpec): Record<string, string> => ({
  'OpenAI-Beta': 'realtime=v1',
  ...(spec.credential ? { Authorization: `Bearer ${spec.credential}` } : {}),
});

/** 16 kHz s16le to 24 kHz s16le by linear interpolation, across chunk boundaries. */
export class Upsampler {
  /** Output samples made so far; output n sits at input position 2n/3. */
  private n = 0;
  /** Input samples before `last` that are gone. */
  private base = 0;
  private last: number | undefined;

  push(pcm: Buffer): Buffer {
    const input = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + (pcm.length & ~1)));
    const src = this.last === undefined ? Array.from(input) : [this.last, ...input];
    const out: number[] = [];
    for (;;) {
      const i = Math.floor((2 * this.n) / 3) - this.base;
      if (i + 1 >= src.length) break;
      const f = ((2 * this.n) % 3) / 3;
      out.push(Math.round(src[i] * (1 - f) + src[i + 1] * f));
      this.n++;
    }
    if (src.length) {
      this.base += src.length - 1;
      this.last = src[src.length - 1];
    }
    return Buffer.from(Int16Array.from(out).buffer);
  }
}

interface ServerEvent {
  type: string;
  item_id?: string;
  delta?: string;
  transcript?: string;
  audio_start_ms?: number;
  audio_end_ms?: number;
  error?: { message?: string; code?: string; type?: string };
}

export class RealtimeStream implements RecognitionStream {
  private readonly ws: WebSocket;
  private readonly up = new Upsampler();
  private readonly outbox: string[] = [];
  private open = false;
  private closed = false;
  private failed = false;
  /** Items in the order the server committed them; their transcripts once complete. */
  private readonly order: string[] = [];
  private readonly done = new Map<string, string>();
  private readonly partials = new Map<string, string>();
  private readonly times = new Map<string, { start?: number; end?: number }>();
  /** Items whose speech started and whose audio is not committed yet. */
  private readonly speaking = new Set<string>();
  private delivered = 0;
  private waiters: Array<() => void> = [];
  /** Set by finish(): the server's answer to its commit (`committed`, or an empty-buffer error). */
  private commitAnswered?: () => void;

  constructor(
    private readonly spec: OpenAIEngineSpec,
    private readonly options: StreamOptions,
    private readonly sink: StreamSink,
  ) {
    this.ws = new WebSocket(realtimeUrl(spec.baseUrl), { headers: realtimeHeaders(spec), handshakeTimeout: OPEN_TIMEOUT_MS });
    this.ws.on('open', () => {
      this.open = true;
      this.ws.send(JSON.stringify(this.sessionUpdate()));
      for (const m of this.outbox.splice(0)) this.ws.send(m);
    });
    this.ws.on('message', (data) => this.onEvent(data.toString()));
    this.ws.on('unexpected-response', (_req, res) => this.fail(this.refused(res.statusCode ?? 0)));
    this.ws.on('error', (e) => this.fail(new VoxnoteError('service-unreachable', `Could not reach the speech server at ${spec.baseUrl}: ${this.clean(e.message)}.`, 'Check that the server runs and voxnote.server.baseUrl points at it.')));
    this.ws.on('close', () => {
      if (!this.closed && this.delivered < this.order.length) {
        this.fail(new VoxnoteError('connection-lost', `The speech server at ${hostOf(spec.baseUrl)} closed the connection before the last transcript.`, 'Start again; set voxnote.server.protocol to "batch" if it keeps happening.'));
      }
      this.commitAnswered?.();
      this.wake();
    });
  }

  private sessionUpdate(): object {
    return {
      type: 'transcription_session.update',
      session: {
        input_audio_format: 'pcm16',
        input_audio_transcription: {
          model: this.spec.model,
          ...(this.spec.language ? { language: this.spec.language } : {}),
          ...(this.options.phrases?.length ? { prompt: this.options.phrases.join(', ') } : {}),
        },
        turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
      },
    };
  }

  private send(message: object): void {
    const line = JSON.stringify(message);
    if (this.open) this.ws.send(line);
    else this.outbox.push(line);
  }

  private onEvent(raw: string): void {
    let e: ServerEvent;
    try {
      e = JSON.parse(raw) as ServerEvent;
    } catch {
      return;
    }
    const id = e.item_id;
    switch (e.type) {
      case 'input_audio_buffer.speech_started':
        if (id) this.times.set(id, { start: (e.audio_start_ms ?? 0) / 1000 });
        if (id) this.speaking.add(id);
        break;
      case 'input_audio_buffer.speech_stopped':
        if (id) this.times.set(id, { ...this.times.get(id), end: (e.audio_end_ms ?? 0) / 1000 });
        break;
      case 'input_audio_buffer.committed':
        if (id && !this.order.includes(id)) this.order.push(id);
        if (id) this.speaking.delete(id);
        this.commitAnswered?.();
        this.wake();
        break;
      case 'conversation.item.input_audio_transcription.delta':
        if (!id || this.done.has(id)) break;
        this.partials.set(id, (this.partials.get(id) ?? '') + (e.delta ?? ''));
        if (this.options.partials) this.sink.partial(this.partials.get(id)!.trim());
        break;
      case 'conversation.item.input_audio_transcription.completed':
        if (!id || this.done.has(id)) break;
        this.done.set(id, (e.transcript ?? '').trim());
        if (!this.order.includes(id)) this.order.push(id);
        this.deliver();
        break;
      case 'error':
        // Committing an empty buffer (endUtterance in silence) is no failure.
        if (/empty|buffer too small/i.test(`${e.error?.code} ${e.error?.message}`)) {
          // Nothing is left uncommitted.
          this.speaking.clear();
          this.commitAnswered?.();
          return this.wake();
        }
        this.fail(new VoxnoteError('service-refused', `The speech server at ${hostOf(this.spec.baseUrl)} said: ${this.clean(e.error?.message ?? 'an error')}.`, 'Check voxnote.server.model and voxnote.server.language; set voxnote.server.protocol to "batch" if the server has no realtime transcription.'));
        break;
    }
  }

  /** Finals in commit order: one waits for those committed before it. */
  private deliver(): void {
    while (this.delivered < this.order.length && this.done.has(this.order[this.delivered])) {
      const id = this.order[this.delivered++];
      const text = this.done.get(id)!;
      const t = this.times.get(id);
      if (text && !this.closed) this.sink.final({ text, words: [], ...(t?.start !== undefined && t.end !== undefined ? { start: t.start, end: t.end } : {}) });
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private refused(status: number): VoxnoteError {
    const host = hostOf(this.spec.baseUrl);
    if (status === 401 || status === 403) {
      return new VoxnoteError(this.spec.credential ? 'credential-rejected' : 'credential-missing', `The speech server at ${host} refused ${this.spec.credential ? 'the API key' : 'a connection without an API key'} (${status}).`, `Run "${SET_KEY_COMMAND}" (the CLI reads OPENAI_API_KEY) with a key this server accepts.`);
    }
    return new VoxnoteError('service-refused', `The speech server at ${host} has no realtime transcription (${status}).`, 'Set voxnote.server.protocol to "batch" (or "auto").');
  }

  private clean(text: string): string {
    return scrub(text, this.spec.credential ?? '');
  }

  private fail(error: VoxnoteError): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.sink.error(error);
    this.commitAnswered?.();
    this.wake();
  }

  accept(pcm: Buffer): void {
    if (this.closed || this.failed) return;
    const audio = this.up.push(pcm);
    if (audio.length) this.send({ type: 'input_audio_buffer.append', audio: audio.toString('base64') });
  }

  endUtterance(): void {
    if (!this.closed && !this.failed) this.send({ type: 'input_audio_buffer.commit' });
  }

  async finish(): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + FINISH_WAIT_MS;
    // The last commit is answered by `committed` (or "empty"); then every item whose speech
    // started must be committed, and every committed one transcribed.
    if (this.open || this.outbox.length) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, FINISH_WAIT_MS);
        this.commitAnswered = () => {
          this.commitAnswered = undefined;
          clearTimeout(t);
          resolve();
        };
        this.endUtterance();
      });
    }
    while (!this.failed && this.ws.readyState <= WebSocket.OPEN && (this.delivered < this.order.length || this.speaking.size > 0) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.removeAllListeners('close');
    this.ws.on('error', () => undefined);
    this.ws.close();
  }
}
