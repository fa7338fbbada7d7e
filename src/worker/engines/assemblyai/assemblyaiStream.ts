/**
 * One AssemblyAI Universal Streaming (v3) session behind RecognitionStream,
 * through the official SDK's StreamingTranscriber. Audio is cut into 50 ms
 * frames and kept in a backlog until a final covers it; the connection opens
 * in the background (capture starts at once and nothing captured meanwhile is
 * lost) and, after a drop, reconnects with backoff and sends the backlog again.
 */
import { StreamingTranscriber, type TurnEvent } from 'assemblyai';
import { VoxnoteError } from '../../../shared/errors';
import type { AssemblyAIEngineSpec, Word } from '../../../shared/protocol';
import { Chunker } from '../../audio/chunker';
import { SAMPLE_RATE } from '../../capture/capture';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { Backlog, Span } from './backlog';
import { classify, CloseInfo, scrub } from './faults';
import { TurnAssembler } from './turns';

const BYTES_PER_SECOND = SAMPLE_RATE * 2;
/** 50 ms: the server takes 50 to 1000 ms of audio per message. */
const FRAME_BYTES = BYTES_PER_SECOND / 20;
/** Audio kept for resending: 60 s (1.92 MB). Documented in docs/protocol.md. */
export const BACKLOG_SECONDS = 60;
/** One connection attempt: socket, TLS and the server's Begin. */
const CONNECT_TIMEOUT_MS = 3000;
/** Attempts for the first connection before the session fails. */
const FIRST_CONNECT_ATTEMPTS = 3;
/** Offline this long mid-session: the session fails (what is left is reported as a gap). */
const RECONNECT_GIVE_UP_MS = 60000;
/**
 * After stop, how long to wait for a lost connection to come back, and then for
 * the server's Termination (and the last final). Together well under the host's
 * 10 s unresponsive-worker limit: no events flow once capture has stopped.
 */
const FINISH_RECONNECT_MS = 3000;
const TERMINATION_TIMEOUT_MS = 4000;
const backoffMs = (attempt: number) => Math.min(250 * 2 ** attempt, 4000);

export const DEFAULT_SPEECH_MODEL = 'universal-streaming-english';
export const DEFAULT_STREAMING_URL = 'wss://streaming.assemblyai.com/v3/ws';

const seconds = (bytes: number) => Math.round((bytes / BYTES_PER_SECOND) * 1000) / 1000;

type State = 'connecting' | 'open' | 'finishing' | 'failed' | 'closed';

export class AssemblyAIStream implements RecognitionStream {
  private state: State = 'connecting';
  private readonly backlog = new Backlog(BACKLOG_SECONDS * BYTES_PER_SECOND);
  private readonly frames = new Chunker(FRAME_BYTES);
  /** Session bytes framed so far. */
  private framed = 0;
  private transcriber?: StreamingTranscriber;
  /** Session position of the current connection's time 0. */
  private offset = 0;
  private everConnected = false;
  private lostAt?: number;
  /** Audio dropped from the backlog before it was sent: reported once a connection is back (or at the end). */
  private gap?: Span;
  /** The turns of the current connection (turn_order restarts with each). */
  private turns?: TurnAssembler;
  private reconnectNoticeShown = false;
  /** Pending sleeps; woken when the connection opens or the stream ends. */
  private readonly sleepers = new Set<() => void>();
  private readonly formatTurns: boolean;

  constructor(private readonly spec: AssemblyAIEngineSpec, private readonly options: StreamOptions, private readonly sink: StreamSink) {
    this.formatTurns = spec.formatTurns ?? true;
    void this.connectLoop();
  }

