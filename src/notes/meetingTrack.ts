/**
 * One source of a meeting ("Me" on the microphone, "Others" on system audio):
 * its own supervised worker and recognizer, its worker sessions placed on the
 * meeting clock, and recovery. A worker that dies is restarted by its
 * supervisor and the track starts a new session; a capture that fails inside a
 * live worker is started again after a backoff. Each worker session counts
 * seconds from 0, so its times are offset by the meeting time it started at.
 * No VS Code API here.
 */
import { backoffMs, SupervisorOptions, WorkerSupervisor } from '../speech/workerSupervisor';
import type { Disposable } from '../speech/workerClient';
import type { CaptureBackend, ErrorCode, EventOf, RecognizerOptions, Source, WorkerEvent } from '../shared/protocol';
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

export type TrackState = 'starting' | 'running' | 'paused' | 'restarting' | 'ended' | 'failed' | 'stopped';

export interface TrackProblem {
  code: ErrorCode;
  message: string;
  hint: string;
  /** True when the track recovers by itself (a restarted worker or capture). */
  restarting: boolean;
}

export interface TrackDeps {
  spec: TrackSpec;
  modelPath: string;
  clock: MeetingClock;
  supervisor: SupervisorOptions;
  recognizer: RecognizerOptions;
  /** Where the audio comes from at the n-th session of this track (tests stand files in for devices). */
  sourceFor: (spec: TrackSpec, n: number) => Source;
  onFinal(u: TimedText): void;
  onPartial(text: string): void;
  onLevel(dbfs: number): void;
  onState(state: TrackState): void;
  onProblem(problem: TrackProblem): void;
}

/** The worker died: its supervisor starts a new one. */
const WORKER_DIED: ReadonlySet<ErrorCode> = new Set(['worker-crashed', 'worker-unresponsive']);
/** The capture failed inside a live worker: starting it again may work. */
const CAPTURE_LOST: ReadonlySet<ErrorCode> = new Set(['capture-failed', 'capture-stalled', 'internal']);
/** Sessions in a row that never reach `started` before the track gives up (a model that cannot load). */
const MAX_FAILED_STARTS = 5;

export class MeetingTrack implements Disposable {
  private readonly supervisor: WorkerSupervisor;
  private readonly subscriptions: Disposable[];
  private state: TrackState = 'paused';
  /** Meeting seconds at which the current worker session's clock started. */
  private offset = 0;
  private sessions = 0;
  private failedStarts = 0;
  /** The current worker session reached `started`, so a `stopped` will end it. */
  private sessionStarted = false;
  private captureLost = false;
  /** Captures lost in a row, for the backoff; a final shows capture works again. */
  private lostInARow = 0;
  private captureRetry?: NodeJS.Timeout;
  private stopping?: { done: Promise<void>; resolve: () => void };

  constructor(private readonly deps: TrackDeps) {
    this.supervisor = new WorkerSupervisor(deps.supervisor);
    this.subscriptions = [
      this.supervisor.onEvent((e) => this.onEvent(e)),
      this.supervisor.onRestart(() => this.onRestart()),
    ];
  }

  get kind(): TrackKind {
    return this.deps.spec.kind;
  }

  get current(): TrackState {
    return this.state;
  }

