/**
 * The speech service: the one owner of worker processes and speech sessions
 * in a process (the extension host, or the CLI). Modelled on VS Code's
 * ISpeechService.createSpeechToTextSession(token).
 *
 * - A lane keeps one worker (and its loaded model) between its sessions, one
 *   session at a time: dictation has one, each meeting source has one.
 *   createSession() without a lane runs on a worker of its own that ends with it.
 * - A worker that dies while idle is not started again until something needs it.
 * - Sessions restart under the one restart policy (restartPolicy.ts) and take
 *   the microphone from the one arbiter (microphoneArbiter.ts).
 * No VS Code API here; src/speech/vscode/ binds it to the workbench.
 */
import * as os from 'os';
import type { DeviceInfo, EngineSpec, WorkerEvent } from '../shared/protocol';
import { audioGoesTo } from '../shared/engines';
import { CancellationToken, Disposable, Emitter, Event } from './lifecycle';
import { ConfirmHandover, MicrophoneArbiter } from './microphoneArbiter';
import type { RestartOptions } from './restartPolicy';
import { SessionClock, SessionHost, SessionRequest, SessionWorker, SpeechSession, SpeechSpeakers, WorkerSpeechSession } from './speechSession';
import { splitTwoPass, ThreadLedger, threadBudget } from './threadBudget';
import { WorkerClient, WorkerClientOptions } from './workerClient';

export interface SpeechServiceOptions extends WorkerClientOptions {
  /** Overrides of the restart policy for every session (tests shorten the backoff). */
  restart?: Partial<RestartOptions>;
  /** Asked when dictation wants the microphone a meeting holds; no handover without it. */
  confirmMicrophoneHandover?: ConfirmHandover;
  /** Starts a worker; a WorkerClient on `workerPath` by default (lifecycle tests stand a fake in). */
  spawnWorker?: () => LaneWorker;
  /** Timers of the sessions' restart backoff; the system clock by default. */
  clock?: SessionClock;
  /** The machine's cores, for the decode thread budget (default: what the OS says). */
  cores?: number;
}

/** What a lane needs of a worker process. */
export type LaneWorker = SessionWorker & Pick<WorkerClient, 'pid' | 'request' | 'shutdown'> & Partial<Pick<WorkerClient, 'network'>>;

export interface DeviceList {
  devices: DeviceInfo[];
  problems: string[];
}

/** Loading a large model takes a while; a worker that answers nothing for this long is stuck. */
const LOAD_TIMEOUT_MS = 300_000;
const DEVICES_TIMEOUT_MS = 15_000;
/** Re-clustering an hour of a meeting with real models takes minutes of CPU (the worker answers pings meanwhile). */
const RECLUSTER_TIMEOUT_MS = 1_800_000;

export class SpeechLane implements Disposable {
  private client?: LaneWorker;
  /** The lane's session; one that is stopping may still be finishing beside it. */
  private session?: WorkerSpeechSession;
  private readonly sessions = new Set<WorkerSpeechSession>();
  private readonly workerEvents = new Emitter<WorkerEvent>();
  private closed = false;
  /**
   * Every event of this lane's workers, across restarts: for measuring (the
   * dictation bench) only. Consumers use the session's events.
   */
  readonly onWorkerEvent: Event<WorkerEvent> = this.workerEvents.event;

  constructor(
    private readonly service: SpeechService,
    readonly name: string,
    /** Measures a model as dictation runs it (Test Model Speed): loads with the threads a lane alone gets, for a few seconds, outside the budget. */
    readonly measures = false,
  ) {}

  /** The worker's process id, while one runs. */
  get pid(): number | undefined {
    return this.client?.alive ? this.client.pid : undefined;
  }

  /** The session on this lane that has not ended. */
  get active(): SpeechSession | undefined {
    return this.session;
  }

