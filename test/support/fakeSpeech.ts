/**
 * Speech lanes and sessions that behave like the real ones on a fake clock, for
 * the meeting's lifecycle tests: a session starts after a moment, hears what the
 * test makes it hear, stops as slowly as the test says (its utterance under way
 * comes out as a final first), a crash restarts it after a backoff, and it lends
 * the microphone to dictation and gets it back, as the speech service does. Every worker a lane starts is counted, and every one it
 * stops. No engine: the lifecycle is under test, not recognition.
 */
import { Emitter } from '../../src/speech/lifecycle';
import type { SessionRequest, SessionState, SpeechEnd, SpeechError, SpeechFinal, SpeechPartial, SpeechProgress, SpeechSession, SpeechSpeakers, SpeechStarted } from '../../src/speech/speechSession';
import type { FakeClock } from './fakeClock';

/** How long a session takes to start and to restart after a crash. */
export const START_MS = 20;
export const RESTART_MS = 200;

export interface ProducedFinal {
  lane: string;
  text: string;
}

export class FakeSession implements SpeechSession {
  readonly engine = 'vosk' as const;
  readonly engineSpec = { kind: 'vosk', model: '/fake-model' } as const;
  readonly live = true;
  private readonly started = new Emitter<SpeechStarted>();
  private readonly partial = new Emitter<SpeechPartial>();
  private readonly final = new Emitter<SpeechFinal>();
  private readonly level = new Emitter<number>();
  private readonly progress = new Emitter<SpeechProgress>();
  private readonly error = new Emitter<SpeechError>();
  private readonly stateChange = new Emitter<SessionState>();
  private readonly end = new Emitter<SpeechEnd>();
  readonly onStarted = this.started.event;
  readonly onPartial = this.partial.event;
  readonly onFinal = this.final.event;
  readonly onLevel = this.level.event;
  readonly onProgress = this.progress.event;
  readonly onError = this.error.event;
  readonly onStateChange = this.stateChange.event;
  readonly onEnd = this.end.event;
  readonly ended: Promise<SpeechEnd>;
  private resolveEnded!: (e: SpeechEnd) => void;
  private current: SessionState = 'starting';
  private attempt = 0;
  /** Session seconds of the capture under way start at this clock time. */
  private since = 0;
  /** The words heard since the last final: the utterance under way. */
  private underWay = '';

  constructor(private readonly lane: FakeLane) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.begin(START_MS);
  }

  get state(): SessionState {
    return this.current;
  }

  /** Words heard: a partial now; the final comes with the next endUtterance() or the stop. */
  hear(text: string): void {
    if (this.current !== 'running') return;
    this.underWay = this.underWay ? `${this.underWay} ${text}` : text;
    this.partial.fire({ utteranceId: 1, text: this.underWay });
  }

  endUtterance(): void {
    if (this.current === 'running' || this.current === 'stopping') this.flush();
  }

  /** The worker dies: the utterance under way is lost, a new worker starts after a backoff. */
  crash(): void {
    if (this.current !== 'running') return;
    this.underWay = '';
    this.lane.workerDied();
    this.error.fire(Object.assign(new Error('The speech engine crashed.'), { code: 'worker-crashed', hint: 'Voxnote restarts it.', fatal: true, restarting: true }) as SpeechError);
    this.setState('restarting');
    this.begin(RESTART_MS);
  }

  /** Dictation takes the microphone: the utterance under way comes out, capture stops until it is given back. */
  lend(): void {
    if (this.current !== 'running') return;
    this.flush();
    this.setState('suspended');
  }

  /** Dictation is done with the microphone: capture starts again. */
  giveBack(): void {
    if (this.current !== 'suspended') return;
    this.setState('starting');
    this.begin(START_MS);
  }

  stop(): Promise<SpeechEnd> {
    if (this.current === 'ended' || this.current === 'stopping') return this.ended;
    const wasRunning = this.current === 'running';
    this.setState('stopping');
    this.lane.clock.setTimeout(() => {
      // The engine's last final: the utterance under way when the stop was asked.
      if (wasRunning) this.flush();
      this.finish({ reason: 'requested' });
    }, this.lane.stopMs);
    return this.ended;
  }

  dispose(): void {
    void this.stop();
  }

  private begin(ms: number): void {
    this.lane.clock.setTimeout(() => {
      if (this.current !== 'starting' && this.current !== 'restarting') return;
      this.lane.worker();
      this.since = this.lane.clock.now();
      this.setState('running');
      this.started.fire({ source: 'mic', backend: 'file', device: 'fake', attempt: this.attempt++ });
    }, ms);
  }

  private flush(): void {
    if (!this.underWay) return;
    const text = this.underWay;
    this.underWay = '';
    const seconds = (this.lane.clock.now() - this.since) / 1000;
    this.lane.produced.push({ lane: this.lane.name, text });
    this.final.fire({ utteranceId: 1, text, source: 'mic', start: Math.max(0, seconds - 0.5), end: seconds });
  }

  private finish(end: SpeechEnd): void {
    this.setState('ended');
    this.lane.sessionEnded(this);
    this.end.fire(end);
    this.resolveEnded(end);
  }

  private setState(state: SessionState): void {
    if (state === this.current) return;
    this.current = state;
    this.stateChange.fire(state);
  }
}

/** A lane of the speech service: one worker kept between its sessions, one session at a time. */
export class FakeLane {
  session?: FakeSession;
  /** Every final its sessions produced, in order. */
  readonly produced: ProducedFinal[] = [];
  workersStarted = 0;
  workersStopped = 0;
  /** How long the next stop takes (a slow engine takes seconds). */
  stopMs = 0;
  private alive = false;
  private closed = false;
  private nextPid = 1000;

  constructor(
    readonly name: string,
    readonly clock: FakeClock,
  ) {}

  get pid(): number | undefined {
    return this.alive ? this.nextPid : undefined;
  }

  async warm(): Promise<void> {
    if (this.closed) throw new Error(`the speech lane "${this.name}" is closed`);
    this.worker();
  }

  createSession(_request: SessionRequest): SpeechSession {
    if (this.closed) throw new Error(`the speech lane "${this.name}" is closed`);
    if (this.session) throw new Error(`the speech lane "${this.name}" already has a session`);
    this.session = new FakeSession(this);
    return this.session;
  }

  /** No diarization here: nothing to correct. */
  async recluster(): Promise<SpeechSpeakers> {
    await this.session?.stop();
    return [];
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.session?.stop();
    if (this.alive) {
      this.alive = false;
      this.workersStopped++;
    }
  }

  dispose(): void {
    void this.shutdown();
  }

  /** @internal the live worker, started if none runs */
  worker(): void {
    if (this.alive || this.closed) return;
    this.alive = true;
    this.nextPid++;
    this.workersStarted++;
  }

  /** @internal */
  workerDied(): void {
    if (!this.alive) return;
    this.alive = false;
    // A dead worker counts as stopped: nothing is left running.
    this.workersStopped++;
  }

  /** @internal */
  sessionEnded(session: FakeSession): void {
    if (this.session === session) this.session = undefined;
  }
}

/** The speech service as a meeting sees it: a lane per source. */
export class FakeSpeech {
  readonly lanes: FakeLane[] = [];
  /** How long stops take on lanes made from now on. */
  stopMs = 0;
  constructor(readonly clock: FakeClock) {}

  createLane(name: string): FakeLane {
    const lane = new FakeLane(name, this.clock);
    lane.stopMs = this.stopMs;
    this.lanes.push(lane);
    return lane;
  }
}
