/**
 * Two-pass recognition: a streaming model (sherpa-onnx online, Vosk) shows
 * live partials; at each of its endpoints its text is shown as a partial and
 * the utterance's audio is decoded again by an offline model (Whisper,
 * Parakeet, …), whose text is the final. The host replaces the partial by the
 * final where it shows it (ghost text, panel, status bar).
 *
 * - Finals leave in utterance order; the offline model decodes one at a time.
 * - One partial shows at a time: while a final waits, the waiting utterance's
 *   streaming text stays shown and the next utterance's partials are held
 *   (the newest is shown once the finals are out).
 * - The queue is bounded: `ready()` makes a file wait for room; live audio
 *   cannot wait, so an utterance that waited LIVE_WAIT_MS for the offline model
 *   (or past twice the room) keeps its streaming text (said once): the delay
 *   of a final stays bounded on a machine too slow for both models.
 * - Nothing is lost: an offline failure, an empty offline text, an utterance
 *   longer than the offline model decodes, and Cancel (`discardPending`) all
 *   keep the streaming text.
 */
import { VoxnoteError } from '../../../shared/errors';
import { SAMPLE_RATE } from '../../audio/format';
import type { EngineFinal, RecognitionStream, StreamOptions, StreamSink } from '../engine';
import type { SegmentDecoder } from '../sherpa/vadStream';
import { round, toFloat, toWords } from '../sherpa/words';

export interface TwoPassSettings {
  /** Longest audio the offline model decodes whole, in seconds. */
  maxSegmentSeconds: number;
  /** Speech waiting for the offline model, in seconds, beyond which `ready()` waits. */
  maxBacklogSeconds: number;
  /** Milliseconds clock (default performance.now; tests pass their own). */
  now?: () => number;
}

/** Audio kept before the streaming model's utterance start: its timestamps lag the speech a little. */
const LEAD_IN = Math.round(0.3 * SAMPLE_RATE);
/** Audio kept after its end: the last word's tail. */
const TAIL = Math.round(0.3 * SAMPLE_RATE);
/** Live audio: an utterance that waited this long for the offline model to start on it keeps its streaming text. */
export const LIVE_WAIT_MS = 2000;
/** How long after speech an endpoint can come (sherpa-onnx's rule 1: 2.4 s of silence), and then some. */
const ENDPOINT_LAG = 4 * SAMPLE_RATE;

interface Job {
  /** The streaming model's final: the text shown until the offline one replaces it, and the fallback. */
  first: EngineFinal;
  /** Session sample where `samples` begin. */
  start: number;
  /** Undefined: keep the streaming text without decoding (too long for the offline model, or the queue overflowed). */
  samples?: Float32Array;
  size: number;
  /** performance.now() at the streaming model's endpoint. */
  endpointAt: number;
}

export class TwoPassStream implements RecognitionStream {
  private first!: RecognitionStream;
  /** Audio from `keptStart` on, in arrival order. */
  private kept: Float32Array[] = [];
  private keptStart = 0;
  /** Samples received: session time. */
  private fed = 0;
  private decodedUpTo = 0;
  /** Where the last utterance's audio ended: the next one starts no earlier. */
  private lastEnd = 0;
  /** jobs[0] is being decoded while `busy`. */
  private jobs: Job[] = [];
  private busy = false;
  private backlog = 0;
  /** The newest partial of the utterance under way, held while finals wait. */
  private livePartial = '';
  private idle: Array<() => void> = [];
  private room: Array<() => void> = [];
  private discarded = false;
  private closed = false;
  private saidBehind = false;
  private saidFailed = false;
  private saidTooLong = false;

  /** Opens the first pass (on `openFirst`) with this stream as its sink. */
  static async open(
    openFirst: (sink: StreamSink) => Promise<RecognitionStream>,
    decoder: SegmentDecoder,
    options: StreamOptions,
    sink: StreamSink,
    settings: TwoPassSettings,
  ): Promise<TwoPassStream> {
    const stream = new TwoPassStream(decoder, options, sink, settings);
    stream.first = await openFirst({
      partial: (text) => stream.onPartial(text),
      final: (result) => stream.onFirstFinal(result),
      error: (failure) => sink.error(failure),
      notice: (failure) => sink.notice?.(failure),
    });
    return stream;
  }

