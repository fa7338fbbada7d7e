/**
 * One recognition: audio from a capture back-end through an engine's
 * recognition stream to protocol events (a `start` to its `stopped`). Several
 * may share a loaded engine: one capturing, others finishing their last final. Engine-independent: it owns the
 * chunking, level metering, utterance numbering, session time and progress.
 */
import { VoxnoteError } from '../shared/errors';
import { clockTime } from '../shared/time';
import type { EventBody, RecognizerOptions, Source } from '../shared/protocol';
import { Chunker } from './audio/chunker';
import { levelDbfs } from './audio/level';
import { CHUNK_BYTES, LEAD_IN, SAMPLE_RATE } from './audio/format';
import { Capture, CaptureHandlers } from './capture/capture';
import type { Engine, EngineFailure, EngineFinal, RecognitionStream, StreamSink } from './engines/engine';
import { TrackDiarizer } from './diarization/trackDiarizer';

const BYTES_PER_SECOND = SAMPLE_RATE * 2;

/** Emits an event of this session; the caller tags it with the `start` command's id. */
export type Emit = (event: EventBody) => void;

/** Per chunk that produced a partial or final: worker time beyond the engine's own. */
export type Trace = (addedMs: number) => void;

export class Recognition {
  private readonly chunker: Chunker;
  private capture?: Capture;
  private stream?: RecognitionStream;
  private utteranceId = 1;
  private lastPartial = '';
  private bytesFed = 0;
  private utteranceStartBytes = 0;
  private lastProgressSecond = -1;
  private finishing = false;
  private ended = false;
  /** Stopped with `discard`: nothing more is decoded. */
  private discarding = false;
  /** A fatal engine failure reported while capture was still opening: handled once `started` is out. */
  private earlyFailure?: EngineFailure;
  /** Time spent in the sink during the current traced chunk (it is the session's, not the engine's). */
  private sinkMs = 0;
  private readonly partials: boolean;
  private readonly levels: boolean;
  /** Mic, system audio or a file at real pace: audio arrives as spoken. */
  private readonly live: boolean;
  /** Who spoke, when the options name diarization models. */
  private speakers?: TrackDiarizer;
  private resolveDone!: () => void;
  /** Settles once the session has emitted `stopped`. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    private readonly source: Source,
    private readonly options: RecognizerOptions,
    private readonly emit: Emit,
    private readonly trace?: Trace,
    /** The id of its `start`: a kept speaker track names the session of each final by it. */
    private readonly id = 0,
  ) {
    this.partials = options.partials ?? true;
    this.live = source.kind !== 'file' || !!source.realtime;
    this.levels = options.levels ?? this.live;
    // Only capture has a key press to answer; files keep one chunk size (their partials are reproducible).
    this.chunker = new Chunker(CHUNK_BYTES, source.kind === 'file' ? undefined : LEAD_IN);
  }

  /**
   * Opens a stream on the engine, then capture, and emits `started`. Rejects with
   * a VoxnoteError (from capture, for the source) when either cannot open.
   */
  async open(engine: Engine, openCapture: (source: Source, handlers: CaptureHandlers) => Promise<Capture>): Promise<void> {
    const options = this.options;
    const stream = await engine.open(
      { phrases: options.phrases, maxAlternatives: options.maxAlternatives, partials: this.partials, live: this.live },
      this.sink(),
    );
    this.stream = stream;
    if (options.diarization) {
      try {
        this.speakers = new TrackDiarizer(options.diarization, this.id);
      } catch (e) {
        // A model that would not load costs the labels, not the transcript.
        if (!(e instanceof VoxnoteError)) throw e;
        this.report(e);
      }
    }
    try {
      this.capture = await openCapture(this.source, {
        onData: (pcm) => this.feed(pcm),
        onDropped: (seconds, skippedAt) => {
          if (!this.finishing) this.report(droppedAudioError(seconds, skippedAt ?? this.seconds, this.capture?.device ?? this.source.kind, skippedAt !== undefined));
        },
        onEnd: () => void this.finish('end-of-input'),
        onError: (error) => this.fail(error),
        ready: () => this.stream?.ready?.() ?? Promise.resolve(),
      });
    } catch (e) {
      this.ended = true;
      stream.close();
      this.speakers?.dispose();
      throw e;
    }
    this.emit({ type: 'started', source: this.source.kind, backend: this.capture.backend, device: this.capture.device });
    if (this.earlyFailure) this.fail(this.earlyFailure, false);
  }

  /** Forces the current utterance to end now, like a cloud API's "end of utterance". */
  endUtterance(): void {
    if (this.finishing || !this.stream) return;
    this.flushPending();
    this.stream.endUtterance();
  }

  /** Stops capture, lets the engine finish what was already captured (the last final), then `stopped`. */
  async stop(discard = false): Promise<void> {
    await this.stopCapture(discard);
    return this.done;
  }

  /**
   * Resolves once capture has stopped; the engine's last final and `stopped` follow on their own.
   * `discard` (Cancel): audio not yet decoded is dropped, so it ends at once, even during a finish under way.
   */
  async stopCapture(discard = false): Promise<void> {
    if (discard && !this.discarding) {
      this.discarding = true;
      this.stream?.discardPending?.();
    }
    if (this.finishing) return;
    await this.capture?.stop();
    void this.finish('requested');
  }

  private get seconds(): number {
    return this.bytesFed / BYTES_PER_SECOND;
  }

  private sink(): StreamSink {
    const timed = <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A): void => {
        if (this.ended) return;
        if (!this.trace) return handler(...args);
        const t = performance.now();
        handler(...args);
        this.sinkMs += performance.now() - t;
      };
    return {
      partial: timed((text: string) => this.onPartial(text)),
      final: timed((result: EngineFinal) => this.onFinal(result)),
      error: (failure) => {
        if (this.ended) return;
        // Non-fatal, or the session is ending anyway: say it, nothing more to do.
        if (!failure.fatal || this.finishing) return this.report(failure);
        if (!this.capture) this.earlyFailure ??= failure;
        else this.fail(failure, false);
      },
      notice: (failure) => {
        if (!this.ended) this.report({ code: failure.code, message: failure.message, hint: failure.hint, fatal: false, span: failure.span });
      },
    };
  }

  private report(failure: Pick<EngineFailure, 'code' | 'message' | 'hint' | 'fatal' | 'span'>): void {
    this.emit({
      type: 'error',
      code: failure.code as Extract<EventBody, { type: 'error' }>['code'],
      message: failure.message,
      hint: failure.hint,
      fatal: failure.fatal,
      ...(failure.span ? { span: failure.span } : {}),
    });
  }

  private feed(pcm: Buffer): void {
    if (this.finishing) return;
    try {
      for (const chunk of this.chunker.push(pcm)) {
        if (this.finishing) break; // a fatal engine failure while decoding this buffer
        if (this.trace) this.tracedDecode(chunk, this.trace);
        else this.decode(chunk);
      }
    } catch (e) {
      this.fail(new VoxnoteError('internal', `Decoding failed: ${(e as Error).message}`, 'Restart dictation; if it persists, choose another model.'));
    }
  }

  /** decode() with the engine's own time taken out, for the latency benchmark. */
  private tracedDecode(chunk: Buffer, trace: Trace): void {
    const t0 = performance.now();
    const before = this.utteranceId + this.lastPartial;
    this.sinkMs = 0;
    const engineMs = this.decode(chunk);
    if (this.utteranceId + this.lastPartial !== before) trace(performance.now() - t0 - engineMs + this.sinkMs);
  }

  /** Returns the milliseconds spent in the engine's accept (the sink's share included). */
  private decode(chunk: Buffer): number {
    if (this.levels) this.emit({ type: 'level', dbfs: levelDbfs(chunk), source: this.source.kind });
    const t = this.trace ? performance.now() : 0;
    this.speakers?.push(chunk);
    this.stream!.accept(chunk);
    const engineMs = this.trace ? performance.now() - t : 0;
    this.bytesFed += chunk.length;
    this.reportProgress();
    return engineMs;
  }

  private onPartial(text: string): void {
    if (!this.partials || !text || text === this.lastPartial) return;
    this.lastPartial = text;
    this.emit({ type: 'partial', utteranceId: this.utteranceId, text });
  }

  /** Progress counts decoded audio: an engine that decodes behind the audio says how far it got. */
  private reportProgress(): void {
    const total = this.capture?.totalSeconds;
    const second = Math.floor(Math.min(this.seconds, this.stream?.decodedSeconds?.() ?? Infinity));
    if (total === undefined || second === this.lastProgressSecond) return;
    this.lastProgressSecond = second;
    this.emit({ type: 'progress', seconds: second, totalSeconds: total });
  }

  private flushPending(): void {
    const rest = this.chunker.drain();
    if (!rest) return;
    this.speakers?.push(rest);
    this.stream!.accept(rest);
    this.bytesFed += rest.length;
  }

  private onFinal(result: EngineFinal): void {
    const utteranceStart = this.utteranceStartBytes / BYTES_PER_SECOND;
    this.utteranceStartBytes = this.bytesFed;
    this.lastPartial = '';
    // Engines end silence-only stretches with an empty result: nothing was said.
    if (!result.text) return;
    const { words } = result;
    const utteranceId = this.utteranceId++;
    const start = result.start ?? (words.length ? words[0].start : utteranceStart);
    const end = result.end ?? (words.length ? words[words.length - 1].end : this.seconds);
    this.emit({
      type: 'final',
      utteranceId,
      text: result.text,
      start,
      end,
      source: this.source.kind,
      ...(this.options.words ? { words } : {}),
      ...(result.alternatives ? { alternatives: result.alternatives } : {}),
      ...(this.speakers ? { speaker: this.speakers.label(utteranceId, start, end) } : {}),
    });
  }

  /** Ends the session: the engine delivers its last final (from what was fed, or flushed when `flush`), then `stopped`. */
  private async finish(reason: 'requested' | 'end-of-input' | 'error', flush = true): Promise<void> {
    if (this.finishing) return this.done;
    this.finishing = true;
    const stream = this.stream!;
    try {
      if (flush && !this.discarding) this.flushPending();
      await stream.finish();
      this.reportProgress();
      await this.correctSpeakers();
    } catch (e) {
      this.report(errorOf(e));
    }
    this.speakers?.dispose();
    this.ended = true;
    stream.close();
    // A Cancel during the end of a file's decoding is still a Cancel.
    this.emit({ type: 'stopped', reason: this.discarding ? 'requested' : reason });
    this.resolveDone();
  }

  /** The session re-clustered (a segmentation model, no kept track): the finals whose speaker changes, before `stopped`. Not after a Cancel. */
  private async correctSpeakers(): Promise<void> {
    if (!this.speakers || this.discarding) return;
    const labels = await this.speakers.finish();
    if (labels.length) this.emit({ type: 'speakers', labels });
  }

  /** A capture failure (flush what was captured: nothing said is lost) or a fatal engine failure (the engine has stopped). */
  private fail(error: EngineFailure, flush = true): void {
    if (this.finishing) return;
    this.report(error);
    void this.capture?.stop();
    void this.finish('error', flush);
  }
}

