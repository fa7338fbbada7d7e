/**
 * Keeps one worker available: spawns it on first use, and after an unexpected
 * exit starts a new one with exponential backoff. Listeners subscribe once and
 * keep receiving events across restarts. No VS Code API here.
 */
import { EventEmitter } from 'events';
import type { WorkerEvent } from '../shared/protocol';
import { CommandDraft, Disposable, WorkerClient, WorkerClientOptions, WorkerExit } from './workerClient';

export interface SupervisorOptions extends WorkerClientOptions {
  /** First restart delay; doubles on each crash in a row, up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A worker that lived this long resets the backoff. */
  stableMs?: number;
}

/** The wait before a restart after `inARow` failures in a row: doubles from initialBackoffMs up to maxBackoffMs. */
export function backoffMs(inARow: number, options: Pick<SupervisorOptions, 'initialBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min((options.initialBackoffMs ?? 500) * 2 ** inARow, options.maxBackoffMs ?? 30000);
}

export class WorkerSupervisor implements Disposable {
  private client?: WorkerClient;
  private readonly emitter = new EventEmitter();
  private crashesInARow = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly options: SupervisorOptions) {}

  get running(): boolean {
    return !!this.client?.alive;
  }

  get pid(): number | undefined {
    return this.client?.pid;
  }

  /** Sends a command, spawning a worker first if none is alive; returns its request id. */
  send(command: CommandDraft): number {
    return this.ensure().send(command);
  }

  onEvent(listener: (event: WorkerEvent) => void): Disposable {
    this.emitter.on('event', listener);
    return { dispose: () => this.emitter.off('event', listener) };
  }

  /** Called after a crash once a new worker is up; the owner re-sends its session. */
  onRestart(listener: (attempt: number) => void): Disposable {
    this.emitter.on('restart', listener);
    return { dispose: () => this.emitter.off('restart', listener) };
  }

  ensure(): WorkerClient {
    if (this.disposed) throw new Error('the worker supervisor is disposed');
    if (this.client?.alive) return this.client;
    const client = new WorkerClient(this.options);
    this.client = client;
    this.startedAt = Date.now();
    client.onEvent((e) => this.emitter.emit('event', e));
    client.onExit((exit) => this.onExit(client, exit));
    return client;
  }

  private onExit(client: WorkerClient, exit: WorkerExit): void {
    if (client !== this.client || exit.expected || this.disposed) return;
    this.client = undefined;
    if (Date.now() - this.startedAt >= (this.options.stableMs ?? 60000)) this.crashesInARow = 0;
    const delay = backoffMs(this.crashesInARow, this.options);
    this.crashesInARow++;
    const attempt = this.crashesInARow;
    this.restartTimer = setTimeout(() => {
      if (this.disposed) return;
      this.ensure();
      this.emitter.emit('restart', attempt);
    }, delay);
  }

  async shutdown(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    if (this.client?.alive) await this.client.shutdown();
  }

  dispose(): void {
    void this.shutdown();
  }
}
