/**
 * One speech-to-text session, in the shape of VS Code's speech sessions: a
 * Disposable with events, cancelled by a token. Its life is the pure machine
 * of sessionMachine.ts; this file runs that machine's effects. It runs on a worker of its
 * lane, takes the microphone from the arbiter when its source is the
 * microphone, and restarts after a crash under the one restart policy. Its
 * own events are matched to it by the id of the `start` that opened it, so
 * events of other commands on the same worker never reach it.
 * Disposing stops capture and releases the worker and the microphone;
 * `stop()` does the same but waits for the last final.
 * No VS Code API here.
 */
import type { EngineSpec, ErrorCode, EventOf, RecognizerOptions, Source, SourceKind, WorkerEvent } from '../shared/protocol';
import { CancellationToken, CancellationTokenSource, Disposable, DisposableStore, Emitter, Event } from './lifecycle';
import type { MicrophoneArbiter, MicrophoneClaim, MicrophoneUser } from './microphoneArbiter';
import { DEFAULT_RESTART, RestartBudget, RestartOptions } from './restartPolicy';
import { MachineRunner } from './machineRunner';
import { SessionEffect, SessionEndReason, SessionEvent, SessionMachineState, SessionPhase, sessionTransition } from './sessionMachine';
import { SpeechError } from './speechError';
import type { CommandDraft } from './workerClient';

export type SpeechPurpose = MicrophoneUser | 'transcription';

export interface SessionRequest {
  engine: EngineSpec;
  /** Where the audio comes from; a function is called at each capture start (tests stand files in for devices). */
  source: Source | (() => Source);
  options?: RecognizerOptions;
  /** Who it is for: dictation may borrow a meeting's microphone, the others wait for it. */
  purpose: SpeechPurpose;
  /** Restart after a failure; by default live sources restart after a crash and files never do. */
  restart?: Partial<RestartOptions> | false;
}

export type SessionState =
  /** Waiting for the microphone (or the person's answer to a handover). */
  | 'waiting'
  | 'starting'
  | 'running'
  /** Failed, and starting again after a backoff. */
  | 'restarting'
  /** Lent the microphone to dictation; resumes on its own. */
  | 'suspended'
  | 'stopping'
  | 'ended';

export interface SpeechStarted {
  source: SourceKind;
  backend: EventOf<'started'>['backend'];
  device: string;
  /** 0 for the first capture, then one more per restart or resume: session times start from 0 again. */
  attempt: number;
}

export type SpeechPartial = Omit<EventOf<'partial'>, 'type' | 're'>;
export type SpeechFinal = Omit<EventOf<'final'>, 'type' | 're'>;
export type SpeechProgress = Omit<EventOf<'progress'>, 'type' | 're'>;
/** The finals whose speaker a re-clustering changed: a capture's at its end, or a kept track's (with `session`). */
export type SpeechSpeakers = EventOf<'speakers'>['labels'];

export { SpeechError };
export type { SessionEndReason };

export interface SpeechEnd {
  /** requested: stop() or dispose(); cancelled: the microphone was not handed over. */
  reason: SessionEndReason;
  /** The error that ended it (reason 'error'). */
  error?: SpeechError;
}

export interface SpeechSession extends Disposable {
  readonly state: SessionState;
  readonly engine: EngineSpec['kind'];
  /** The engine and its settings (where its audio goes: shared/engines.ts). */
  readonly engineSpec: EngineSpec;
  /** Mic or system audio: a live capture (files are not). */
  readonly live: boolean;
  readonly onStarted: Event<SpeechStarted>;
  readonly onPartial: Event<SpeechPartial>;
  readonly onFinal: Event<SpeechFinal>;
  /** The id of the worker `start` its events come from now: a kept speaker track's corrections name finals by it. */
  readonly workerStart?: number;
  readonly onLevel: Event<number>;
  readonly onProgress: Event<SpeechProgress>;
  /** Every problem: notices (fatal false), failures it recovers from (restarting), and the one that ends it. */
  readonly onError: Event<SpeechError>;
  readonly onStateChange: Event<SessionState>;
  /** Once, last. */
  readonly onEnd: Event<SpeechEnd>;
  readonly ended: Promise<SpeechEnd>;
  /** Ends the current utterance now (push-to-talk release): its final comes out. */
  endUtterance(): void;
  /** Stops capture; resolves after the last final, when the session has ended. */
  /** `discard` (Cancel, Ctrl+C): ends within a second; audio not yet decoded is dropped, what was decoded is kept. */
  stop(options?: { discard?: boolean }): Promise<SpeechEnd>;
}

