/**
 * The speech-engine interface every engine implements (Vosk, AssemblyAI,
 * sherpa-onnx). An engine turns 16 kHz mono s16le PCM into partial and final
 * results; capture, level metering, the stall watchdog, resampling, utterance
 * numbering and session time belong to the session (../session.ts) and are
 * the same for every engine.
 *
 * A new engine is one folder under engines/ plus one entry in registry.ts.
 */
import type { VoxnoteError } from '../../shared/errors';
import type { Alternative, Word } from '../../shared/protocol';

/** One recognized utterance, as the engine reports it. */
export interface EngineFinal {
  text: string;
  /** Per-word timings in session seconds, where the engine has them (else empty). */
  words: Word[];
  /** Utterance start and end in session seconds, when the engine knows them; else the session uses audio positions. */
  start?: number;
  end?: number;
  alternatives?: Alternative[];
}

/** Where an open stream delivers results. Calls may come synchronously from accept() or later (cloud engines). */
export interface StreamSink {
  partial(text: string): void;
  final(result: EngineFinal): void;
  /** A failure the user can act on. fatal ends the session (after the session flushes what it has). */
  error(failure: EngineFailure): void;
  /** Non-fatal notes for the user (a phrase list ignored, a reconnect, a reported gap). */
  notice?(failure: EngineFailure): void;
}

/** Recognition options an engine may honour (from the `start` command). */
export interface StreamOptions {
  /** Words and phrases to favour or restrict to. */
  phrases?: string[];
  /** n-best alternatives for finals; 0 = none. */
  maxAlternatives?: number;
  /** Whether anyone listens to partials: an engine may skip computing them. */
  partials: boolean;
  /** Audio arrives in real time and cannot wait (a microphone, a real-time file): an engine that decodes behind bounds its delay itself. */
  live?: boolean;
}

/** A recognition session on an engine: audio in, results out through the sink. */
export interface RecognitionStream {
  /** 16 kHz mono s16le, any length. Results for it may be delivered before this returns. */
  accept(pcm: Buffer): void;
  /** Ends the current utterance now (push-to-talk release, `endUtterance`): its final is delivered. */
  endUtterance(): void;
  /** No more audio: delivers the last final. Resolves when nothing more will reach the sink. */
  finish(): Promise<void>;
  /** Releases the stream at once (after finish, or on a failure); idempotent. */
  close(): void;
  /** Engines that decode behind the audio: resolves when they can take more (files wait for it; live audio cannot). */
  ready?(): Promise<void>;
  /** Engines that decode behind the audio: session seconds decoded so far. */
  decodedSeconds?(): number;
  /** Engines that decode behind the audio: drops what is not decoded yet, so that finish() resolves at once (Cancel). */
  discardPending?(): void;
}

/** A loaded model or a configured service connection, reusable across sessions. */
export interface Engine {
  /** Identity of what is loaded: a `start` with the same key reuses this engine. */
  readonly key: string;
  open(options: StreamOptions, sink: StreamSink): Promise<RecognitionStream>;
  dispose(): void;
}

/** Engine failures are VoxnoteErrors: code, message, hint, fatal; `span` names the session seconds concerned (a gap in the transcript). */
export type EngineFailure = VoxnoteError & { readonly span?: { start: number; end: number } };
