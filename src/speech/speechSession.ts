/**
 * One speech-to-text session, in the shape of VS Code's speech sessions: a
 * Disposable with events, cancelled by a token. It runs on a worker of its
 * lane, takes the microphone from the arbiter when its source is the
 * microphone, and restarts after a crash under the one restart policy. Its
 * own events are matched to it by the id of the `start` that opened it, so
 * events of other commands on the same worker never reach it.
 * Disposing stops capture and releases the worker and the microphone;
 * `stop()` does the same but waits for the last final.
 * No VS Code API here.
 */
import { VoxnoteError } from '../shared/errors';
import type { EngineSpec, ErrorCode, EventOf, RecognizerOptions, Source, SourceKind, WorkerEvent } from '../shared/protocol';
import { CancellationToken, CancellationTokenSource, Disposable, DisposableStore, Emitter, Event } from './lifecycle';
import type { MicrophoneArbiter, MicrophoneClaim, MicrophoneUser } from './microphoneArbiter';
import { DEFAULT_RESTART, RestartBudget, RestartOptions } from './restartPolicy';
import type { WorkerClient } from './workerClient';

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

/** A problem of a session: the protocol's error, plus whether the session recovers by itself. */
export class SpeechError extends VoxnoteError {
  constructor(code: ErrorCode | string, message: string, hint: string, fatal: boolean, readonly restarting: boolean) {
    super(code, message, hint, fatal);
  }
}

export type SessionEndReason = 'requested' | 'end-of-input' | 'error' | 'cancelled';

export interface SpeechEnd {
  /** requested: stop() or dispose(); cancelled: the microphone was not handed over. */
  reason: SessionEndReason;
  /** The error that ended it (reason 'error'). */
  error?: SpeechError;
}

export interface SpeechSession extends Disposable {
  readonly state: SessionState;
  readonly engine: EngineSpec['kind'];
  /** Mic or system audio: a live capture (files are not). */
  readonly live: boolean;
  readonly onStarted: Event<SpeechStarted>;
  readonly onPartial: Event<SpeechPartial>;
  readonly onFinal: Event<SpeechFinal>;
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

/** What a session needs from its lane. */
export interface SessionHost {
  /** The lane's live worker, spawned when there is none. */
  worker(): WorkerClient;
  /** The session has ended. */
  ended(session: SessionImpl): void;
  readonly microphone: MicrophoneArbiter;
  readonly restartDefaults: Partial<RestartOptions>;
}

/** Capture failed inside a live worker: opening it again may work. */
const CAPTURE_LOST: ReadonlySet<string> = new Set<ErrorCode>(['capture-failed', 'capture-stalled', 'internal']);

const problem = (e: EventOf<'error'>, restarting = false) => new SpeechError(e.code, e.message, e.hint, e.fatal, restarting);

export class SessionImpl implements SpeechSession, MicrophoneClaim {
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