  private constructor(
    private readonly decoder: SegmentDecoder,
    private readonly options: StreamOptions,
    private readonly sink: StreamSink,
    private readonly settings: TwoPassSettings,
  ) {}

  private now(): number {
    return this.settings.now?.() ?? performance.now();
  }

  private get maxSegment(): number {
    return Math.floor(this.settings.maxSegmentSeconds * SAMPLE_RATE);
  }

  accept(pcm: Buffer): void {
    if (this.closed) return;
    // Kept before the first pass sees it: an endpoint inside this chunk needs its audio.
    const samples = toFloat(pcm);
    this.kept.push(samples);
    this.fed += samples.length;
    this.first.accept(pcm);
    this.trim();
  }

  endUtterance(): void {
    if (!this.closed) this.first.endUtterance();
  }

  async finish(): Promise<void> {
    if (this.closed) return;
    await this.first.finish();
    await new Promise<void>((resolve) => {
      this.idle.push(resolve);
      this.pump();
    });
    this.closed = true;
  }

  /** Cancel: what waits for the offline model keeps its streaming text, at once; nothing more is decoded. */
  discardPending(): void {
    this.discarded = true;
    // The decode under way ends unheard (its result is dropped in decoded()).
    if (this.busy) {
      this.busy = false;
      this.deliver(this.jobs[0].first);
    }
    this.pump();
    for (const resolve of this.room.splice(0)) resolve();
  }

  close(): void {
    if (this.closed && this.discarded) return;
    this.discardPending();
    this.closed = true;
    this.first.close();
  }

  ready(): Promise<void> {
    if (this.closed || this.discarded || this.backlog <= this.settings.maxBacklogSeconds * SAMPLE_RATE) return Promise.resolve();
    return new Promise((resolve) => this.room.push(resolve));
  }

  /**
   * Session seconds up to which every utterance has its final: all that was
   * heard while none waits for the offline model, else held where it was (a
   * waiting utterance began before it; progress never goes back).
   */
  decodedSeconds(): number {
    if (!this.jobs.length) this.decodedUpTo = this.fed;
    return this.decodedUpTo / SAMPLE_RATE;
  }

  private onPartial(text: string): void {
    if (!this.options.partials) return;
    this.livePartial = text;
    if (!this.jobs.length) this.sink.partial(text);
  }

  private onFirstFinal(first: EngineFinal): void {
    this.livePartial = '';
    if (!first.text.trim()) return;
    const job = this.job(first);
    if (!this.jobs.length && this.options.partials) this.sink.partial(first.text);
    this.jobs.push(job);
    this.backlog += job.size;
    this.bound();
    this.pump();
  }

  /**
   * The utterance's audio: from a little before the streaming model's start
   * to a little after its end, within what the offline model decodes. An end
   * at the end of input can lie far past the speech (the streaming model's
   * last frames are padding): then the last word's start says whether it fits.
   */
  private job(first: EngineFinal): Job {
    const at = (seconds: number) => Math.round(seconds * SAMPLE_RATE);
    let end = first.end !== undefined ? Math.min(this.fed, at(first.end) + TAIL) : this.fed;
    const said = first.start !== undefined ? Math.max(this.lastEnd, at(first.start) - LEAD_IN) : this.lastEnd;
    let start = Math.max(this.keptStart, said);
    this.lastEnd = Math.max(this.lastEnd, end);
    if (end - start > this.maxSegment || (first.start !== undefined && start > said)) {
      const lastWord = first.words.at(-1);
      // An unknown start: the most recent audio it decodes.
      if (first.start === undefined) start = end - this.maxSegment;
      else if (start === said && lastWord && at(lastWord.start) + TAIL < start + this.maxSegment) end = start + this.maxSegment;
      else {
        this.sayOnce('saidTooLong', new VoxnoteError('decoding-behind', `An utterance was longer than the final model decodes at once (${this.settings.maxSegmentSeconds} s): it keeps the live model's text.`, 'Pause between sentences now and then, or use push-to-talk.', false));
        return { first, start, size: 0, endpointAt: 0 };
      }
    }
    if (end <= start) return { first, start, size: 0, endpointAt: 0 };
    return { first, start, samples: this.audio(start, end), size: end - start, endpointAt: this.now() };
  }

