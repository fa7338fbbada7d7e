/**
 * A non-streaming model (Whisper, Moonshine, SenseVoice, Parakeet, …) made
 * live: Silero VAD finds speech; each segment is decoded once for its final;
 * while one is open it is re-decoded for a partial when the decoder has time.
 *
 * What real models need (their decode costs a few hundredths to several
 * tenths of a second per audio second):
 * - no decode gets more audio than the model decodes (`maxSegmentSeconds`, the
 *   model's own limit or the user's): a longer stretch of speech is cut at its
 *   quietest 32 ms window in the last seconds before the limit, and the next
 *   segment starts exactly there, so no audio is lost at a cut;
 * - finals go first, one decode at a time; a partial runs only when no final
 *   waits, and the gap after a partial is its decode time divided by
 *   `partialShare`, so partials use at most that share of one core;
 * - the undecoded backlog is bounded for sources that can wait (files):
 *   `ready()` resolves when there is room again.
 * Decoding goes through `SegmentDecoder`, so any engine that decodes whole
 * segments (a local model, a server) can reuse the segmenting.
 */
import { VoxnoteError } from '../../../shared/errors';
import { SAMPLE_RATE } from '../../audio/format';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import type { Vad } from './addon';
import { VAD_SETTINGS, VAD_WINDOW } from './config';
import { round, toFloat, toWords } from './words';

export interface SegmentResult {
  text: string;
  tokens: string[];
  timestamps: number[];
}

/** Decodes one segment; `purpose` lets a model skip work a partial does not need (Whisper's tail padding). */
export type SegmentDecoder = (samples: Float32Array, purpose: 'partial' | 'final') => Promise<SegmentResult>;

export interface VadStreamSettings {
  /** Longest audio one decode gets, in seconds. */
  maxSegmentSeconds: number;
  /** Share of one core partials may use (0 to 1; 0: no partials). */
  partialShare: number;
  /** New audio, in seconds, a partial needs before it is worth decoding again. */
  partialSeconds: number;
  /** Undecoded audio, in seconds, beyond which `ready()` waits. */
  maxBacklogSeconds: number;
}

export const DEFAULT_PARTIAL_SHARE = 0.25;
export const DEFAULT_PARTIAL_SECONDS = 1;
/** How far before the limit a forced cut looks for the quietest point. */
const CUT_SEARCH = 3 * SAMPLE_RATE;
/** How far before the detection a segment starts: what sherpa-onnx's detector keeps (2 windows + the minimum speech). */
const LOOKBACK = 2 * VAD_WINDOW + VAD_SETTINGS.minSpeechDuration * SAMPLE_RATE;
/** Speech that resumes this soon after a segment ended continues from that end: nothing between is dropped. */
const RESUME = VAD_SETTINGS.minSilenceDuration * SAMPLE_RATE;

interface Segment {
  start: number;
  samples: Float32Array;
}

export class VadStream implements RecognitionStream {
  /** Samples not yet a whole VAD window. */
  private pending = new Float32Array(0);
  /** Samples given to the VAD: its sample index, which is session time. */
  private fed = 0;
  /** Windows kept from `keptStart` on: the open segment's, or the look-back before a detection. */
  private windows: Float32Array[] = [];
  private energies: number[] = [];
  private keptStart = 0;
  /** Start of the open segment (ours: a forced cut moves it), undefined between segments. */
  private open: number | undefined;
  /** Where the last segment ended. */
  private lastEnd = 0;
  /** Bumped whenever a segment closes: a partial of a closed segment is stale. */
  private serial = 0;
  private finals: Segment[] = [];
  private backlog = 0;
  /** Start of the final being decoded, if one is. */
  private decoding: number | undefined;
  private busy = false;
  private lastPartialFed = 0;
  private nextPartialAt = 0;
  private idle: Array<() => void> = [];
  private room: Array<() => void> = [];
  private closed = false;
  private discarded = false;
  private saidBehind = false;

  constructor(
    private readonly decoder: SegmentDecoder,
    private readonly vad: Vad,
    private readonly options: StreamOptions,
    private readonly sink: StreamSink,
    private readonly settings: VadStreamSettings,
  ) {}

  private get maxSegment(): number {
    return Math.floor(this.settings.maxSegmentSeconds * SAMPLE_RATE);
  }