/** What a session needs of a worker process (WorkerClient; tests stand a fake in). */
export interface SessionWorker {
  readonly alive: boolean;
  send(body: CommandDraft): number;
  onEvent(listener: (event: WorkerEvent) => void): Disposable;
  onExit(listener: () => void): Disposable;
}

/** What a session needs from its lane. */
export interface SessionHost {
  /** The lane's live worker able to run `engine`, spawned when there is none. */
  worker(engine: EngineSpec): SessionWorker;
  /** The session has ended. */
  ended(session: WorkerSpeechSession): void;
  readonly microphone: MicrophoneArbiter;
  readonly restartDefaults: Partial<RestartOptions>;
  /** Timers of the restart backoff (tests pass a fake clock). */
  readonly clock?: SessionClock;
}

export interface SessionClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: SessionClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Capture failed inside a live worker: opening it again may work. */
const CAPTURE_LOST: ReadonlySet<string> = new Set<ErrorCode>(['capture-failed', 'capture-stalled', 'internal']);

const problem = (e: EventOf<'error'>, restarting = false) => new SpeechError(e.code, e.message, e.hint, e.fatal, restarting);

/** What the owner sees of each machine phase. */
const PUBLIC_STATE: Record<SessionPhase, SessionState> = {
  new: 'starting',
  waiting: 'waiting',
  starting: 'starting',
  running: 'running',
  failing: 'running',
  restarting: 'restarting',
  suspending: 'running',
  resuming: 'suspended',
  suspended: 'suspended',
  stopping: 'stopping',
  ended: 'ended',
};

/** Phases in which a worker session of ours is live: its events reach the owner. */
const WORKER_LIVE: ReadonlySet<SessionPhase> = new Set<SessionPhase>(['starting', 'running', 'failing', 'suspending', 'resuming', 'stopping']);

/** A speech session run on a lane's worker process: the runner of the session machine. */
export class WorkerSpeechSession implements SpeechSession, MicrophoneClaim {
  private readonly emitters = {
    started: new Emitter<SpeechStarted>(),
    partial: new Emitter<SpeechPartial>(),
    final: new Emitter<SpeechFinal>(),
    level: new Emitter<number>(),
    progress: new Emitter<SpeechProgress>(),
    error: new Emitter<SpeechError>(),
    state: new Emitter<SessionState>(),
    end: new Emitter<SpeechEnd>(),
  };
  readonly onStarted = this.emitters.started.event;
  readonly onPartial = this.emitters.partial.event;
  readonly onFinal = this.emitters.final.event;
  readonly onLevel = this.emitters.level.event;
  readonly onProgress = this.emitters.progress.event;
  readonly onError = this.emitters.error.event;
  readonly onStateChange = this.emitters.state.event;
  readonly onEnd = this.emitters.end.event;
  readonly ended: Promise<SpeechEnd>;
  readonly live: boolean;
  readonly user: MicrophoneUser;

  private readonly machine = new MachineRunner<SessionMachineState, SessionEvent, SessionEffect>(
    { phase: 'new' },
    sessionTransition,
    (effect) => this.perform(effect),
    (before) => {
      const was = PUBLIC_STATE[before.phase];
      if (this.state !== was && this.state !== 'ended') this.emitters.state.fire(this.state);
    },
  );
  private resolveEnded!: (end: SpeechEnd) => void;
  private readonly budget?: RestartBudget;
  private readonly clock: SessionClock;
  private readonly firstSource: Source;
  private client?: SessionWorker;
  private readonly clientSubscriptions = new DisposableStore();
  private readonly subscriptions = new DisposableStore();
  /** Cancelled when the session ends: a microphone handover still being asked about is dropped. */
  private readonly over = new CancellationTokenSource();
  /** Correlation with the worker: the ids of our current `start` and `stop`. */
  private startId?: number;
  private stopId?: number;
  private attempt = -1;
  /** The `started` event behind the next announce. */
  private lastStarted?: EventOf<'started'>;
  /** The worker's own fatal error (re: null), which its exit follows. */
  private lastWords?: SpeechError;
  private restartTimer?: unknown;
  /** The arbiter's suspend() calls waiting for the microphone to be free. */
  private readonly suspendWaiters: Array<() => void> = [];

