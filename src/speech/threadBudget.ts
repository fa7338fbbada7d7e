/**
 * One budget of decode threads for every worker of a speech service:
 * dictation, each meeting track and each file transcription load their models
 * with a share of it, so together they never ask for more cores than the
 * machine has. One core stays for capture, the extension host and the editor.
 * ONNX Runtime fixes a model's threads when it loads, so a grant holds until
 * its lane's next load; a lane that loads while others hold grants gets at
 * most what is left (never less than one thread: a worker cannot decode on
 * none, so more workers than the budget get one each).
 */

/** More threads than this barely speed up one utterance's decode (sherpa-onnx's published RTFs flatten past 4). */
export const MAX_THREADS_PER_WORKER = 4;

/** The threads all workers may use together on a machine with `cores` cores. */
export const threadBudget = (cores: number): number => Math.max(1, Math.floor(cores) - 1);

/**
 * The threads for a lane loading now: its fair share of the budget among the
 * `lanes` lanes that decode (itself included), capped by what the other lanes'
 * grants (`othersGranted`) leave, at least 1 and at most MAX_THREADS_PER_WORKER.
 */
export function grantThreads(budget: number, lanes: number, othersGranted: number): number {
  const fair = Math.floor(budget / Math.max(1, lanes));
  return Math.max(1, Math.min(MAX_THREADS_PER_WORKER, fair, budget - othersGranted));
}

/**
 * A two-pass lane's grant split between its models: the streaming first pass
 * decodes a few tens of milliseconds at a time on one thread (libvosk always
 * does); the offline final model takes the rest. On a grant of one thread
 * both get one: they then share a core, which `auto` allows only when their
 * measured speeds together keep up (models/twoPass.ts).
 */
export function splitTwoPass(threads: number): { first: number; final: number } {
  return { first: 1, final: Math.max(1, threads - 1) };
}

/**
 * The lanes that decode and their grants. A lane counts from its creation, so
 * a meeting that creates both tracks' lanes before loading either splits the
 * budget three ways with dictation from the start.
 */
export class ThreadLedger<Lane> {
  private readonly lanes = new Set<Lane>();
  private readonly grants = new Map<Lane, number>();

  constructor(private readonly budget: number) {}

  /** A lane that will decode exists. */
  register(lane: Lane): void {
    this.lanes.add(lane);
  }

  /** A grant for `lane` loading now; replaces its earlier grant. */
  grant(lane: Lane): number {
    this.register(lane);
    this.grants.delete(lane);
    const threads = grantThreads(this.budget, this.lanes.size, this.total);
    this.grants.set(lane, threads);
    return threads;
  }

  /** The lane is closed: its threads are free. */
  release(lane: Lane): void {
    this.lanes.delete(lane);
    this.grants.delete(lane);
  }

  /** What a lane loading with no other lane gets: what dictation alone loads with. */
  get alone(): number {
    return grantThreads(this.budget, 1, 0);
  }

  /** Threads granted in all. */
  get total(): number {
    return [...this.grants.values()].reduce((a, b) => a + b, 0);
  }
}