  /** The worker's process id, while one runs. */
  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Starts capture and recognition. */
  start(): void {
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.setState('failed');
      this.deps.onProblem({
        code: 'internal',
        message: `${this.deps.spec.label}: the speech engine failed to start ${MAX_FAILED_STARTS} times in a row, so this source is no longer transcribed.`,
        hint: 'Stop the meeting notes and start them again; if it happens again, check the model with "Voxnote: Select Model".',
        restarting: false,
      });
      return;
    }
    this.failedStarts++;
    this.captureLost = false;
    this.setState('starting');
    const { spec, modelPath, recognizer } = this.deps;
    this.supervisor.send({ type: 'start', engine: { kind: 'vosk', model: modelPath }, source: this.deps.sourceFor(spec, this.sessions++), options: recognizer });
  }

  /** Loads the model without capturing, so a paused meeting resumes at once. */
  warm(): void {
    this.supervisor.send({ type: 'load', engine: { kind: 'vosk', model: this.deps.modelPath } });
  }

  /** Stops capture, keeping the worker and its model; resolves once its last final is out. */
  async pause(): Promise<void> {
    if (!this.live()) return;
    const capturing = this.capturing();
    this.setState('paused');
    if (capturing) await this.stopSession();
  }

  resume(): void {
    if (this.state === 'paused') this.start();
  }

  /** Stops capture (its last final comes out first) and the worker. */
  async stop(): Promise<void> {
    const capturing = this.capturing();
    this.setState('stopped');
    if (capturing) await this.stopSession();
    else await this.stopping?.done;
    await this.supervisor.shutdown();
  }

  dispose(): void {
    clearTimeout(this.captureRetry);
    this.subscriptions.forEach((s) => s.dispose());
    this.supervisor.dispose();
  }

  private capturing(): boolean {
    return this.state === 'starting' || this.state === 'running';
  }

  /** Not ended, failed or stopped. */
  private live(): boolean {
    return this.capturing() || this.state === 'paused' || this.state === 'restarting';
  }

  private stopSession(): Promise<void> {
    clearTimeout(this.captureRetry);
    if (!this.stopping) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.stopping = { done, resolve };
      this.supervisor.send({ type: 'stop' });
    }
    return this.stopping.done;
  }

  private sessionOver(): void {
    this.sessionStarted = false;
    this.stopping?.resolve();
    this.stopping = undefined;
  }

  private setState(state: TrackState): void {
    if (state === this.state) return;
    this.state = state;
    this.deps.onState(state);
  }

  private onEvent(e: WorkerEvent): void {
    switch (e.type) {
      case 'started':
        this.sessionStarted = true;
        this.offset = this.deps.clock.seconds();
        this.failedStarts = 0;
        if (this.state === 'starting') this.setState('running');
        break;
      case 'final':
        this.lostInARow = 0;
        this.deps.onFinal({ start: this.meetingTime(e.start), end: this.meetingTime(e.end), text: e.text, speaker: this.deps.spec.label });
        break;
      case 'partial':
        this.deps.onPartial(e.text);
        break;
      case 'level':
        this.deps.onLevel(e.dbfs);
        break;
      case 'error':
        this.onError(e);
        break;
      case 'stopped':
        this.onStopped(e);
        break;
    }
  }

  /** Session seconds to meeting seconds, to the millisecond (the journal keeps no more). */
  private meetingTime(sessionSeconds: number): number {
    return Math.round((this.offset + sessionSeconds) * 1000) / 1000;
  }

  private onError(e: EventOf<'error'>): void {
    const problem = { code: e.code, message: `${this.deps.spec.label}: ${e.message}`, hint: e.hint };
    // A `stop` that found no session (its start had failed) ends the wait for one.
    if (e.code === 'not-running') return this.sessionOver();
    if (!e.fatal) return this.deps.onProblem({ ...problem, restarting: false });
    // Only a session that started ends with `stopped`; a dead worker or a failed start sends none.
    const stoppedFollows = this.sessionStarted && !WORKER_DIED.has(e.code);
    if (!stoppedFollows) this.sessionOver();
    if (WORKER_DIED.has(e.code)) {
      if (this.capturing()) this.setState('restarting');
      return this.deps.onProblem({ ...problem, restarting: this.live() });
    }
    if (CAPTURE_LOST.has(e.code) && this.capturing()) {
      if (stoppedFollows) this.captureLost = true;
      else this.retryCapture();
      return this.deps.onProblem({ ...problem, restarting: true });
    }
    if (this.capturing()) this.setState('failed');
    this.deps.onProblem({ ...problem, restarting: false });
  }

  private onStopped(e: EventOf<'stopped'>): void {
    this.sessionOver();
    if (!this.capturing()) return;
    if (e.reason === 'end-of-input') this.setState('ended');
    else if (e.reason === 'error' && this.captureLost) this.retryCapture();
  }

  private retryCapture(): void {
    this.setState('restarting');
    this.captureRetry = setTimeout(() => {
      if (this.state === 'restarting') this.start();
    }, backoffMs(this.lostInARow++, this.deps.supervisor));
  }

  /** A new worker replaced one that died. */
  private onRestart(): void {
    if (this.state === 'restarting') this.start();
    else if (this.state === 'paused') this.warm();
  }
}
