/**
 * One source of a meeting ("Me" on the microphone, "Others" on system audio):
 * its own lane of the speech service (a worker kept warm across pauses), its
 * speech session placed on the meeting clock. The session restarts by itself
 * after a crash or a lost capture (the service's restart policy) and lends the
 * microphone to dictation when the person asks; each capture counts seconds
 * from 0, so its times are offset by the meeting time it started at.
 *
 * The runner of trackLifecycle.ts: it holds the phase, performs the effects the
 * transition function asks for, and turns what the session reports into events.
 * No VS Code API here.
 */
import { DisposableStore, Emitter, type Disposable } from '../speech/lifecycle';
import type { RestartOptions } from '../speech/restartPolicy';
import type { SessionRequest, SpeechEnd, SpeechSession, SpeechSpeakers } from '../speech/speechSession';
import type { VoxnoteError } from '../shared/errors';
import type { CaptureBackend, DiarizationOptions, EngineSpec, ErrorCode, RecognizerOptions, Source, Word } from '../shared/protocol';
import type { TimedText } from '../shared/transcriptFormat';
import type { MeetingClock } from './meetingClock';
import { trackTransition, type TrackEffect, type TrackEvent, type TrackPhase } from './trackLifecycle';

export type TrackKind = 'mic' | 'system';
export type TrackState = TrackPhase;

export interface TrackSpec {
  kind: TrackKind;
  /** How its lines are labelled: "Me", "Others" by default (settings can change them). */
  label: string;
  /** Device and back-end; the system defaults when absent. */
  device?: string;
  backend?: CaptureBackend;
  /** Speaker diarization models: its lines are labelled "Speaker 1", "Speaker 2"… instead of `label`. */
  diarization?: DiarizationOptions;
}

export interface TrackProblem {
  code: ErrorCode | string;
  message: string;
  hint: string;
  /** True when the track recovers by itself (a restarted worker or capture). */
  restarting: boolean;
}

/** A final in meeting time; `words` (when the engine gives them) keep session times, for the pauses between them. */
export interface TrackFinal {
  line: TimedText;
  words?: readonly Word[];
}

/** A final's speaker corrected by the re-clustering when the meeting stops: `line` is the one the final came with. */
export interface TrackRelabel {
  line: TimedText;
  speaker: string;
}

/** What a track needs of its lane of the speech service (SpeechLane). */
export interface TrackLane {
  readonly pid: number | undefined;
  warm(engine: EngineSpec): Promise<void>;
  createSession(request: SessionRequest): SpeechSession;
  /** Stops the session, then re-clusters the worker's kept speaker track: the finals whose speaker changes. */
  recluster(): Promise<SpeechSpeakers>;
  /** Stops the session (its last final comes out) and the worker. */
  shutdown(): Promise<void>;
  dispose(): void;
}

export interface TrackDeps {
  spec: TrackSpec;
  engine: EngineSpec;
  clock: MeetingClock;
  /** This track's lane of the speech service; the track shuts it down on stop. */
  lane: TrackLane;
  recognizer: RecognizerOptions;
  /** Overrides of the restart policy (tests shorten the backoff). */
  restart?: Partial<RestartOptions>;
  /** Where the audio comes from at the n-th capture of this track (tests stand files in for devices). */
  sourceFor: (spec: TrackSpec, n: number) => Source;
}

const END_EVENTS: Record<SpeechEnd['reason'], TrackEvent> = {
  'end-of-input': 'endOfInput',
  requested: 'endRequested',
  error: 'endFailed',
  cancelled: 'endFailed',
};

export class MeetingTrack implements Disposable {
  private phase: TrackPhase = 'idle';
  private session?: SpeechSession;
  private readonly sessionSubscriptions = new DisposableStore();
  /** Meeting seconds at which the current capture's clock started. */
  private offset = 0;
  private captures = 0;
  /**
   * With diarization, every line of the track by its final's worker session and utterance id, for the
   * corrections of the re-clustering at the stop (a restarted worker's ids may repeat: the later line wins,
   * as that worker's track holds only the later one).
   */
  private readonly lines = new Map<string, TimedText>();
  private readonly emitters = {
    final: new Emitter<TrackFinal>(),
    relabel: new Emitter<TrackRelabel[]>(),
    partial: new Emitter<string>(),
    level: new Emitter<number>(),
    state: new Emitter<TrackState>(),
    problem: new Emitter<TrackProblem>(),
  };
  private readonly waiters = new Set<{ until: (p: TrackPhase) => boolean; resolve: () => void }>();
  /** Each final, in meeting seconds, labelled, with its words. */
  readonly onFinal = this.emitters.final.event;
  /** With diarization: lines whose speaker changed, once, when the track stops (the whole track re-clustered). */
  readonly onRelabel = this.emitters.relabel.event;
  readonly onPartial = this.emitters.partial.event;
  readonly onLevel = this.emitters.level.event;
  readonly onState = this.emitters.state.event;
  readonly onProblem = this.emitters.problem.event;

  constructor(private readonly deps: TrackDeps) {}

  get kind(): TrackKind {
    return this.deps.spec.kind;
  }

  get current(): TrackState {
    return this.phase;
  }