  private current: SessionState;
  private resolveEnded!: (end: SpeechEnd) => void;
  private readonly budget?: RestartBudget;
  private readonly claimsMicrophone: boolean;
  private readonly firstSource: Source;
  private client?: WorkerClient;
  private readonly clientSubscriptions = new DisposableStore();
  private readonly subscriptions = new DisposableStore();
  /** Cancelled when the session ends: a microphone handover still being asked about is dropped. */
  private readonly over = new CancellationTokenSource();
  /** The `start` of the worker session under way, and whether it is still running in the worker. */
  private startId?: number;
  private running = false;
  private started = false;
  private stopId?: number;
  private attempt = 0;
  private stopping = false;
  private disposed = false;
  /** Resolves the arbiter's suspend() once the worker session is over. */
  private suspending?: () => void;
  /** A fatal error the worker sent about itself; its exit follows. */
  private deathCause?: SpeechError;
  /** A started session failed: its `stopped` follows, then this decides. */
  private afterStopped?: { error: SpeechError; restart: boolean };
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly host: SessionHost, private readonly request: SessionRequest, token?: CancellationToken) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.firstSource = typeof request.source === 'function' ? request.source() : request.source;
    this.live = this.firstSource.kind !== 'file';
    this.user = request.purpose === 'transcription' ? 'cli' : request.purpose;
    const restart = request.restart ?? (this.live ? {} : false);
    if (restart) this.budget = new RestartBudget({ ...DEFAULT_RESTART, ...host.restartDefaults, ...restart });
    this.claimsMicrophone = this.firstSource.kind === 'mic';
    if (token) this.subscriptions.add(token.onCancellationRequested(() => this.dispose()));
    this.current = this.claimsMicrophone ? 'waiting' : 'starting';
    if (token?.isCancellationRequested) {
      queueMicrotask(() => this.finish('cancelled'));
    } else if (this.claimsMicrophone) {
      void host.microphone.acquire(this, this.over.token).then((ok) => {
        if (this.current === 'ended') {
          if (ok) host.microphone.release(this);
        } else if (ok) this.begin(this.firstSource);
        else this.finish('cancelled');
      });
    } else {
      this.begin(this.firstSource);
    }
  }

  get state(): SessionState {
    return this.current;
  }

  get engine(): EngineSpec['kind'] {
    return this.request.engine.kind;
  }

  endUtterance(): void {
    if (this.running && this.started && !this.stopping) this.client?.send({ type: 'endUtterance' });
  }

  stop(options: { discard?: boolean } = {}): Promise<SpeechEnd> {
    // A Cancel after a plain stop still cuts the wait short.
    if (options.discard && this.stopping && this.running && this.client) this.client.send({ type: 'stop', discard: true });
    if (this.current === 'ended' || this.stopping) return this.ended;
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (!this.running || !this.client) {
      this.finish('requested');
    } else {
      this.setState('stopping');
      this.stopId = this.client.send({ type: 'stop', ...(options.discard ? { discard: true } : {}) });
    }
    return this.ended;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.stop();
  }

  /** The arbiter lends our microphone to dictation: stop capturing, keep the worker. */
  suspend(): Promise<void> {
    clearTimeout(this.restartTimer);
    if (this.current === 'ended' || this.stopping) return Promise.resolve();
    if (!this.running || !this.client) {
      this.setState('suspended');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.suspending = () => {
        this.suspending = undefined;
        resolve();
      };
      this.stopId = this.client!.send({ type: 'stop' });
    });
  }

  /** The microphone is back. */
  resume(): void {
    if (this.current !== 'suspended' || this.stopping) return;
    this.attempt++;
    this.begin(this.nextSource());
  }

  private nextSource(): Source {
    return typeof this.request.source === 'function' ? this.request.source() : this.request.source;
  }

  private begin(source: Source): void {
    if (this.current === 'ended' || this.stopping) return;
    const client = this.host.worker();
    if (client !== this.client) {
      this.clientSubscriptions.dispose();
      this.client = client;
      this.clientSubscriptions.add(client.onEvent((e) => this.onEvent(client, e)));
      this.clientSubscriptions.add(client.onExit(() => this.onExit(client)));
    }
    this.started = false;
    this.running = true;
    this.setState('starting');
    this.startId = client.send({ type: 'start', engine: this.request.engine, source, options: this.request.options });
  }

  private onEvent(client: WorkerClient, e: WorkerEvent): void {
    if (client !== this.client) return;
    if (e.re === null) {
      // Belongs to no request: the worker itself failed. Once it has exited, a new one can take over.
      if (e.type !== 'error' || !e.fatal || !this.running) return;
      this.deathCause ??= problem(e);
      if (!client.alive) this.workerDied(this.deathCause);
      return;
    }
    if (e.re === this.stopId && e.type === 'error') {
      // Nothing was running any more (the start had failed): stopping is done.
      if (e.code === 'not-running' && this.running) this.workerSessionOver();
      return;
    }
    if (e.re !== this.startId || !this.running) return;
    switch (e.type) {
      case 'started':
        this.started = true;
        this.budget?.running();
        // A stop sent meanwhile follows at once: nobody needs to hear of this start.
        if (this.stopping || this.suspending) return;
        this.setState('running');
        this.fire('started', { source: e.source, backend: e.backend, device: e.device, attempt: this.attempt });
        return;
      case 'partial':
        this.fire('partial', { utteranceId: e.utteranceId, text: e.text });
        return;
      case 'final': {
        this.budget?.succeeded();
        const { type: _type, re: _re, ...final } = e;
        this.fire('final', final);
        return;
      }
      case 'level':
        this.fire('level', e.dbfs);
        return;
      case 'progress':
        this.fire('progress', { seconds: e.seconds, totalSeconds: e.totalSeconds });
        return;
      case 'error':
        // A second start on a busy worker cannot happen on a lane; if it does, it is this session's end.
        return this.onSessionError(e.code === 'busy' ? { ...e, fatal: true } : e);
      case 'stopped':
        return this.onStopped(e);
    }
  }

  private onSessionError(e: EventOf<'error'>): void {
    if (!e.fatal) return this.fire('error', problem(e));
    const restart = !!this.budget && !this.stopping && !this.suspending && CAPTURE_LOST.has(e.code) && this.budget.options.captureLoss;
    // Only a session that started ends with `stopped`; a failed start sends none.
    if (this.started) {
      this.afterStopped = { error: problem(e), restart };
      return;
    }
    this.running = false;
    if (restart) return this.scheduleRestart(problem(e));
    if (this.stopping || this.suspending) {
      this.fire('error', problem(e));
      return this.workerSessionOver();
    }
    this.finish('error', problem(e));
  }

  private onStopped(e: EventOf<'stopped'>): void {
    this.running = false;
    this.started = false;
    const after = this.afterStopped;
    this.afterStopped = undefined;
    if (after?.restart && !this.stopping && !this.suspending) return this.scheduleRestart(after.error);
    if (this.suspending || this.stopping) {
      if (after) this.fire('error', after.error);
      return this.workerSessionOver();
    }
    if (after) return this.finish('error', after.error);
    this.finish(e.reason === 'end-of-input' ? 'end-of-input' : e.reason === 'error' ? 'error' : 'requested');
  }

  /** The worker session ended while we were stopping or lending the microphone. */
  private workerSessionOver(): void {
    this.running = false;
    this.started = false;
    if (this.suspending) {
      this.suspending();
      this.setState('suspended');
    } else if (this.stopping) this.finish('requested');
  }

  private workerDied(error: SpeechError): void {
    this.running = false;
    this.started = false;
    this.afterStopped = undefined;
    this.deathCause = undefined;
    if (this.suspending) {
      this.fire('error', error);
      return this.workerSessionOver();
    }
    if (this.stopping || !this.budget) return this.finish('error', error);
    this.scheduleRestart(error);
  }

  private onExit(client: WorkerClient): void {
    if (client !== this.client || !this.running) return;
    // An exit without a crash event was asked for (the lane shut down) or was clean: nothing more will come.
    this.workerDied(this.deathCause ?? new SpeechError('worker-crashed', 'The speech engine exited.', 'Start again.', true, false));
  }

  private scheduleRestart(error: SpeechError): void {
    const delay = this.budget!.failed();
    if (delay === undefined) {
      const times = this.budget!.used;
      return this.finish(
        'error',
        new SpeechError(error.code, `${error.message} Voxnote restarted it ${times} time${times === 1 ? '' : 's'} in a row and has stopped trying.`, error.hint, true, false),
      );
    }
    this.fire('error', new SpeechError(error.code, error.message, error.hint, true, true));
    this.setState('restarting');
    this.restartTimer = setTimeout(() => {
      this.attempt++;
      this.begin(this.nextSource());
    }, delay);
  }

  private finish(reason: SessionEndReason, error?: SpeechError): void {
    if (this.current === 'ended') return;
    clearTimeout(this.restartTimer);
    this.running = false;
    this.suspending?.();
    if (error) this.fire('error', error);
    this.setState('ended');
    this.clientSubscriptions.dispose();
    this.subscriptions.dispose();
    this.over.cancel();
    if (this.claimsMicrophone) this.host.microphone.release(this);
    this.host.ended(this);
    const end: SpeechEnd = error ? { reason, error } : { reason };
    this.fire('end', end);
    this.resolveEnded(end);
    for (const emitter of Object.values(this.emitters)) emitter.dispose();
  }

  private setState(state: SessionState): void {
    if (state === this.current) return;
    this.current = state;
    this.fire('state', state);
  }

  private fire<K extends keyof SessionImpl['emitters']>(name: K, value: Parameters<SessionImpl['emitters'][K]['fire']>[0]): void {
    // After dispose() the owner has let go: nothing more reaches it.
    if (!this.disposed) (this.emitters[name] as Emitter<typeof value>).fire(value);
  }
}
