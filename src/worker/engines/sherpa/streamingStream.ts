/**
 * A streaming (online transducer / CTC) model: partials as audio arrives,
 * finals at sherpa-onnx's endpoints (rules 1-3). The endpoint is checked after
 * every decode call: checking once per chunk merges utterances across pauses.
 */
import { SAMPLE_RATE } from '../../audio/format';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { streamDone, type OnlineRecognizer, type OnlineResult, type OnlineStream } from './addon';
import { round, toFloat, toWords } from './words';

/** Silence after the last audio so the model decodes its last frames (sherpa-onnx's examples use 0.66 s). */
const TAIL_PADDING = new Float32Array(Math.round(0.66 * SAMPLE_RATE));
/** Output frame of sherpa-onnx's online models: 10 ms features, subsampled 4 times. */
const FRAME_SECONDS = 0.04;

export class StreamingStream implements RecognitionStream {
  private stream: OnlineStream;
  /** Session seconds where the current sherpa stream began. */
  private origin = 0;
  /** Real audio in the current sherpa stream, and what it holds in all (with padding), in samples. */
  private real = 0;
  private held = 0;
  /** About how far sherpa-onnx has decoded the current stream, in samples. */
  private decoded = 0;
  private lastPartial = '';
  private closed = false;

  constructor(
    private readonly recognizer: OnlineRecognizer,
    private readonly options: StreamOptions,
    private readonly sink: StreamSink,
  ) {
    this.stream = recognizer.createStream();
  }

  accept(pcm: Buffer): void {
    if (this.closed) return;
    const samples = toFloat(pcm);
    this.stream.acceptWaveform({ samples, sampleRate: SAMPLE_RATE });
    this.real += samples.length;
    this.held += samples.length;
    this.decodeReady();
    if (!this.options.partials) return;
    const text = this.recognizer.getResult(this.stream).text.trim();
    if (text && text !== this.lastPartial) {
      this.lastPartial = text;
      this.sink.partial(text);
    }
  }

  /**
   * Decodes what the stream has ready; an endpoint after any decode call ends
   * the utterance there. sherpa-onnx does not say how far a decode call got,
   * so an endpoint's position is interpolated over the calls of this pass.
   */
  private decodeReady(): void {
    const from = this.decoded;
    const endpoints: Array<{ result: OnlineResult; call: number }> = [];
    let calls = 0;
    while (this.recognizer.isReady(this.stream)) {
      this.recognizer.decode(this.stream);
      calls++;
      if (this.recognizer.isEndpoint(this.stream)) {
        endpoints.push({ result: this.recognizer.getResult(this.stream), call: calls });
        this.recognizer.reset(this.stream);
      }
    }
    if (calls === 0) return;
    this.decoded = this.held;
    for (const e of endpoints) this.emitFinal(e.result, from + ((this.held - from) * e.call) / calls);
  }

  /** `at`: how far the stream was decoded when the utterance ended, in samples. */
  private emitFinal(r: OnlineResult, at: number): void {
    this.lastPartial = '';
    const text = r.text.trim();
    // Rule 1 ends stretches of silence with an empty result: nothing was said.
    if (!text) return;
    const offset = this.origin + r.start_time;
    // The speech ended where the trailing blanks began: after the last token's first frame, never past the real audio.
    const lastToken = r.timestamps.length ? offset + r.timestamps[r.timestamps.length - 1] + FRAME_SECONDS : offset;
    const end = Math.min(this.origin + this.real / SAMPLE_RATE, Math.max(lastToken, this.origin + at / SAMPLE_RATE - r.num_trailing_blanks * FRAME_SECONDS));
    const words = toWords(r.tokens, r.timestamps, offset, end);
    this.sink.final({ text, words, start: words.length ? words[0].start : round(offset), end: round(end) });
  }

  /** Decodes to the end of what was heard (padding, end of input), emits it, and starts a new sherpa stream. */
  private flush(): void {
    this.stream.acceptWaveform({ samples: TAIL_PADDING, sampleRate: SAMPLE_RATE });
    this.held += TAIL_PADDING.length;
    this.stream.inputFinished();
    this.decodeReady();
    this.emitFinal(this.recognizer.getResult(this.stream), this.held);
    streamDone(this.held / SAMPLE_RATE);
    this.origin += this.real / SAMPLE_RATE;
    this.real = 0;
    this.held = 0;
    this.decoded = 0;
  }

  endUtterance(): void {
    if (this.closed) return;
    this.flush();
    this.stream = this.recognizer.createStream();
  }

  async finish(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  close(): void {
    // The stream's native memory goes with its JS object (sherpa-onnx-node frees it on collection).
    this.closed = true;
  }
}