  /** Live audio cannot wait: past twice the bound, the oldest waiting utterances keep their streaming text. */
  private bound(): void {
    const cap = 2 * this.settings.maxBacklogSeconds * SAMPLE_RATE;
    for (let i = this.busy ? 1 : 0; this.backlog > cap && i < this.jobs.length - 1; i++) {
      const job = this.jobs[i];
      if (!job.samples) continue;
      this.keepStreamingText(job);
    }
  }

  /** The offline model is too far behind for this utterance: it keeps its streaming text. */
  private keepStreamingText(job: Job): void {
    job.samples = undefined;
    this.backlog -= job.size;
    job.size = 0;
    this.sayOnce(
      'saidBehind',
      new VoxnoteError('decoding-behind', 'The final model decodes more slowly than you speak: some utterances keep the live model\'s text.', 'Turn voxnote.twoPass.enabled to "off", or choose a faster final model (Voxnote: Test Model Speed says which run live here).', false),
    );
  }

  private sayOnce(flag: 'saidBehind' | 'saidFailed' | 'saidTooLong', notice: VoxnoteError): void {
    if (this[flag]) return;
    this[flag] = true;
    this.sink.notice?.(notice);
  }

  /** Delivers, in order, every utterance whose final is known; starts the next offline decode. */
  private pump(): void {
    while (!this.busy && this.jobs.length) {
      const job = this.jobs[0];
      if (job.samples && this.options.live && this.now() - job.endpointAt > LIVE_WAIT_MS) this.keepStreamingText(job);
      if (!job.samples || this.discarded) {
        this.deliver(job.first);
        continue;
      }
      this.busy = true;
      const samples = job.samples;
      void this.decoder(samples, 'final').then(
        (r) => this.decoded(job, r.text.trim() ? this.offlineFinal(job, samples, r) : job.first),
        (e: Error) => {
          this.sayOnce('saidFailed', new VoxnoteError('internal', `The final model could not decode an utterance (${e.message}): it keeps the live model's text.`, 'Turn voxnote.twoPass.enabled to "off" if it persists, or choose another final model.', false));
          this.decoded(job, job.first);
        },
      );
      return;
    }
    if (this.busy || this.jobs.length) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private offlineFinal(job: Job, samples: Float32Array, r: { text: string; tokens: string[]; timestamps: number[] }): EngineFinal {
    const start = job.start / SAMPLE_RATE;
    const end = (job.start + samples.length) / SAMPLE_RATE;
    const words = toWords(r.tokens, r.timestamps, start, end);
    return { text: r.text.trim(), words, start: job.first.start ?? round(start), end: job.first.end ?? round(end) };
  }

  private decoded(job: Job, final: EngineFinal): void {
    if (this.jobs[0] !== job) return; // delivered already (Cancel)
    this.busy = false;
    this.deliver(this.discarded ? job.first : final);
    this.pump();
  }

  /** Out goes the head's final; then the next waiting utterance's streaming text, or the live partial, is what shows. */
  private deliver(final: EngineFinal): void {
    const job = this.jobs.shift()!;
    this.backlog -= job.size;
    if (this.backlog <= this.settings.maxBacklogSeconds * SAMPLE_RATE) for (const resolve of this.room.splice(0)) resolve();
    this.sink.final(final);
    if (!this.options.partials) return;
    const next = this.jobs[0]?.first.text ?? this.livePartial;
    if (next) this.sink.partial(next);
  }

  private trim(): void {
    // Nothing before the last utterance's end is needed, nor more than the offline model decodes before an endpoint.
    const keepFrom = Math.max(this.lastEnd - LEAD_IN, this.fed - this.maxSegment - LEAD_IN - ENDPOINT_LAG);
    while (this.kept.length && this.keptStart + this.kept[0].length <= keepFrom) this.keptStart += this.kept.shift()!.length;
  }

  private audio(start: number, end: number): Float32Array {
    const out = new Float32Array(end - start);
    let at = this.keptStart;
    for (const chunk of this.kept) {
      const a = Math.max(start, at);
      const b = Math.min(end, at + chunk.length);
      if (b > a) out.set(chunk.subarray(a - at, b - at), a - start);
      at += chunk.length;
      if (at >= end) break;
    }
    return out;
  }
}
