/**
 * One source of a meeting ("Me" on the microphone, "Others" on system audio):
 * its own lane of the speech service (a worker kept warm across pauses), its
 * speech session placed on the meeting clock. The session restarts by itself
 * after a crash or a lost capture (the service's restart policy) and lends the
 * microphone to dictation when the person asks; each capture counts seconds
 * from 0, so its times are offset by the meeting time it started at.
 * No VS Code API here.
 */
import type { Disposable } from '../speech/lifecycle';
import type { RestartOptions } from '../speech/restartPolicy';
import type { SpeechEnd, SpeechSession } from '../speech/speechSession';
import type { SpeechLane } from '../speech/speechService';
import type { VoxnoteError } from '../shared/errors';
import type { CaptureBackend, EngineSpec, ErrorCode, RecognizerOptions, Source, Word } from '../shared/protocol';
import type { TimedText } from '../shared/transcriptFormat';
import type { MeetingClock } from './meetingClock';

export type TrackKind = 'mic' | 'system';

export interface TrackSpec {
  kind: TrackKind;
  /** How its lines are labelled: "Me", "Others" by default (settings can change them). */
  label: string;
  /** Device and back-end; the system defaults when absent. */
  device?: string;
  backend?: CaptureBackend;
}

/** suspended: the microphone is lent to dictation and comes back when dictation ends. */
export type TrackState = 'starting' | 'running' | 'paused' | 'suspended' | 'restarting' | 'ended' | 'failed' | 'stopped';

export interface TrackProblem {
  code: ErrorCode | string;
  message: string;
  hint: string;
  /** True when the track recovers by itself (a restarted worker or capture). */
  restarting: boolean;
}

export interface TrackDeps {
  spec: TrackSpec;
  engine: EngineSpec;
  clock: MeetingClock;
  /** This track's lane of the speech service; the track shuts it down on stop. */
  lane: SpeechLane;
  recognizer: RecognizerOptions;
  /** Overrides of the restart policy (tests shorten the backoff). */
  restart?: Partial<RestartOptions>;
  /** Where the audio comes from at the n-th capture of this track (tests stand files in for devices). */
  sourceFor: (spec: TrackSpec, n: number) => Source;
  /** A final in meeting time; `words` (when the engine gives them) keep session times, for the pauses between them. */
  onFinal(u: TimedText, words?: readonly Word[]): void;
  onPartial(text: string): void;
  onLevel(dbfs: number): void;
  onState(state: TrackState): void;
  onProblem(problem: TrackProblem): void;
}

export class MeetingTrack implements Disposable {
  private state: TrackState = 'paused';
  private session?: SpeechSession;
  private subscriptions: Disposable[] = [];
  /** Meeting seconds at which the current capture's clock started. */
  private offset = 0;
  private captures = 0;

  constructor(private readonly deps: TrackDeps) {}

  get kind(): TrackKind {
    return this.deps.spec.kind;
  }

  get current(): TrackState {
    return this.state;
  }

  /** The worker's process id, while one runs. */
  get pid(): number | undefined {
    return this.deps.lane.pid;
  }

  /** Starts capture and recognition. */
  start(): void {
    if (this.session) return;
    this.setState('starting');
    const { spec, engine, recognizer, lane } = this.deps;
    const session = lane.createSession({
      engine,
      purpose: 'meeting',
      source: () => this.deps.sourceFor(spec, this.captures++),
      options: recognizer,
      restart: { captureLoss: true, ...this.deps.restart },
    });
    this.session = session;
    this.subscriptions = [
      session.onStarted(() => {
        this.offset = this.deps.clock.seconds();
        this.setState('running');
      }),
      session.onFinal((e) => this.deps.onFinal({ start: this.meetingTime(e.start), end: this.meetingTime(e.end), text: e.text, speaker: spec.label }, e.words)),
      session.onPartial((e) => this.deps.onPartial(e.text)),
      session.onLevel((dbfs) => this.deps.onLevel(dbfs)),
      session.onStateChange((s) => {
        if (s === 'restarting' || s === 'suspended') this.setState(s);
      }),
      session.onError((e) => this.report(e, e.restarting)),
      session.onEnd((e) => this.onEnd(session, e)),
    ];
  }

  /** Loads the engine without capturing, so a paused meeting resumes at once. */
  warm(): void {
    this.deps.lane.warm(this.deps.engine).catch((e: VoxnoteError) => this.report(e, false));
  }

  /** Stops capture, keeping the worker and its model; resolves once its last final is out. */
  async pause(): Promise<void> {
    if (!this.live()) return;
    this.setState('paused');
    await this.session?.stop();
  }

  resume(): void {
    if (this.state === 'paused') this.start();
  }

  /** Stops capture (its last final comes out first) and the worker. */
  async stop(): Promise<void> {
    this.setState('stopped');
    await this.session?.stop();
    await this.deps.lane.shutdown();
  }

  dispose(): void {
    this.session?.dispose();
    this.deps.lane.dispose();
  }

  /** Not ended, failed or stopped. */
  private live(): boolean {
    return ['starting', 'running', 'paused', 'suspended', 'restarting'].includes(this.state);
  }

  private setState(state: TrackState): void {
    if (state === this.state) return;
    this.state = state;
    this.deps.onState(state);
  }

  /** Session seconds to meeting seconds, to the millisecond (the journal keeps no more). */
  private meetingTime(sessionSeconds: number): number {
    return Math.round((this.offset + sessionSeconds) * 1000) / 1000;
  }

  private report(e: VoxnoteError, restarting: boolean): void {
    this.deps.onProblem({ code: e.code, message: `${this.deps.spec.label}: ${e.message}`, hint: e.hint, restarting });
  }

  private onEnd(session: SpeechSession, e: SpeechEnd): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.subscriptions.forEach((s) => s.dispose());
    this.subscriptions = [];
    // A pause or stop has set the state already.
    if (this.state === 'paused' || this.state === 'stopped') return;
    this.setState(e.reason === 'end-of-input' ? 'ended' : e.reason === 'requested' ? 'paused' : 'failed');
  }
}