  constructor(private readonly host: SessionHost, private readonly request: SessionRequest, token?: CancellationToken) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.clock = host.clock ?? systemClock;
    this.firstSource = typeof request.source === 'function' ? request.source() : request.source;
    this.live = this.firstSource.kind !== 'file';
    this.user = request.purpose === 'transcription' ? 'cli' : request.purpose;
    const restart = request.restart ?? (this.live ? {} : false);
    if (restart) this.budget = new RestartBudget({ ...DEFAULT_RESTART, ...host.restartDefaults, ...restart }, () => this.clock.now());
    if (token?.isCancellationRequested) {
      queueMicrotask(() => this.feed({ type: 'open', how: 'cancelled' }));
      return;
    }
    if (token) this.subscriptions.add(token.onCancellationRequested(() => this.dispose()));
    this.feed({ type: 'open', how: this.firstSource.kind === 'mic' ? 'microphone' : 'direct' });
  }

  get state(): SessionState {
    return PUBLIC_STATE[this.machine.state.phase];
  }

  /** The machine's own phase, finer than `state` (tests and the lifecycle docs). */
  get phase(): SessionPhase {
    return this.machine.state.phase;
  }

  get engine(): EngineSpec['kind'] {
    return this.request.engine.kind;
  }

  get workerStart(): number | undefined {
    return this.startId;
  }

  get engineSpec(): EngineSpec {
    return this.request.engine;
  }

  endUtterance(): void {
    this.feed({ type: 'endUtterance' });
  }

  stop(options: { discard?: boolean } = {}): Promise<SpeechEnd> {
    this.feed(options.discard ? { type: 'stop', discard: true } : { type: 'stop' });
    return this.ended;
  }

  dispose(): void {
    // The owner lets go: nothing more reaches it, and the session stops.
    for (const emitter of Object.values(this.emitters)) emitter.dispose();
    this.feed({ type: 'stop' });
  }

  /** The arbiter lends our microphone to dictation: stop capturing, keep the worker. */
  suspend(): Promise<void> {
    return new Promise((resolve) => {
      this.suspendWaiters.push(resolve);
      this.feed({ type: 'suspend' });
    });
  }

  /** The microphone is back. */
  resume(): void {
    this.feed({ type: 'resume' });
  }

  private feed(event: SessionEvent): void {
    this.machine.feed(event);
  }

  private perform(effect: SessionEffect): void {
    switch (effect.type) {
      case 'acquire':
        return void this.host.microphone.acquire(this, this.over.token).then((ok) => this.feed({ type: ok ? 'granted' : 'denied' }));
      case 'release':
        return this.host.microphone.release(this);
      case 'sendStart':
        return this.sendStart();
      case 'sendStop':
        this.stopId = this.client?.send({ type: 'stop', ...(effect.discard ? { discard: true } : {}) });
        return;
      case 'sendEndUtterance':
        return void this.client?.send({ type: 'endUtterance' });
      case 'announce': {
        const e = this.lastStarted!;
        return this.emitters.started.fire({ source: e.source, backend: e.backend, device: e.device, attempt: this.attempt });
      }
      case 'report':
        return this.emitters.error.fire(effect.error);
      case 'backoff':
        return this.backoff(effect.error);
      case 'cancelTimer':
        return this.clock.clearTimeout(this.restartTimer);
      case 'suspended':
        return this.suspendWaiters.splice(0).forEach((resolve) => resolve());
      case 'finish':
        return this.finish(effect.reason, effect.error);
    }
  }

  private nextSource(): Source {
    return typeof this.request.source === 'function' ? this.request.source() : this.request.source;
  }

  private sendStart(): void {
    const client = this.host.worker(this.request.engine);
    if (client !== this.client) {
      this.clientSubscriptions.dispose();
      this.client = client;
      this.lastWords = undefined;
      this.clientSubscriptions.add(client.onEvent((e) => this.onEvent(client, e)));
      this.clientSubscriptions.add(client.onExit(() => this.onExit(client)));
    }
    const source = ++this.attempt === 0 ? this.firstSource : this.nextSource();
    this.startId = client.send({ type: 'start', engine: this.request.engine, source, options: this.request.options });
  }

  private onEvent(client: SessionWorker, e: WorkerEvent): void {
    if (client !== this.client) return;
    if (e.re === null) {
      // Belongs to no request: the worker itself failed; its exit follows (or came first).
      if (e.type !== 'error' || !e.fatal) return;
      this.lastWords ??= problem(e);
      if (!client.alive) this.onExit(client);
      return;
    }
    if (e.re === this.stopId && e.type === 'error') {
      if (e.code === 'not-running') this.feed({ type: 'notRunning' });
      return;
    }
    if (e.re !== this.startId || !WORKER_LIVE.has(this.machine.state.phase)) return;
    switch (e.type) {
      case 'started':
        this.budget?.running();
        this.lastStarted = e;
        return this.feed({ type: 'started' });
      case 'partial':
        return this.emitters.partial.fire({ utteranceId: e.utteranceId, text: e.text });
      case 'final': {
        this.budget?.succeeded();
        const { type: _type, re: _re, ...final } = e;
        return this.emitters.final.fire(final);
      }
      case 'speakers':
        return; // a meeting's corrections answer `recluster` (SpeechLane.recluster), not a session's end
      case 'level':
        return this.emitters.level.fire(e.dbfs);
      case 'progress':
        return this.emitters.progress.fire({ seconds: e.seconds, totalSeconds: e.totalSeconds });
      case 'error': {
        if (!e.fatal && e.code !== 'busy') return this.emitters.error.fire(problem(e));
        // A second start on a busy worker cannot happen on a lane; if it does, it is this session's end.
        const error = problem({ ...e, fatal: true });
        return this.feed({ type: 'failed', error, restartable: !!this.budget?.options.captureLoss && CAPTURE_LOST.has(e.code) });
      }
      case 'stopped':
        return this.feed({ type: 'stopped', reason: e.reason === 'end-of-input' ? 'end-of-input' : e.reason === 'error' ? 'error' : 'requested' });
    }
  }

  private onExit(client: SessionWorker): void {
    if (client !== this.client || !WORKER_LIVE.has(this.machine.state.phase)) return;
    // An exit without a crash event was asked for (the lane shut down) or was clean: nothing more will come.
    const error = this.lastWords ?? new SpeechError('worker-crashed', 'The speech engine exited.', 'Start again.', true, false);
    this.lastWords = undefined;
    this.feed({ type: 'workerDied', error, restartable: !!this.budget });
  }

  private backoff(error: SpeechError): void {
    const delay = this.budget!.failed();
    if (delay === undefined) {
      const times = this.budget!.used;
      const message = `${error.message} Voxnote restarted it ${times} time${times === 1 ? '' : 's'} in a row and has stopped trying.`;
      return this.feed({ type: 'giveUp', error: new SpeechError(error.code, message, error.hint, true, false) });
    }
    this.emitters.error.fire(new SpeechError(error.code, error.message, error.hint, true, true));
    this.restartTimer = this.clock.setTimeout(() => this.feed({ type: 'timer' }), delay);
  }

  private finish(reason: SessionEndReason, error?: SpeechError): void {
    this.clock.clearTimeout(this.restartTimer);
    this.suspendWaiters.splice(0).forEach((resolve) => resolve());
    if (error) this.emitters.error.fire(error);
    this.emitters.state.fire('ended');
    this.clientSubscriptions.dispose();
    this.subscriptions.dispose();
    this.over.cancel();
    if (this.firstSource.kind === 'mic') this.host.microphone.release(this);
    this.host.ended(this);
    const end: SpeechEnd = error ? { reason, error } : { reason };
    this.emitters.end.fire(end);
    this.resolveEnded(end);
    for (const emitter of Object.values(this.emitters)) emitter.dispose();
  }
}
