/**
 * A worker process stood in for the host's lifecycle tests: it speaks the real
 * protocol (ids, `re`, started / partial / final / stopped / errors) with the
 * real worker's ordering rules, on a fake clock. It captures for one
 * recognition at a time; a stopped one closes its capture at once and
 * finishes its last final after `stopMs` beside the next. It records every
 * final it produced, so tests can check each reached its owner exactly once.
 * No engine is faked here: no speech is recognized, words are scripted.
 */
import type { Command, EventOf, WorkerEvent } from '../../src/shared/protocol';
import { Emitter, type Disposable } from '../../src/speech/lifecycle';
import type { CommandDraft, WorkerExit } from '../../src/speech/workerClient';
import type { FakeClock } from './fakeClock';

interface Recognition {
  re: number;
  started: boolean;
  /** The utterance under way: its final comes at a pause, endUtterance or the stop. */
  pending: string[];
  finishing: boolean;
}

export interface FakeWorkerOptions {
  /** Time from `start` to `started` (capture opening). */
  startMs?: number;
  /** Time a stopped recognition takes to bring out its last final (an engine's flush, a cloud's Termination). */
  stopMs?: () => number;
}

let nextPid = 1000;

export class FakeWorker {
  readonly pid = nextPid++;
  private nextId = 1;
  private capturingNow?: Recognition;
  private readonly finishing = new Set<Recognition>();
  private readonly events = new Emitter<WorkerEvent>();
  private readonly exits = new Emitter<void>();
  private exitedNow = false;
  /** Every final this worker sent, in order. */
  readonly produced: string[] = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly options: FakeWorkerOptions = {},
  ) {}

  get alive(): boolean {
    return !this.exitedNow;
  }

  /** A recognition captures (it has said `started` and not been stopped). */
  get capturing(): boolean {
    return !!this.capturingNow?.started;
  }

  /** Recognitions stopped but still bringing out their last final. */
  get unfinished(): number {
    return this.finishing.size;
  }

  onEvent(listener: (e: WorkerEvent) => void): Disposable {
    return this.events.event(listener);
  }

  onExit(listener: () => void): Disposable {
    return this.exits.event(listener);
  }

  send(body: CommandDraft): number {
    const cmd = { ...body, id: this.nextId++ } as Command;
    if (this.alive) this.handle(cmd);
    return cmd.id;
  }

  request<T extends WorkerEvent['type']>(body: CommandDraft, reply: T): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(new Error('the worker is not running'));
      let id = 0;
      const sub = this.onEvent((e) => {
        if (e.re !== id || e.type !== reply) return;
        sub.dispose();
        resolve(e as EventOf<T>);
      });
      id = this.send(body);
    });
  }

  /** The person speaks a word into the microphone: the capturing recognition hears it. */
  say(word: string): void {
    const r = this.capturingNow;
    if (!r?.started || !this.alive) return;
    r.pending.push(word);
    this.emit({ type: 'partial', re: r.re, utteranceId: 1, text: r.pending.join(' ') });
  }

  /** A pause: the utterance under way ends with its final. */
  pause(): void {
    if (this.capturingNow?.started && this.alive) this.final(this.capturingNow);
  }

  /** The process dies (a native abort): what was not finalized is lost with it. */
  crash(): void {
    if (!this.alive) return;
    this.emit({ type: 'error', re: null, code: 'worker-crashed', message: 'The speech engine stopped unexpectedly.', hint: 'Start again.', fatal: true });
    this.exit();
  }

  async shutdown(): Promise<WorkerExit> {
    if (!this.alive) return { code: 0, signal: null, expected: true };
    this.send({ type: 'shutdown' });
    // The real worker brings out every last final before it exits.
    await new Promise<void>((resolve) => {
      const check = () => (this.unfinished === 0 ? resolve() : this.clock.setTimeout(check, 10));
      check();
    });
    this.exit();
    return { code: 0, signal: null, expected: true };
  }

  dispose(): void {
    void this.shutdown();
  }

  private handle(cmd: Command): void {
    switch (cmd.type) {
      case 'load':
        return this.later(0, () => this.emit({ type: 'ready', re: cmd.id, engine: cmd.engine.kind, key: 'fake', loadMs: 0 }));
      case 'listDevices':
        return this.later(0, () => this.emit({ type: 'devices', re: cmd.id, devices: [], problems: [] }));
      case 'start': {
        if (this.capturingNow) return this.later(0, () => this.error(cmd.id, 'busy', false));
        const r: Recognition = { re: cmd.id, started: false, pending: [], finishing: false };
        this.capturingNow = r;
        return this.later(this.options.startMs ?? 5, () => {
          if (this.capturingNow !== r) return;
          r.started = true;
          this.emit({ type: 'started', re: r.re, source: 'mic', backend: 'pulse', device: 'fake mic' });
        });
      }
      case 'stop':
      case 'shutdown': {
        const r = this.capturingNow;
        if (!r) return cmd.type === 'stop' ? this.later(0, () => this.error(cmd.id, 'not-running', false)) : undefined;
        this.capturingNow = undefined;
        if (!r.started) {
          // Stopped before capture opened: the real worker still opens it, then stops at once.
          r.started = true;
          this.later(0, () => this.emit({ type: 'started', re: r.re, source: 'mic', backend: 'pulse', device: 'fake mic' }));
        }
        r.finishing = true;
        this.finishing.add(r);
        return this.later(this.options.stopMs?.() ?? 0, () => {
          if (!this.alive) return;
          this.final(r);
          this.finishing.delete(r);
          this.emit({ type: 'stopped', re: r.re, reason: 'requested' });
        });
      }
      case 'endUtterance':
        if (!this.capturingNow) return this.later(0, () => this.error(cmd.id, 'not-running', false));
        return this.final(this.capturingNow);
    }
  }

  private final(r: Recognition): void {
    if (!r.pending.length) return;
    const text = r.pending.splice(0).join(' ');
    this.produced.push(text);
    this.emit({ type: 'final', re: r.re, utteranceId: 1, text, start: 0, end: 1, source: 'mic' });
  }

  private error(re: number, code: 'busy' | 'not-running', fatal: boolean): void {
    this.emit({ type: 'error', re, code, message: code, hint: '', fatal });
  }

  private later(ms: number, fn: () => void): void {
    this.clock.setTimeout(() => this.alive && fn(), ms);
  }

  private emit(e: WorkerEvent): void {
    this.events.fire(e);
  }

  private exit(): void {
    this.exitedNow = true;
    this.capturingNow = undefined;
    this.finishing.clear();
    this.exits.fire();
  }
}