/**
 * Capture lost audio: said plainly, with what to do (non-fatal: dictation goes on). `skipped`: the recorder
 * skipped it (found from the clock: the sound system or the device did not deliver it), else recognition fell behind.
 */
export function droppedAudioError(seconds: number, atSeconds: number, device: string, skipped = false): VoxnoteError<'audio-dropped'> {
  const lost = seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
  if (skipped) {
    return new VoxnoteError(
      'audio-dropped',
      `${lost} s of audio from ${device} is missing at ${clockTime(atSeconds)}: the recording skipped it (the sound system or the device did not deliver it), so words said then are missing.`,
      'If it happens again, check the device and its connection, or close programs that keep the processor busy; Voxnote: Select Microphone picks another device.',
      false,
    );
  }
  return new VoxnoteError(
    'audio-dropped',
    `${lost} s of audio from ${device} was lost at ${clockTime(atSeconds)}: recognition fell behind the recording, so words said then are missing.`,
    'Choose a faster model (Voxnote: Test Model Speed says which run live here), or close programs that keep the processor busy.',
    false,
  );
}

function errorOf(e: unknown): EngineFailure {
  if (e instanceof VoxnoteError) return e;
  return new VoxnoteError('internal', `The speech engine failed while finishing: ${(e as Error).message}`, 'Start again; if it persists, choose another engine.');
}
