/**
 * The one restart policy of the speech service: a session whose worker died
 * (or whose capture was lost, where the session asks for that) starts again
 * after a backoff that doubles, at most `maxRestarts` times in a row; then it
 * gives up with one clear error. A final, or a stretch of `stableMs` running,
 * shows the engine works and resets the count.
 */

export interface RestartOptions {
  /** Restarts in a row before the session gives up. */
  maxRestarts: number;
  /** First delay; doubles per restart in a row, up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Running this long without failing resets the count. */
  stableMs: number;
  /** Also restart when capture fails inside a live worker (a device that stalls or vanishes). */
  captureLoss: boolean;
}

export const DEFAULT_RESTART: RestartOptions = {
  maxRestarts: 3,
  initialBackoffMs: 500,
  maxBackoffMs: 8000,
  stableMs: 30000,
  captureLoss: false,
};

/** The wait before the restart after `inARow` failures in a row. */
export function backoffMs(inARow: number, o: Pick<RestartOptions, 'initialBackoffMs' | 'maxBackoffMs'>): number {
  return Math.min(o.initialBackoffMs * 2 ** inARow, o.maxBackoffMs);
}

export class RestartBudget {
  private inARow = 0;
  private runningSince?: number;

  constructor(readonly options: RestartOptions, private readonly now: () => number = Date.now) {}

  /** Restarts so far in the current run of failures. */
  get used(): number {
    return this.inARow;
  }

  /** The session is capturing again. */
  running(): void {
    this.runningSince = this.now();
  }

  /** A result came out: the engine works. */
  succeeded(): void {
    this.inARow = 0;
  }

  /** A failure: the delay before restarting, or undefined when the budget is spent. */
  failed(): number | undefined {
    if (this.runningSince !== undefined && this.now() - this.runningSince >= this.options.stableMs) this.inARow = 0;
    this.runningSince = undefined;
    if (this.inARow >= this.options.maxRestarts) return undefined;
    return backoffMs(this.inARow++, this.options);
  }
}