  /**
   * Loads the engine now, so that a session starts at once (a warm worker).
   * Rejects (VoxnoteError) when it cannot; a worker that crashes here is not started again.
   */
  async warm(engine: EngineSpec): Promise<void> {
    await this.worker(engine).request({ type: 'load', engine: this.service.withThreads(this, engine) }, 'ready', LOAD_TIMEOUT_MS);
  }

  /**
   * A session on this lane's worker. Throws when one is under way: stop or dispose it first.
   * Once it is stopping, the next may start at once: the worker finishes the old one's last
   * final while it captures for the new one (the same loaded model, no audio lost between).
   */
  createSession(request: SessionRequest, token?: CancellationToken): SpeechSession {
    if (this.closed) throw new Error(`the speech lane "${this.name}" is closed`);
    if (this.session && this.session.state !== 'stopping') throw new Error(`the speech lane "${this.name}" already has a session`);
    const lane = this;
    const host: SessionHost = {
      worker: (engine) => lane.worker(engine),
      ended: (s) => {
        lane.sessions.delete(s);
        if (lane.session === s) lane.session = undefined;
        lane.service.sessionEnded(s);
      },
      microphone: this.service.microphone,
      restartDefaults: this.service.restartDefaults,
      clock: this.service.clock,
    };
    const session = new WorkerSpeechSession(host, { ...request, engine: this.service.withThreads(this, request.engine) }, token);
    if (session.state !== 'ended') {
      this.session = session;
      this.sessions.add(session);
    }
    this.service.sessionStarted(session);
    return session;
  }

  /** The devices, asked of this lane's worker (started if none runs). */
  listDevices(): Promise<DeviceList> {
    return this.worker()
      .request({ type: 'listDevices' }, 'devices', DEVICES_TIMEOUT_MS)
      .then(({ devices, problems }) => ({ devices, problems }));
  }

  /**
   * Stops the session (its last final comes out), then re-clusters the worker's kept speaker track
   * (sessions started with diarization `track`): the finals whose speaker changes. None without a worker.
   */
  async recluster(): Promise<SpeechSpeakers> {
    await Promise.all([...this.sessions].map((s) => s.stop()));
    if (!this.client?.alive) return [];
    return (await this.client.request({ type: 'recluster' }, 'speakers', RECLUSTER_TIMEOUT_MS)).labels;
  }

  /** Stops the session (its last final comes out) and the worker. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions].map((s) => s.stop()));
    const client = this.client;
    this.client = undefined;
    if (client?.alive) await client.shutdown();
    this.workerEvents.dispose();
    this.service.laneClosed(this);
  }

  dispose(): void {
    void this.shutdown();
  }

  /**
   * The live worker, or a new one: a worker that died is replaced only here, when something needs it.
   * A worker started for local engines is replaced for a cloud `engine`; it still ends its last session.
   */
  worker(engine?: EngineSpec): LaneWorker {
    const network = !!engine && audioGoesTo(engine) !== undefined;
    if (this.client?.alive && (!network || this.client.network !== false)) return this.client;
    if (this.client?.alive) void this.client.shutdown();
    const client = this.service.spawn(network);
    this.client = client;
    // After the sessions' own handlers have run for the event, as the bench expects.
    client.onEvent((e) => queueMicrotask(() => this.workerEvents.fire(e)));
    return client;
  }
}

export class SpeechService implements Disposable {
  readonly microphone: MicrophoneArbiter;
  private readonly lanes = new Set<SpeechLane>();
  private readonly sessions = new Set<WorkerSpeechSession>();
  private readonly sessionsChanged = new Emitter<void>();
  private readonly inProgressChanged = new Emitter<boolean>();
  private inProgressNow = false;
  private laneCount = 0;
  private readonly threads: ThreadLedger<SpeechLane>;
  /** A live session started or ended. */
  readonly onDidChangeSessions: Event<void> = this.sessionsChanged.event;
  /** Fires when `inProgress` changes. */
  readonly onDidChangeInProgress: Event<boolean> = this.inProgressChanged.event;

