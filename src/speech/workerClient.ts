/**
 * The one owner of a worker child process: spawns it, numbers its commands,
 * frames its stdio into typed events, matches replies to requests by id, and
 * turns an unexpected exit (a libvosk abort, a kill) into an `error` event a
 * person can act on. Used by the speech service only; no VS Code API here.
 * Commands are never logged: a `start` can carry a credential.
 */
import type { ChildProcessWithoutNullStreams } from 'child_process';
import { describeExit, OwnedChild, spawnOwned } from '../shared/childProcess';
import { VoxnoteError } from '../shared/errors';
import { Command, EngineSpec, encode, EventOf, parseEvent, WorkerEvent } from '../shared/protocol';
import { describeEngine } from '../shared/engines';
import { Emitter, type Disposable } from './lifecycle';
import { readLines } from './lineReader';

/** A command as a caller writes it: the client gives it its id. */
export type CommandDraft = Command extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never;

export interface WorkerClientOptions {
  /** Path of the bundled worker (dist/worker.js). */
  workerPath: string;
  env?: NodeJS.ProcessEnv;
  /** Receives the worker's stderr (libvosk and capture logs) line by line. */
  log?: (line: string) => void;
  /**
   * A running session answers pings (and sends levels, partials or progress);
   * this long without an event means libvosk is stuck, and the worker is killed.
   */
  unresponsiveMs?: number;
  /**
   * False for a worker that runs local engines only: it starts without NODE_EXTRA_CA_CERTS,
   * which Node parses at every start (a 220 KB system bundle costs 0.04 CPU-s), and a cloud
   * engine then needs a worker started with it (SpeechLane.worker).
   */
  network?: boolean;
}

/**
 * V8's GC on the worker's main thread: its heap is a few MB and its main thread mostly
 * idle, and concurrent marking on helper threads cost more CPU than the marking itself
 * (`npm run bench startup`: the worker used about 15 % less CPU over a 48 s session).
 * --expose-gc: the worker collects sherpa-onnx streams' native memory, which V8 does not
 * count (engines/sherpa/addon.ts streamDone).
 */
export const WORKER_NODE_FLAGS = ['--single-threaded-gc', '--expose-gc'];

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we asked it to go (shutdown or dispose). */
  expected: boolean;
}

const STDERR_TAIL = 20;
/**
 * Longest line kept from the worker. A protocol event is far shorter (a final with
 * words and alternatives is kilobytes); a log line more so. Past these, a line is
 * cut and reported: memory stays bounded whatever a native library prints.
 */
const MAX_STDOUT_LINE = 1 << 20;
const MAX_STDERR_LINE = 64 * 1024;
const SHUTDOWN_GRACE_MS = 2000;

export class WorkerClient implements Disposable {
  private readonly owned: OwnedChild;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly events = new Emitter<WorkerEvent>();
  private readonly exits = new Emitter<WorkerExit>();
  private readonly stderrTail: string[] = [];
  /** What the worker was doing, for crash messages. */
  private phase: 'idle' | 'loading' | 'recognizing' = 'idle';
  private engine?: EngineSpec;
  private nextId = 1;
  private leaving = false;
  private startPending = false;
  private watchdog?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private unresponsive = false;
  private exitInfo?: WorkerExit;
  readonly exited: Promise<WorkerExit>;
  /** Whether it can run a cloud engine (WorkerClientOptions.network). */
  readonly network: boolean;

