/**
 * Puts the lines of a meeting's sources in the order their utterances *start*,
 * while the notes file stays append-only (docs/notes.md): a final is held in
 * memory until no source can still produce a line that starts before it, then
 * written. So a line whose recognizer answered late lands above the later lines
 * of the other source, and the file, its journal and the reconciliation with an
 * open document all keep one order.
 *
 * When a line can go:
 * - it has waited `graceMs` since it arrived, and every other source has been
 *   quiet (no partial since its last final) for `graceMs`: a source that had
 *   just begun to speak, or began right after its last final, has then sent its
 *   first partial (a recognizer's first partial comes well within a second of
 *   speech it can hear); a source speaking now started before now, maybe before
 *   this line; or
 * - it has waited `maxHoldMs` (a source that speaks on and on, or music, must
 *   not hold the notes back for ever: then it goes in arrival order).
 * Lines go in start order, so one that must wait holds back the lines after it.
 * Stop, pause and the window closing release everything at once.
 *
 * `releasable` and `nextCheck` are the pure rule; `LineOrder` runs it on a clock.
 * No VS Code API here.
 */
import type { Disposable } from '../speech/lifecycle';

export interface LineOrderTiming {
  graceMs: number;
  maxHoldMs: number;
}

/** A second for the other source's first partial; half a minute at most of holding back. */
export const LINE_ORDER_TIMING: Readonly<LineOrderTiming> = Object.freeze({ graceMs: 1000, maxHoldMs: 30_000 });

export interface HeldLine<T> {
  source: string;
  line: T;
  /** Wall-clock ms when the final arrived. */
  at: number;
}

/** Held lines in the order they go: by start time, then by arrival (a source's own finals keep their order). */
export function byStart<T extends { start: number }>(held: readonly HeldLine<T>[]): HeldLine<T>[] {
  return held.map((h, i) => ({ h, i })).sort((a, b) => a.h.line.start - b.h.line.start || a.i - b.i).map(({ h }) => h);
}

/** Each source that spoke: since when it is quiet (ms), or Infinity while it speaks. */
export type QuietSince = ReadonlyMap<string, number>;

/** How many of `sorted` (byStart) can be written now. */
export function releasable<T>(sorted: readonly HeldLine<T>[], quiet: QuietSince, now: number, t: LineOrderTiming): number {
  let n = 0;
  for (const h of sorted) {
    const waited = now - h.at;
    const othersQuiet = [...quiet].every(([s, since]) => s === h.source || now - since >= t.graceMs);
    if (waited < t.maxHoldMs && (waited < t.graceMs || !othersQuiet)) break;
    n++;
  }
  return n;
}

/** When the rule may answer differently without an event: a grace or hold running out. */
export function nextCheck<T>(sorted: readonly HeldLine<T>[], quiet: QuietSince, now: number, t: LineOrderTiming): number | undefined {
  if (!sorted.length) return undefined;
  const times = [...sorted.flatMap((h) => [h.at + t.graceMs, h.at + t.maxHoldMs]), ...[...quiet.values()].map((since) => since + t.graceMs)];
  const later = times.filter((x) => x > now && x !== Infinity);
  return later.length ? Math.min(...later) : undefined;
}

export interface LineOrderOptions<T> {
  timing?: LineOrderTiming;
  now?: () => number;
  /** Writes a line; resolves once it is on disk. */
  write(line: T): Promise<void>;
}

export class LineOrder<T extends { start: number }> implements Disposable {
  private held: HeldLine<T>[] = [];
  private readonly waiting = new Map<T, { resolve: () => void; reject: (e: unknown) => void }>();
  private readonly quietSince = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly timing: LineOrderTiming;
  private readonly now: () => number;

  constructor(private readonly options: LineOrderOptions<T>) {
    this.timing = options.timing ?? LINE_ORDER_TIMING;
    this.now = options.now ?? Date.now;
  }

  /** A source's partial: non-empty while it speaks. */
  partial(source: string, text: string): void {
    if (text.trim() !== '') this.quietSince.set(source, Infinity);
    else this.quiet(source);
  }

  /** A source stopped speaking without a final (its capture paused, stopped or failed). */
  quiet(source: string): void {
    if (this.quietSince.get(source) !== Infinity) return;
    this.quietSince.set(source, this.now());
    this.check();
  }

  /** A source's final; resolves once it is written, in its place. */
  final(source: string, line: T): Promise<void> {
    this.quietSince.set(source, this.now());
    this.held.push({ source, line, at: this.now() });
    const written = new Promise<void>((resolve, reject) => this.waiting.set(line, { resolve, reject }));
    this.check();
    return written;
  }

  /** Writes every held line now, in start order (stop, pause, window closing). */
  flush(): Promise<void> {
    return this.release(this.held.length);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.held = byStart(this.held);
    const now = this.now();
    // A write that fails rejects that line's promise; the writer reports why.
    this.release(releasable(this.held, this.quietSince, now, this.timing)).catch(() => undefined);
    clearTimeout(this.timer);
    const next = nextCheck(this.held, this.quietSince, now, this.timing);
    this.timer = next === undefined ? undefined : setTimeout(() => this.check(), next - now);
  }

  private release(n: number): Promise<void> {
    const going = byStart(this.held).slice(0, n);
    this.held = byStart(this.held).slice(n);
    return Promise.all(
      going.map(({ line }) => {
        const w = this.waiting.get(line)!;
        this.waiting.delete(line);
        return this.options.write(line).then(w.resolve, (e: unknown) => {
          w.reject(e);
          throw e;
        });
      }),
    ).then(() => undefined);
  }
}