  constructor(private readonly options: SpeechServiceOptions) {
    this.microphone = new MicrophoneArbiter(options.confirmMicrophoneHandover ?? (async () => false));
    this.threads = new ThreadLedger(threadBudget(options.cores ?? os.availableParallelism()));
  }

  /** True while a session captures live audio (microphone or system audio), as VS Code's SpeechToTextInProgress. */
  get inProgress(): boolean {
    return this.inProgressNow;
  }

  /** Sessions that have not ended. */
  get activeSessions(): readonly SpeechSession[] {
    return [...this.sessions];
  }

  get clock(): SessionClock | undefined {
    return this.options.clock;
  }

  get restartDefaults(): Partial<RestartOptions> {
    return this.options.restart ?? {};
  }

  /** A lane: one worker kept between its sessions. Disposing it ends its worker. */
  createLane(name: string, options: { decodes?: boolean; measures?: boolean } = {}): SpeechLane {
    const lane = new SpeechLane(this, name, options.measures);
    this.lanes.add(lane);
    if ((options.decodes ?? true) && !options.measures) this.threads.register(lane);
    return lane;
  }

  /** A session on a worker of its own, which ends with it (files, the CLI). */
  createSession(request: SessionRequest, token?: CancellationToken): SpeechSession {
    const lane = this.createLane(`session ${++this.laneCount}`);
    const session = lane.createSession(request, token);
    void session.ended.then(() => lane.shutdown());
    return session;
  }

  /** Microphones and system-audio sources, from a worker already running or a short-lived one. */
  async listDevices(): Promise<DeviceList> {
    const running = [...this.lanes].find((l) => l.pid !== undefined);
    if (running) return running.listDevices();
    const lane = this.createLane('devices', { decodes: false });
    try {
      return await lane.listDevices();
    } finally {
      await lane.shutdown();
    }
  }

  /** Stops every session (each last final comes out) and every worker. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.lanes].map((l) => l.shutdown()));
  }

  dispose(): void {
    void this.shutdown();
    this.sessionsChanged.dispose();
    this.inProgressChanged.dispose();
  }

  /** @internal for lanes */
  spawn(network: boolean): LaneWorker {
    return this.options.spawnWorker?.() ?? new WorkerClient({ ...this.options, network });
  }

  /** @internal for lanes */
  sessionStarted(session: WorkerSpeechSession): void {
    if (session.state === 'ended') return;
    this.sessions.add(session);
    this.changed();
  }

  /** @internal for lanes */
  sessionEnded(session: WorkerSpeechSession): void {
    if (this.sessions.delete(session)) this.changed();
  }

  /** @internal for lanes */
  laneClosed(lane: SpeechLane): void {
    this.lanes.delete(lane);
    this.threads.release(lane);
  }

  /**
   * @internal for lanes: the spec with the lane's decode threads from the one
   * budget (sherpa-onnx; libvosk decodes on one thread, a cloud engine on none).
   */
  withThreads(lane: SpeechLane, engine: EngineSpec): EngineSpec {
    if (engine.kind !== 'sherpa' && !(engine.kind === 'vosk' && engine.twoPass)) return engine;
    const threads = lane.measures ? this.threads.alone : this.threads.grant(lane);
    if (engine.kind === 'sherpa' && !engine.twoPass) return { ...engine, threads };
    const split = splitTwoPass(threads);
    const twoPass = { ...engine.twoPass!, threads: split.final };
    return engine.kind === 'sherpa' ? { ...engine, threads: split.first, twoPass } : { ...engine, twoPass };
  }

  private changed(): void {
    this.sessionsChanged.fire();
    const inProgress = [...this.sessions].some((s) => s.live);
    if (inProgress === this.inProgressNow) return;
    this.inProgressNow = inProgress;
    this.inProgressChanged.fire(inProgress);
  }
}