  accept(pcm: Buffer): void {
    if (this.closed) return;
    const samples = toFloat(pcm);
    const all = new Float32Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    let at = 0;
    for (; at + VAD_WINDOW <= all.length; at += VAD_WINDOW) this.window(all.slice(at, at + VAD_WINDOW));
    this.pending = all.slice(at);
    this.pump();
  }

  /** Resolves when the undecoded backlog has room: sources that can wait (files) wait for it. */
  ready(): Promise<void> {
    if (this.closed || this.discarded || this.backlog <= this.settings.maxBacklogSeconds * SAMPLE_RATE) return Promise.resolve();
    return new Promise((resolve) => this.room.push(resolve));
  }

  /** Session seconds up to which every segment has been decoded. */
  decodedSeconds(): number {
    const undecoded = this.decoding ?? this.finals[0]?.start ?? this.open ?? this.fed;
    return undecoded / SAMPLE_RATE;
  }

  private window(w: Float32Array): void {
    this.vad.acceptWaveform(w);
    this.fed += w.length;
    this.windows.push(w);
    let e = 0;
    for (let i = 0; i < w.length; i++) e += w[i] * w[i];
    this.energies.push(e);
    this.takeSegments();
    if (this.vad.isDetected() && this.open === undefined) {
      const from = Math.max(this.keptStart, this.fed - LOOKBACK);
      this.open = from - this.lastEnd <= RESUME ? Math.max(this.keptStart, this.lastEnd) : from;
    }
    if (this.open !== undefined && this.fed - this.open >= this.maxSegment) this.cut(this.fed);
    this.trim();
  }

  /** Segments the VAD has closed become finals: from the open segment's start (ours) to the VAD's end. */
  private takeSegments(): void {
    while (!this.vad.isEmpty()) {
      // Only its span is read: the audio is ours (a forced cut may have taken its beginning already).
      const seg = this.vad.front(true);
      const end = seg.start + seg.samples.length;
      this.vad.pop();
      const start = Math.max(this.keptStart, this.open ?? seg.start);
      this.endAt(start, end);
    }
  }

  /** Closes the open segment [start, end): forced cuts first while it is too long for one decode. */
  private endAt(start: number, end: number): void {
    this.open = start;
    while (end - this.open! > this.maxSegment) this.cut(end);
    if (end > this.open!) this.queueFinal(this.open!, end);
    this.open = undefined;
    this.lastEnd = Math.max(this.lastEnd, end);
    this.serial++;
  }

  /** A forced cut of the open segment, at the quietest window in the last CUT_SEARCH before its limit (never past `upTo`). */
  private cut(upTo: number): void {
    const open = this.open!;
    const limit = Math.min(upTo, open + this.maxSegment);
    const from = Math.max(open + 1, limit - CUT_SEARCH);
    let best = limit;
    let bestEnergy = Infinity;
    this.windows.forEach((_, i) => {
      const start = this.keptStart + i * VAD_WINDOW;
      // A cut in the middle of a window, so the whole of that quiet window is silence on both sides.
      const at = start + VAD_WINDOW / 2;
      if (at < from || at > limit || this.energies[i] >= bestEnergy) return;
      bestEnergy = this.energies[i];
      best = at;
    });
    this.queueFinal(open, best);
    this.open = best;
    this.serial++;
  }

  private trim(): void {
    const keepFrom = this.open ?? Math.min(this.fed - LOOKBACK, Math.max(this.lastEnd, this.fed - LOOKBACK - RESUME));
    while (this.windows.length && this.keptStart + VAD_WINDOW <= keepFrom) {
      this.windows.shift();
      this.energies.shift();
      this.keptStart += VAD_WINDOW;
    }
  }

  private audio(start: number, end: number): Float32Array {
    const out = new Float32Array(Math.max(0, end - start));
    this.windows.forEach((w, i) => {
      const at = this.keptStart + i * VAD_WINDOW;
      const a = Math.max(start, at);
      const b = Math.min(end, at + w.length);
      if (b > a) out.set(w.subarray(a - at, b - at), a - start);
    });
    return out;
  }

