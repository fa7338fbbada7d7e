/**
 * One recognition session: audio from a capture back-end through a recognizer
 * to protocol events. Owns the utterance numbering and session time.
 */
import { Chunker } from './audio/chunker';
import { levelDbfs } from './audio/level';
import type { ErrorCode, RecognizerOptions, Source, WorkerEvent } from '../shared/protocol';
import { CHUNK_BYTES, SAMPLE_RATE } from './audio/format';
import { Capture, CaptureHandlers } from './capture/capture';
import { VoxnoteError } from '../shared/errors';
import type { RecognizerResult, VoskRecognizer } from './vosk';

const BYTES_PER_SECOND = SAMPLE_RATE * 2;

export type Emit = (event: WorkerEvent) => void;

/** Per chunk that produced a partial or final: worker time beyond libvosk's own calls. */
export type Trace = (addedMs: number) => void;

export class Session {
  private readonly chunker = new Chunker(CHUNK_BYTES);
  private capture?: Capture;
  private utteranceId = 1;
  private lastPartial = '';
  private bytesFed = 0;
  private utteranceStartBytes = 0;
  private lastProgressSecond = -1;
  private ended = false;
  private readonly partials: boolean;
  private readonly levels: boolean;
  private resolveDone!: () => void;
  /** Settles once the session has emitted `stopped`. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly source: Source,
    private readonly recognizer: VoskRecognizer,
    private readonly options: RecognizerOptions,
    private readonly emit: Emit,
    private readonly trace?: Trace,
  ) {
    this.partials = options.partials ?? true;
    this.levels = options.levels ?? (source.kind !== 'file' || !!source.realtime);
  }

  /** Starts capture; rejects with a VoxnoteError when the source cannot be opened. */
  async open(openCapture: (source: Source, handlers: CaptureHandlers) => Promise<Capture>): Promise<Capture> {
    this.capture = await openCapture(this.source, {
      onData: (pcm) => this.feed(pcm),
      onEnd: () => this.finish('end-of-input'),
      onError: (error) => this.fail(error),
    });
    return this.capture;
  }

  /** Forces the current utterance to end now, like a cloud API's "end of utterance". */
  endUtterance(): void {
    if (this.ended) return;
    this.flushPending();
    this.emitFinal(this.recognizer.finalResult());
  }

  /** Stops capture, decodes what was already captured, emits the last final. */
  async stop(): Promise<void> {
    if (this.ended) return this.done;
    await this.capture?.stop();
    this.finish('requested');
    return this.done;
  }

  private get seconds(): number {
    return this.bytesFed / BYTES_PER_SECOND;
  }

  private feed(pcm: Buffer): void {
    if (this.ended) return;
    try {
      for (const chunk of this.chunker.push(pcm)) {
        if (this.trace) this.tracedDecode(chunk, this.trace);
        else this.decode(chunk);
      }
    } catch (e) {
      this.fail(new VoxnoteError('internal', `Decoding failed: ${(e as Error).message}`, 'Restart dictation; if it persists, choose another model.'));
    }
  }

  /** decode() with the clock read around libvosk's calls, for the latency benchmark. */
  private tracedDecode(chunk: Buffer, trace: Trace): void {
    const recognizer = this.recognizer;
    let voskMs = 0;
    const timed = <T>(call: () => T): T => {
      const t = performance.now();
      const result = call();
      voskMs += performance.now() - t;
      return result;
    };
    const t0 = performance.now();
    const before = this.utteranceId + this.lastPartial;
    this.decode(chunk, {
      accept: (pcm) => timed(() => recognizer.accept(pcm)),
      result: () => timed(() => recognizer.result()),
      partial: () => timed(() => recognizer.partial()),
    });
    if (this.utteranceId + this.lastPartial !== before) trace(performance.now() - t0 - voskMs);
  }

  private decode(chunk: Buffer, recognizer: Pick<VoskRecognizer, 'accept' | 'result' | 'partial'> = this.recognizer): void {
    if (this.levels) this.emit({ type: 'level', dbfs: levelDbfs(chunk), source: this.source.kind });
    const endpoint = recognizer.accept(chunk);
    this.bytesFed += chunk.length;
    if (endpoint) {
      this.emitFinal(recognizer.result());
    } else if (this.partials) {
      const text = recognizer.partial();
      if (text && text !== this.lastPartial) {
        this.lastPartial = text;
        this.emit({ type: 'partial', utteranceId: this.utteranceId, text });
      }
    }
    this.reportProgress();
  }

  private reportProgress(): void {
    const total = this.capture?.totalSeconds;
    const second = Math.floor(this.seconds);
    if (total === undefined || second === this.lastProgressSecond) return;
    this.lastProgressSecond = second;
    this.emit({ type: 'progress', seconds: second, totalSeconds: total });
  }

  private flushPending(): void {
    const rest = this.chunker.drain();
    if (!rest) return;
    this.recognizer.accept(rest);
    this.bytesFed += rest.length;
  }

  private emitFinal(result: RecognizerResult): void {
    const utteranceStart = this.utteranceStartBytes / BYTES_PER_SECOND;
    this.utteranceStartBytes = this.bytesFed;
    this.lastPartial = '';
    // libvosk ends silence-only stretches with an empty result: nothing was said.
    if (!result.text) return;
    const { words } = result;
    this.emit({
      type: 'final',
      utteranceId: this.utteranceId++,
      text: result.text,
      start: words.length ? words[0].start : utteranceStart,
      end: words.length ? words[words.length - 1].end : this.seconds,
      source: this.source.kind,
      ...(this.options.words ? { words } : {}),
      ...(result.alternatives ? { alternatives: result.alternatives } : {}),
    });
  }

  private finish(reason: 'requested' | 'end-of-input' | 'error'): void {
    if (this.ended) return;
    this.flushPending();
    this.emitFinal(this.recognizer.finalResult());
    this.ended = true;
    this.recognizer.free();
    this.emit({ type: 'stopped', reason });
    this.resolveDone();
  }

  private fail(error: VoxnoteError<ErrorCode>): void {
    if (this.ended) return;
    this.emit({ type: 'error', code: error.code, message: error.message, hint: error.hint, fatal: true });
    // What was captured before the failure is still decoded: nothing said is lost.
    void this.capture?.stop();
    this.finish('error');
  }
}
