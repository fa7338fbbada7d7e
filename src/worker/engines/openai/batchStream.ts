/**
 * Live use of a speech server's batch protocol, cut as the offline sherpa
 * path cuts it: the same VadStream (Silero VAD segments, the open segment
 * re-sent for a partial, finals in order, one request in flight) with a
 * server behind the recognizer interface instead of a local model. A partial
 * is skipped while a request runs, so partials come only as often as the
 * server's latency allows. A failure that outlasts the retries ends the
 * session once, naming the seconds of audio that were not transcribed.
 */
import { VoxnoteError } from '../../../shared/errors';
import type { OpenAIEngineSpec } from '../../../shared/engines';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import type { OfflineRecognizer, OfflineResult, OfflineStream, Vad } from '../sherpa/addon';
import { VadStream } from '../sherpa/vadStream';
import { ServerTranscriber } from './transcriber';

/** Audio buffered by one request (a segment, or the open part of one). */
class PendingAudio implements OfflineStream {
  readonly parts: Float32Array[] = [];
  acceptWaveform(wave: { samples: Float32Array }): void {
    this.parts.push(wave.samples);
  }
  samples(): Float32Array {
    if (this.parts.length === 1) return this.parts[0];
    const out = new Float32Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) (out.set(p, at), (at += p.length));
    return out;
  }
}

const EMPTY: OfflineResult = { text: '', tokens: [], timestamps: [] };

/** The recognizer VadStream decodes with: each decode is one request to the server. */
class ServerRecognizer implements OfflineRecognizer {
  private failed = false;
  private noticed = false;

  constructor(
    private readonly transcriber: ServerTranscriber,
    private readonly sink: StreamSink,
  ) {}

  createStream(): PendingAudio {
    return new PendingAudio();
  }

  async decodeAsync(stream: OfflineStream): Promise<OfflineResult> {
    if (this.failed) return EMPTY;
    try {
      return { ...EMPTY, text: await this.transcriber.transcribe((stream as PendingAudio).samples()) };
    } catch (e) {
      if (this.failed) return EMPTY;
      this.failed = true;
      this.sink.error(e instanceof VoxnoteError ? e : new VoxnoteError('internal', `The speech server request failed: ${(e as Error).message}`, 'Start again.'));
      return EMPTY;
    }
  }

  /** Said once per stream: the server fails and Voxnote keeps the audio and tries again. */
  retrying(error: VoxnoteError): void {
    if (this.noticed) return;
    this.noticed = true;
    this.sink.notice?.(new VoxnoteError(error.code, `${error.message} Retrying; the audio is kept.`, error.hint, false));
  }
}

export function batchStream(spec: OpenAIEngineSpec, vad: Vad, options: StreamOptions, sink: StreamSink, maxSegmentSeconds: number): RecognitionStream {
  const abort = new AbortController();
  let recognizer: ServerRecognizer | undefined;
  const prompt = options.phrases?.length ? options.phrases.join(', ') : undefined;
  const transcriber = new ServerTranscriber(spec, prompt, abort.signal, { retrying: (e) => recognizer?.retrying(e) });
  recognizer = new ServerRecognizer(transcriber, sink);
  const stream = new VadStream(recognizer, vad, options, sink, { maxSegmentSeconds, partialEverySeconds: 1 });
  return {
    accept: (pcm) => stream.accept(pcm),
    endUtterance: () => stream.endUtterance(),
    finish: () => stream.finish(),
    close: () => {
      abort.abort();
      stream.close();
    },
  };
}