  private queueFinal(start: number, end: number): void {
    this.finals.push({ start, samples: this.audio(start, end) });
    this.backlog += end - start;
    // Live audio cannot wait (a file does, at maxBacklogSeconds): a backlog this long means the model is too slow for live use.
    if (!this.saidBehind && this.backlog > 2 * this.settings.maxBacklogSeconds * SAMPLE_RATE) {
      this.saidBehind = true;
      this.sink.notice?.(
        new VoxnoteError(
          'decoding-behind',
          `The model decodes more slowly than speech arrives: ${Math.round(this.backlog / SAMPLE_RATE)} s of speech wait for it, so finals come late.`,
          'Nothing is lost; for live dictation choose a faster model, and use this one for audio files.',
        ),
      );
    }
  }

  /** Starts the next decode when none runs: a waiting final, else a partial when one is due. */
  private pump(): void {
    if (this.busy || this.closed || this.discarded) return;
    const seg = this.finals.shift();
    if (seg) {
      this.busy = true;
      this.decoding = seg.start;
      void this.decodeFinal(seg).finally(() => this.done(seg.samples.length));
      return;
    }
    if (this.partialDue()) {
      this.busy = true;
      void this.decodePartial().finally(() => this.done(0));
      return;
    }
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private done(samples: number): void {
    this.busy = false;
    this.decoding = undefined;
    this.backlog -= samples;
    if (this.backlog <= this.settings.maxBacklogSeconds * SAMPLE_RATE) for (const resolve of this.room.splice(0)) resolve();
    this.pump();
  }

  private partialDue(): boolean {
    return (
      this.options.partials &&
      this.settings.partialShare > 0 &&
      this.open !== undefined &&
      this.fed - Math.max(this.open, this.lastPartialFed) >= this.settings.partialSeconds * SAMPLE_RATE &&
      performance.now() >= this.nextPartialAt
    );
  }

  private async decodeFinal(seg: Segment): Promise<void> {
    try {
      const r = await this.decoder(seg.samples, 'final');
      const text = r.text.trim();
      if (!text || this.closed || this.discarded) return;
      const start = seg.start / SAMPLE_RATE;
      const end = (seg.start + seg.samples.length) / SAMPLE_RATE;
      this.sink.final({ text, words: toWords(r.tokens, r.timestamps, start, end), start: round(start), end: round(end) });
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private async decodePartial(): Promise<void> {
    const serial = this.serial;
    this.lastPartialFed = this.fed;
    const audio = this.audio(this.open!, this.fed);
    const t0 = performance.now();
    try {
      const text = (await this.decoder(audio, 'partial')).text.trim();
      const took = performance.now() - t0;
      // The next partial waits long enough that partials use at most their share of one core.
      this.nextPartialAt = performance.now() + (took * (1 - this.settings.partialShare)) / this.settings.partialShare;
      // A final of this segment (or one waiting) goes first; a partial of a closed segment is never shown.
      if (text && !this.closed && serial === this.serial && !this.finals.length) this.sink.partial(text);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private fail(e: Error): void {
    this.sink.error(new VoxnoteError('internal', `sherpa-onnx could not decode the audio: ${e.message}`, 'Restart dictation; if it persists, choose another model.'));
  }

  endUtterance(): void {
    if (this.closed) return;
    this.closeSegment();
    this.pump();
  }

  /** Closes the open segment now: endUtterance, the end of input. */
  private closeSegment(): void {
    this.vad.flush();
    this.takeSegments();
    if (this.open !== undefined) this.endAt(this.open, this.fed);
    this.trim();
  }

  async finish(): Promise<void> {
    if (this.closed || this.discarded) return;
    // The last part window, padded with silence: nothing heard is left out.
    if (this.pending.length) {
      const w = new Float32Array(VAD_WINDOW);
      w.set(this.pending);
      this.pending = new Float32Array(0);
      this.window(w);
    }
    this.closeSegment();
    await new Promise<void>((resolve) => {
      this.idle.push(resolve);
      this.pump();
    });
    this.closed = true;
  }

  /** Cancel: audio not yet decoded is dropped, a decode under way ends unheard, finish() resolves at once. */
  discardPending(): void {
    this.discarded = true;
    this.finals = [];
    for (const resolve of [...this.idle.splice(0), ...this.room.splice(0)]) resolve();
  }

  close(): void {
    this.discardPending();
    this.closed = true;
  }
}
