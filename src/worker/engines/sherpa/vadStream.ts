/**
 * A non-streaming model (Whisper, Moonshine, SenseVoice, Parakeet, …) made
 * live: Silero VAD cuts speech segments; the open segment is re-decoded about
 * once a second for a partial; a segment's decode at its close is the final.
 * A segment closes at a maximum length, so the cost stays linear in the
 * recording. Decodes run off the main thread (decodeAsync), one at a time, and
 * finals are delivered in order.
 */
import { VoxnoteError } from '../../../shared/errors';
import { SAMPLE_RATE } from '../../audio/format';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import type { OfflineRecognizer, SpeechSegment, Vad } from './addon';
import { VAD_SETTINGS, VAD_WINDOW } from './config';
import { round, toFloat, toWords } from './words';

export interface VadStreamSettings {
  /** Longest segment, in seconds: it is closed there even without a pause. */
  maxSegmentSeconds: number;
  /** How often the open segment is decoded for a partial, in seconds. */
  partialEverySeconds: number;
}

/** How far before the detection a segment starts: what sherpa-onnx's detector keeps (2 windows + the minimum speech). */
const LOOKBACK = 2 * VAD_WINDOW + VAD_SETTINGS.minSpeechDuration * SAMPLE_RATE;

export class VadStream implements RecognitionStream {
  /** Samples not yet a whole VAD window. */
  private pending = new Float32Array(0);
  /** Samples given to the VAD: its sample index, which is session time. */
  private fed = 0;
  /** Recent windows, kept for partials: from the open segment's start (or the look-back) on. */
  private recent: Float32Array[] = [];
  private recentStart = 0;
  private openStart: number | undefined;
  private lastPartialAt = 0;
  private partialBusy = false;
  /** Every decode, in order: one at a time on the recognizer, and finals delivered in order. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly recognizer: OfflineRecognizer,
    private readonly vad: Vad,
    private readonly options: StreamOptions,
    private readonly sink: StreamSink,
    private readonly settings: VadStreamSettings,
  ) {}

  accept(pcm: Buffer): void {
    if (this.closed) return;
    const samples = toFloat(pcm);
    const all = new Float32Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    let at = 0;
    for (; at + VAD_WINDOW <= all.length; at += VAD_WINDOW) this.window(all.slice(at, at + VAD_WINDOW));
    this.pending = all.slice(at);
  }

  private window(w: Float32Array): void {
    this.vad.acceptWaveform(w);
    this.fed += w.length;
    this.recent.push(w);
    this.takeSegments();
    if (this.vad.isDetected()) {
      if (this.openStart === undefined) {
        this.openStart = Math.max(this.recentStart, this.fed - LOOKBACK);
        // The first partial a second into the segment: earlier there is little to show.
        this.lastPartialAt = this.fed;
      }
      if (this.fed - this.openStart >= this.settings.maxSegmentSeconds * SAMPLE_RATE) return this.closeSegment();
      if (this.options.partials && this.fed - this.lastPartialAt >= this.settings.partialEverySeconds * SAMPLE_RATE) this.partial();
    } else {
      this.openStart = undefined;
    }
    this.trimRecent();
  }

  /** Keeps the windows a partial may need: the open segment's, or the look-back before a detection. */
  private trimRecent(): void {
    const keepFrom = this.openStart ?? this.fed - LOOKBACK;
    while (this.recent.length && this.recentStart + this.recent[0].length <= keepFrom) this.recentStart += this.recent.shift()!.length;
  }

  /** Segments the VAD has closed become finals. */
  private takeSegments(): void {
    while (!this.vad.isEmpty()) {
      // A copy: the segment's buffer belongs to the detector.
      const seg = this.vad.front(false);
      this.vad.pop();
      this.openStart = undefined;
      this.decodeFinal({ start: seg.start, samples: seg.samples });
    }
  }

  /** Closes the open segment now: the maximum length, endUtterance, the end of input. */
  private closeSegment(): void {
    this.vad.flush();
    this.takeSegments();
    this.trimRecent();
  }

  private decodeFinal(seg: SpeechSegment): void {
    this.queue = this.queue.then(async () => {
      try {
        const r = await this.decode(seg.samples);
        const text = r.text.trim();
        if (!text || this.closed) return;
        const start = seg.start / SAMPLE_RATE;
        const end = (seg.start + seg.samples.length) / SAMPLE_RATE;
        this.sink.final({ text, words: toWords(r.tokens, r.timestamps, start, end), start: round(start), end: round(end) });
      } catch (e) {
        this.fail(e as Error);
      }
    });
  }

  /** Decodes the open segment so far; skipped while a decode is running, so partials never queue up. */
  private partial(): void {
    if (this.partialBusy || this.openStart === undefined) return;
    this.lastPartialAt = this.fed;
    const skip = this.openStart - this.recentStart;
    const audio = concat(this.recent, skip);
    this.partialBusy = true;
    // Queued before the open segment's final, so it is delivered before it.
    this.queue = this.queue.then(async () => {
      try {
        const text = (await this.decode(audio)).text.trim();
        if (text && !this.closed) this.sink.partial(text);
      } catch (e) {
        this.fail(e as Error);
      } finally {
        this.partialBusy = false;
      }
    });
  }

  private async decode(samples: Float32Array) {
    const s = this.recognizer.createStream();
    s.acceptWaveform({ samples, sampleRate: SAMPLE_RATE });
    return this.recognizer.decodeAsync(s);
  }

  private fail(e: Error): void {
    this.sink.error(new VoxnoteError('internal', `sherpa-onnx could not decode the audio: ${e.message}`, 'Restart dictation; if it persists, choose another model.'));
  }

  endUtterance(): void {
    if (this.closed) return;
    this.closeSegment();
  }

  async finish(): Promise<void> {
    if (this.closed) return;
    // The last part window, padded with silence: nothing heard is left out.
    if (this.pending.length) {
      const w = new Float32Array(VAD_WINDOW);
      w.set(this.pending);
      this.pending = new Float32Array(0);
      this.window(w);
    }
    this.closeSegment();
    await this.queue;
    this.closed = true;
  }

  close(): void {
    this.closed = true;
  }
}

function concat(parts: readonly Float32Array[], skip: number): Float32Array {
  const total = parts.reduce((n, p) => n + p.length, 0) - skip;
  const out = new Float32Array(Math.max(0, total));
  let at = -skip;
  for (const p of parts) {
    if (at + p.length > 0) out.set(at >= 0 ? p : p.subarray(-at), Math.max(0, at));
    at += p.length;
  }
  return out;
}
