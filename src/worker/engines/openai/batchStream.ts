/**
 * Live use of a speech server's batch protocol, cut as the offline sherpa
 * path cuts it: the same VadStream (Silero VAD segments, the open segment
 * re-sent for a partial, finals in order, one request in flight) with a
 * server behind the segment decoder instead of a local model. One request
 * at a time, finals first; partials only as often as the server's measured
 * latency allows (VadStream's cadence). A failure that outlasts the retries ends the
 * session once, naming the seconds of audio that were not transcribed.
 */
import { VoxnoteError } from '../../../shared/errors';
import type { OpenAIEngineSpec } from '../../../shared/engines';
import type { RecognitionStream, StreamOptions, StreamSink } from '../engine';
import type { Vad } from '../sherpa/addon';
import { DEFAULT_PARTIAL_SECONDS, DEFAULT_PARTIAL_SHARE, SegmentDecoder, SegmentResult, VadStream } from '../sherpa/vadStream';
import { ServerTranscriber } from './transcriber';

const EMPTY: SegmentResult = { text: '', tokens: [], timestamps: [] };

/** The decoder VadStream calls: each decode is one request to the server. */
class ServerDecoder {
  private failed = false;
  private noticed = false;

  constructor(
    private readonly transcriber: ServerTranscriber,
    private readonly sink: StreamSink,
  ) {}

  readonly decode: SegmentDecoder = async (samples) => {
    if (this.failed) return EMPTY;
    try {
      return { ...EMPTY, text: await this.transcriber.transcribe(samples) };
    } catch (e) {
      if (this.failed) return EMPTY;
      this.failed = true;
      this.sink.error(e instanceof VoxnoteError ? e : new VoxnoteError('internal', `The speech server request failed: ${(e as Error).message}`, 'Start again.'));
      return EMPTY;
    }
  };

  /** Said once per stream: the server fails and Voxnote keeps the audio and tries again. */
  retrying(error: VoxnoteError): void {
    if (this.noticed) return;
    this.noticed = true;
    this.sink.notice?.(new VoxnoteError(error.code, `${error.message} Retrying; the audio is kept.`, error.hint, false));
  }
}

export function batchStream(spec: OpenAIEngineSpec, vad: Vad, options: StreamOptions, sink: StreamSink, maxSegmentSeconds: number): RecognitionStream {
  const abort = new AbortController();
  let decoder: ServerDecoder | undefined;
  const prompt = options.phrases?.length ? options.phrases.join(', ') : undefined;
  const transcriber = new ServerTranscriber(spec, prompt, abort.signal, { retrying: (e) => decoder?.retrying(e) });
  decoder = new ServerDecoder(transcriber, sink);
  // The partial cadence follows each request's measured time, so partials come only as often as the server allows.
  const stream = new VadStream(decoder.decode, vad, options, sink, { maxSegmentSeconds, partialShare: DEFAULT_PARTIAL_SHARE, partialSeconds: DEFAULT_PARTIAL_SECONDS, maxBacklogSeconds: 2 * maxSegmentSeconds });
  return {
    accept: (pcm) => stream.accept(pcm),
    endUtterance: () => stream.endUtterance(),
    finish: () => stream.finish(),
    ready: () => stream.ready(),
    discardPending: () => stream.discardPending(),
    close: () => {
      abort.abort();
      stream.close();
    },
  };
}