  constructor(private readonly options: WorkerClientOptions) {
    this.network = options.network ?? true;
    this.owned = spawnOwned(process.execPath, [...WORKER_NODE_FLAGS, options.workerPath], {
      env: { ...process.env, ...options.env, ...(this.network ? {} : { NODE_EXTRA_CA_CERTS: undefined }), ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // All three pipes were asked for.
    this.child = this.owned.child as ChildProcessWithoutNullStreams;
    // Writes to a dead worker fail with EPIPE; the exit handler reports the death.
    this.child.stdin.on('error', () => undefined);
    const overlong = (stream: string, max: number) => (head: string) =>
      options.log?.(`A worker ${stream} line longer than ${max.toLocaleString('en-US')} characters was cut (a native library printing without newlines?); it began: ${head}`);
    readLines(this.child.stdout, { maxChars: MAX_STDOUT_LINE, onLine: (line) => this.onLine(line), onOverlong: overlong('stdout', MAX_STDOUT_LINE) });
    readLines(this.child.stderr, {
      maxChars: MAX_STDERR_LINE,
      onLine: (line) => {
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
        options.log?.(line);
      },
      onOverlong: overlong('stderr', MAX_STDERR_LINE),
    });
    this.exited = this.owned.exited.then(({ code, signal }) => {
      this.disarm();
      // Exit code 0 is the worker leaving cleanly, e.g. after its stdin closed.
      this.exitInfo = { code, signal, expected: this.leaving || code === 0 };
      if (!this.exitInfo.expected) this.dispatch(this.crashEvent(code, signal));
      this.exits.fire(this.exitInfo);
      return this.exitInfo;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exitInfo;
  }

  /** Writes a command and returns its id, which the events answering it carry in `re`. */
  send(body: CommandDraft): number {
    const command = { ...body, id: this.nextId++ } as Command;
    if (command.type === 'start' || command.type === 'load') {
      this.phase = 'loading';
      this.engine = command.engine;
    }
    // Every session is watched: the pings keep one without level events (the CLI's) alive too.
    if (command.type === 'start') this.startPending = true;
    if (command.type === 'shutdown') this.leaving = true;
    if (this.alive) this.child.stdin.write(encode(command));
    return command.id;
  }

  /**
   * Sends a command and resolves with the event of type `reply` that names its id.
   * Rejects (VoxnoteError) on an error naming its id, when the worker exits, or after the timeout;
   * replies to other requests and errors of other commands or sessions do not settle it.
   */
  request<T extends WorkerEvent['type']>(body: CommandDraft, reply: T, timeoutMs = 30000): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      let id = 0;
      const timer = setTimeout(
        () => done(new VoxnoteError('worker-unresponsive', `The speech engine did not answer "${body.type}" within ${timeoutMs / 1000} s.`, 'Try again; if it keeps happening, reload the window.')),
        timeoutMs,
      );
      const sub = this.onEvent((e) => {
        if (e.re !== id) return;
        if (e.type === reply) done(undefined, e as EventOf<T>);
        else if (e.type === 'error') done(new VoxnoteError(e.code, e.message, e.hint, e.fatal));
      });
      // A crash's own `error` event (re: null) comes first, so it is the reason given.
      let crash: VoxnoteError | undefined;
      const crashSub = this.onEvent((e) => {
        if (e.type === 'error' && e.re === null && e.fatal) crash = new VoxnoteError(e.code, e.message, e.hint, true);
      });
      const exitSub = this.onExit(() => done(crash ?? new VoxnoteError('worker-crashed', `The speech engine exited before answering "${body.type}".`, 'Try again.')));
      const done = (err?: Error, event?: EventOf<T>) => {
        clearTimeout(timer);
        sub.dispose();
        crashSub.dispose();
        exitSub.dispose();
        if (err) reject(err);
        else resolve(event!);
      };
      if (!this.alive) return done(new VoxnoteError('worker-crashed', 'The speech engine is not running.', 'Try again.'));
      id = this.send(body);
    });
  }

  onEvent(listener: (event: WorkerEvent) => void): Disposable {
    return this.events.event(listener);
  }

  onExit(listener: (exit: WorkerExit) => void): Disposable {
    return this.exits.event(listener);
  }

  /** Asks the worker to flush and exit; kills it if it does not within a grace period. */
  async shutdown(): Promise<WorkerExit> {
    await this.owned.stop(SHUTDOWN_GRACE_MS, () => {
      this.send({ type: 'shutdown' });
      this.child.stdin.end();
    });
    return this.exited;
  }

  dispose(): void {
    void this.shutdown();
  }

  private onLine(line: string): void {
    let event: WorkerEvent;
    try {
      event = parseEvent(line);
    } catch {
      this.options.log?.(`[stdout] ${line}`);
      return;
    }
    // After `ready`, a start still creates its recognizer: libvosk can abort there too.
    if (event.type === 'ready' && !this.startPending) this.phase = 'idle';
    if (event.type === 'started') {
      this.phase = 'recognizing';
      this.startPending = false;
    }
    if (event.type === 'started') this.arm();
    else this.watchdog?.refresh();
    if (event.type === 'stopped' || (event.type === 'error' && event.fatal)) {
      this.phase = 'idle';
      this.startPending = false;
      this.disarm();
    }
    this.dispatch(event);
  }

  /**
   * Liveness, not silence: a worker may rightly be quiet for long (a decode
   * of 30 s of speech at several tenths of a second per second, after capture
   * stopped), so it is pinged; its main thread answers while decodes run off it.
   * No event and no `pong` for `unresponsiveMs` is a hang.
   */
  private arm(): void {
    this.disarm();
    const ms = this.options.unresponsiveMs ?? 10000;
    this.watchdog = setTimeout(() => {
      this.unresponsive = true;
      this.owned.kill();
    }, ms);
    this.heartbeat = setInterval(() => this.send({ type: 'ping' }), ms / 5);
  }

  private disarm(): void {
    clearTimeout(this.watchdog);
    clearInterval(this.heartbeat);
    this.watchdog = undefined;
    this.heartbeat = undefined;
  }

  private dispatch(event: WorkerEvent): void {
    this.events.fire(event);
  }

  private engineName(): string {
    return this.engine ? describeEngine(this.engine) : 'the speech engine';
  }

  private crashEvent(code: number | null, signal: NodeJS.Signals | null): WorkerEvent {
    if (this.unresponsive) {
      return {
        type: 'error',
        re: null,
        code: 'worker-unresponsive',
        message: `The speech engine did not answer for ${(this.options.unresponsiveMs ?? 10000) / 1000} s while recognizing speech with ${this.engineName()}, so Voxnote stopped it.`,
        hint: 'Start again; if it happens again with this model, the model is damaged: download it again or choose another.',
        fatal: true,
      };
    }
    const how = describeExit({ code, signal });
    // libvosk logs "ERROR (…)"; sherpa-onnx logs "file.cc:Function:line message" before it exits.
    const lastError = [...this.stderrTail].reverse().find((l) => /ERROR|error|abort|\.cc:\w+:\d+ /i.test(l));
    const detail = lastError ? ` Last engine message: ${lastError.trim()}` : '';
    if (this.phase === 'loading') {
      return {
        type: 'error',
        re: null,
        code: 'worker-crashed',
        message: `The speech engine crashed (${how}) while loading ${this.engineName()}.${detail}`,
        hint: 'The model folder is damaged or not a model Voxnote can run: download it again, or choose another with "Voxnote: Select Model".',
        fatal: true,
      };
    }
    return {
      type: 'error',
      re: null,
      code: 'worker-crashed',
      message: `The speech engine stopped unexpectedly (${how}) while ${this.phase === 'recognizing' ? 'recognizing speech' : 'idle'}.${detail}`,
      hint: this.phase === 'recognizing'
        ? 'Start again; if it happens again with this model, the model is damaged: download it again or choose another.'
        : 'Start again; Voxnote starts a new engine when needed.',
      fatal: true,
    };
  }
}