  accept(pcm: Buffer): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    // Frames are views of the caller's buffer, which capture may reuse: the backlog keeps copies.
    for (const frame of this.frames.push(pcm)) this.push({ at: this.framed, pcm: Buffer.from(frame) });
    this.sendBacklog();
  }

  endUtterance(): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.backlog.push({ at: this.framed, forceEndpoint: true });
    this.sendBacklog();
  }

  async finish(): Promise<void> {
    if (this.state === 'failed' || this.state === 'closed' || this.state === 'finishing') return;
    const rest = this.frames.drain();
    if (rest) {
      // The last frame is padded with silence to the server's 50 ms minimum; session time counts only the audio.
      const frame = Buffer.alloc(FRAME_BYTES);
      rest.copy(frame);
      const end = this.framed + rest.length;
      this.push({ at: this.framed, pcm: frame });
      this.framed = end;
    }
    if (this.state === 'connecting') await this.sleep(FINISH_RECONNECT_MS);
    const transcriber = this.state === 'open' ? this.transcriber : undefined;
    if (transcriber) {
      this.sendBacklog();
      this.state = 'finishing';
      // Terminate; the server flushes the last turn, then sends Termination.
      await transcriber.close(true, TERMINATION_TIMEOUT_MS).catch(() => undefined);
    } else if (this.state === 'connecting') {
      this.state = 'finishing';
    }
    if (this.state !== 'finishing') return; // failed meanwhile: already reported
    this.turns?.flush();
    const start = this.backlog.start;
    if (!transcriber && start !== undefined) this.widenGap({ start, end: this.framed });
    this.reportGap('could not be sent: the connection to AssemblyAI did not come back before the session ended');
    this.state = 'closed';
  }

  close(): void {
    if (this.state === 'closed' && !this.transcriber) return;
    this.state = 'closed';
    this.wakeAll();
    this.dropTranscriber();
  }

  private push(item: { at: number; pcm: Buffer }): void {
    this.framed = item.at + item.pcm.length;
    const over = this.backlog.push(item);
    // Audio the current connection already has is lost only if that connection drops too.
    if (over && (over.unsent || this.state !== 'open')) this.widenGap(over.dropped);
  }

  private widenGap(span: Span): void {
    this.gap = { start: Math.min(this.gap?.start ?? span.start, span.start), end: Math.max(this.gap?.end ?? span.end, span.end) };
  }

  private reportGap(why: string): void {
    const gap = this.gap;
    if (!gap) return;
    this.gap = undefined;
    const span = { start: seconds(gap.start), end: seconds(gap.end) };
    this.notice(
      new VoxnoteError(
        'audio-gap',
        `The audio from ${span.start.toFixed(1)} s to ${span.end.toFixed(1)} s of this session was not transcribed: it ${why}.`,
        'Repeat what was said in that stretch; a stable network connection avoids this.',
        false,
      ),
      span,
    );
  }

  private sendBacklog(): void {
    const transcriber = this.transcriber;
    if (this.state !== 'open' || !transcriber) return;
    for (let item = this.backlog.next(); item; item = this.backlog.next()) {
      try {
        if ('pcm' in item) transcriber.sendAudio(item.pcm.buffer.slice(item.pcm.byteOffset, item.pcm.byteOffset + item.pcm.length));
        else transcriber.forceEndpoint();
      } catch {
        // The socket is going away; its close event reconnects and the item is sent again.
        this.backlog.unsend();
        return;
      }
    }
  }

  private newTranscriber(): StreamingTranscriber {
    const spec = this.spec;
    const credential = spec.credentialKind === 'token' ? { token: spec.credential } : { apiKey: spec.credential };
    return new StreamingTranscriber({
      ...credential,
      websocketBaseUrl: spec.url ?? DEFAULT_STREAMING_URL,
      sampleRate: SAMPLE_RATE,
      encoding: 'pcm_s16le',
      speechModel: (spec.speechModel ?? DEFAULT_SPEECH_MODEL) as ConstructorParameters<typeof StreamingTranscriber>[0]['speechModel'],
      formatTurns: this.formatTurns,
      ...(this.options.phrases?.length ? { keytermsPrompt: this.options.phrases } : {}),
      connectTimeout: CONNECT_TIMEOUT_MS,
      // One retry policy for the first connection and reconnects: ours.
      maxConnectionRetries: 0,
    });
  }

  /** Connects (or reconnects) until open, failed, or closed. */
  private async connectLoop(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.state !== 'connecting') return;
      const transcriber = this.newTranscriber();
      transcriber.on('turn', (turn) => this.transcriber === transcriber && this.turns?.turn(turn));
      transcriber.on('close', (code, reason) => this.transcriber === transcriber && this.onClose(code, reason));
      // Socket errors are followed by a close, which decides what happens.
      transcriber.on('error', () => undefined);
      let failure: CloseInfo;
      try {
        await transcriber.connect();
        if (this.state !== 'connecting') {
          void transcriber.close(false).catch(() => undefined);
          return;
        }
        this.opened(transcriber);
        return;
      } catch (e) {
        failure = { code: (e as { code?: unknown }).code as number | undefined, reason: (e as Error).message ?? String(e) };
        if (typeof failure.code !== 'number') failure.code = undefined;
      }
      if (this.state !== 'connecting') return;
      const { error, permanent } = classify(failure, this.spec.credentialKind === 'token');
      if (permanent || (!this.everConnected && attempt + 1 >= FIRST_CONNECT_ATTEMPTS)) return this.fail(error);
      if (this.lostAt !== undefined && Date.now() - this.lostAt >= RECONNECT_GIVE_UP_MS) {
        return this.fail(
          new VoxnoteError('connection-lost', `The connection to AssemblyAI has been down for ${RECONNECT_GIVE_UP_MS / 1000} s. ${error.message}`, error.hint),
        );
      }
      await this.sleep(backoffMs(attempt));
    }
  }

  private opened(transcriber: StreamingTranscriber): void {
    this.transcriber = transcriber;
    this.state = 'open';
    this.everConnected = true;
    this.lostAt = undefined;
    this.reconnectNoticeShown = false;
    this.turns = new TurnAssembler(this.formatTurns, this.options.partials, {
      partial: (text) => this.sink.partial(text),
      final: (turn) => this.deliver(turn),
    });
    // The new connection's time 0 is the oldest audio kept: everything not final is sent again.
    this.offset = this.backlog.start ?? this.framed;
    this.backlog.rewind();
    this.reportGap('was captured while AssemblyAI could not be reached, beyond what Voxnote keeps');
    this.wakeAll();
    this.sendBacklog();
  }

  private onClose(code: number, reason: string): void {
    if (this.state !== 'open' && this.state !== 'finishing') return;
    this.turns?.flush();
    this.transcriber = undefined;
    const { error, permanent } = classify({ code, reason }, this.spec.credentialKind === 'token');
    if (permanent && code !== 1000) return this.fail(error);
    if (this.state === 'finishing') {
      // Dropped while waiting for Termination: what no final covers is lost.
      const start = this.backlog.start;
      if (start !== undefined && code !== 1000) this.widenGap({ start, end: this.framed });
      return;
    }
    this.state = 'connecting';
    this.lostAt = Date.now();
    if (!this.reconnectNoticeShown) {
      this.reconnectNoticeShown = true;
      this.notice(
        new VoxnoteError(
          'connection-lost',
          `The connection to AssemblyAI dropped${reason ? ` (${reason})` : ''} at ${seconds(this.framed).toFixed(1)} s; reconnecting.`,
          `Nothing to do: up to ${BACKLOG_SECONDS} s of audio is kept and transcribed once the connection is back.`,
          false,
        ),
      );
    }
    void this.connectLoop();
  }

  private deliver(turn: TurnEvent): void {
    const base = this.offset / BYTES_PER_SECOND;
    const words: Word[] = turn.words.map((w) => ({
      word: w.text,
      start: Math.round((base + w.start / 1000) * 1000) / 1000,
      end: Math.round((base + w.end / 1000) * 1000) / 1000,
      conf: w.confidence,
    }));
    this.sink.final({ text: turn.transcript, words });
    const last = turn.words.at(-1);
    if (last) this.backlog.commit(this.offset + Math.floor((last.end / 1000) * SAMPLE_RATE) * 2);
  }

  private fail(error: VoxnoteError): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.wakeAll();
    this.dropTranscriber();
    // Whatever no final covers is lost, including audio already dropped from the backlog.
    const start = Math.min(this.gap?.start ?? Infinity, this.backlog.start ?? Infinity);
    const span = start < this.framed ? { start: seconds(start), end: seconds(this.framed) } : undefined;
    this.sink.error(this.clean(error, span));
  }

  private notice(error: VoxnoteError, span?: Span): void {
    this.sink.notice?.(this.clean(error, span));
  }

  private clean(error: VoxnoteError, span?: Span): VoxnoteError & { span?: Span } {
    const secret = this.spec.credential;
    const out = new VoxnoteError(error.code, scrub(error.message, secret), scrub(error.hint, secret), error.fatal);
    return span ? Object.assign(out, { span }) : out;
  }

  private dropTranscriber(): void {
    const transcriber = this.transcriber;
    this.transcriber = undefined;
    if (transcriber) void transcriber.close(false).catch(() => undefined);
  }

  /** Resolves after `ms`, or sooner when the connection opens or the stream ends. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