  /** The worker's process id, while one runs. */
  get pid(): number | undefined {
    return this.deps.lane.pid;
  }

  /** Starts (or resumes) capture and recognition; a pause still under way finishes first. */
  start(): void {
    this.send('start');
  }

  /** Loads the engine without capturing, so a paused meeting resumes at once. */
  warm(): void {
    this.deps.lane.warm(this.deps.engine).catch((e: VoxnoteError) => this.report(e, false));
  }

  /** Stops capture, keeping the worker and its model; resolves once its last final is out (or it was resumed meanwhile). */
  pause(): Promise<void> {
    this.send('pause');
    return this.until((p) => p !== 'pausing');
  }

  /** Stops capture (its last final comes out first) and the worker. */
  stop(): Promise<void> {
    this.send('stop');
    return this.until((p) => p === 'stopped');
  }

  dispose(): void {
    // A stop under way finishes by itself (the lane's worker must end); its last finals still come out.
    if (this.phase !== 'stopping') {
      this.session?.dispose();
      this.deps.lane.dispose();
    }
  }

  private send(event: TrackEvent): void {
    const { phase, effects } = trackTransition(this.phase, event);
    const changed = phase !== this.phase;
    this.phase = phase;
    for (const effect of effects) this.perform(effect);
    if (changed) {
      this.emitters.state.fire(phase);
      for (const w of [...this.waiters]) {
        if (w.until(phase)) {
          this.waiters.delete(w);
          w.resolve();
        }
      }
    }
  }

  private until(done: (p: TrackPhase) => boolean): Promise<void> {
    if (done(this.phase)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ until: done, resolve }));
  }

  private perform(effect: TrackEffect): void {
    switch (effect) {
      case 'openSession':
        return this.openSession();
      case 'stopSession':
        return void this.session?.stop();
      case 'shutdownLane':
        // A pause never re-clusters: the stop does, over every capture since the meeting began.
        return void this.recluster().then(() => this.deps.lane.shutdown()).then(
          () => this.send('shutDown'),
          () => this.send('shutDown'),
        );
      case 'markOffset':
        this.offset = this.deps.clock.seconds();
        return;
    }
  }

  private openSession(): void {
    const { spec, engine, recognizer, lane } = this.deps;
    let session: SpeechSession;
    try {
      session = lane.createSession({
        engine,
        purpose: 'meeting',
        source: () => this.deps.sourceFor(spec, this.captures++),
        // The worker keeps the speaker track across pauses, for one re-clustering at the stop.
        options: spec.diarization ? { ...recognizer, diarization: { ...spec.diarization, track: true } } : recognizer,
        restart: { captureLoss: true, ...this.deps.restart },
      });
    } catch (e) {
      // The lane is closed or busy: this capture cannot start.
      this.report(e as VoxnoteError, false);
      return queueMicrotask(() => this.send('endFailed'));
    }
    this.session = session;
    const mine = (listener: () => void) => () => this.session === session && listener();
    this.sessionSubscriptions.add(session.onStarted(mine(() => this.send('started'))));
    this.sessionSubscriptions.add(
      session.onFinal((e) => {
        const line = { start: this.meetingTime(e.start), end: this.meetingTime(e.end), text: e.text, speaker: e.speaker ?? spec.label };
        // Events of the session's current worker start only reach it: that start is this final's.
        if (spec.diarization) this.lines.set(`${session.workerStart}:${e.utteranceId}`, line);
        this.emitters.final.fire({ line, words: e.words });
      }),
    );
    this.sessionSubscriptions.add(session.onPartial((e) => this.emitters.partial.fire(e.text)));
    this.sessionSubscriptions.add(session.onLevel((dbfs) => this.emitters.level.fire(dbfs)));
    this.sessionSubscriptions.add(
      session.onStateChange((s) => {
        if (this.session === session && (s === 'restarting' || s === 'suspended')) this.send(s);
      }),
    );
    this.sessionSubscriptions.add(session.onError((e) => this.report(e, e.restarting)));
    this.sessionSubscriptions.add(
      session.onEnd((e) => {
        if (this.session !== session) return;
        this.session = undefined;
        this.sessionSubscriptions.dispose();
        this.send(END_EVENTS[e.reason]);
      }),
    );
  }

  /** With diarization: the whole track re-clustered, its changed lines out; a failure costs the corrections only. */
  private async recluster(): Promise<void> {
    if (!this.deps.spec.diarization) return;
    try {
      const changed = (await this.deps.lane.recluster()).flatMap(({ session, utteranceId, speaker }) => {
        const line = this.lines.get(`${session}:${utteranceId}`);
        return line ? [{ line, speaker }] : [];
      });
      if (changed.length) this.emitters.relabel.fire(changed);
    } catch (e) {
      this.report(e as VoxnoteError, false);
    }
  }

  /** Session seconds to meeting seconds, to the millisecond (the journal keeps no more). */
  private meetingTime(sessionSeconds: number): number {
    return Math.round((this.offset + sessionSeconds) * 1000) / 1000;
  }

  private report(e: VoxnoteError, restarting: boolean): void {
    this.emitters.problem.fire({ code: e.code ?? 'internal', message: `${this.deps.spec.label}: ${e.message}`, hint: e.hint ?? '', restarting });
  }
}
