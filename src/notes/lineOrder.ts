/**
 * Puts the lines of a meeting's sources in the order their utterances *start*,
 * while the notes file stays append-only (docs/notes.md): a final is held in
 * memory until no source can still produce a line that starts before it, then
 * written. So a line whose recognizer answered late lands above the later lines
 * of the other source, and the file, its journal and the reconciliation with an
 * open document all keep one order.
 *
 * When a line can go: for every other source, either
 * - that source's last final ended after this line started: a recognizer's
 *   utterances follow one another, so all it says next starts later; or
 * - the line has waited `graceMs` since it arrived and that source has been
 *   quiet (no partial since its last final) for `graceMs`: a source that had
 *   just begun to speak, or began right after its last final, has then sent its
 *   first partial (a recognizer's first partial comes well within a second of
 *   speech it can hear); a source speaking now started before now, maybe
 *   before this line.
 * And whatever the sources do, a line goes once it has waited `maxHoldMs` (a
 * source that speaks on and on, or music, must not hold the notes back for
 * ever: then it goes in arrival order).
 * Lines go in start order, so one that must wait holds back the lines after it.
 * Stop, pause and the window closing release everything at once.
 *
 * `releasable` and `nextCheck` are the pure rule; `LineOrder` runs it on a clock.
 * No VS Code API here.
 */
import type { Disposable } from '../speech/lifecycle';
import type { SessionClock } from '../speech/speechSession';

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

export interface SourceState {
  /** Wall-clock ms since when it is quiet, or Infinity while it speaks. */
  quietSince: number;
  /** Where its last final ended, in the lines' time: it says nothing more that starts before. */
  doneUntil: number;
}

/** How many of `sorted` (byStart) can be written now. */
export function releasable<T extends { start: number }>(sorted: readonly HeldLine<T>[], sources: ReadonlyMap<string, SourceState>, now: number, t: LineOrderTiming): number {
  let n = 0;
  for (const h of sorted) {
    const waited = now - h.at;
    const settled = [...sources].every(
      ([s, state]) => s === h.source || h.line.start <= state.doneUntil || (waited >= t.graceMs && now - state.quietSince >= t.graceMs),
    );
    if (waited < t.maxHoldMs && !settled) break;
    n++;
  }
  return n;
}

/** When the rule may answer differently without an event: a grace or hold running out. */
export function nextCheck<T>(sorted: readonly HeldLine<T>[], sources: ReadonlyMap<string, SourceState>, now: number, t: LineOrderTiming): number | undefined {
  if (!sorted.length) return undefined;
  const times = [...sorted.flatMap((h) => [h.at + t.graceMs, h.at + t.maxHoldMs]), ...[...sources.values()].map((s) => s.quietSince + t.graceMs)];
  const later = times.filter((x) => x > now && x !== Infinity);
  return later.length ? Math.min(...later) : undefined;
}

export interface LineOrderOptions<T, R> {
  /** Every source, known before it first speaks (one not yet heard may be starting to). */
  sources: readonly string[];
  timing?: LineOrderTiming;
  /** The wall clock and its timers (tests pass a fake clock). */
  timers?: SessionClock;
  /** Writes a line; resolves (with how its write ended) once it is done. */
  write(line: T): Promise<R>;
}

const SYSTEM_TIMERS: SessionClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LineOrder<T extends { start: number; end: number }, R = void> implements Disposable {
  private held: HeldLine<T>[] = [];
  private readonly waiting = new Map<T, { resolve: (written: R) => void; reject: (e: unknown) => void }>();
  private readonly sources = new Map<string, SourceState>();
  private timer?: unknown;
  private readonly timing: LineOrderTiming;
  private readonly timers: SessionClock;

  constructor(private readonly options: LineOrderOptions<T, R>) {
    this.timing = options.timing ?? LINE_ORDER_TIMING;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    for (const s of options.sources) this.source(s);
  }

  private now(): number {
    return this.timers.now();
  }

  /** A source's partial: non-empty while it speaks. */
  partial(source: string, text: string): void {
    if (text.trim() !== '') this.source(source).quietSince = Infinity;
    else this.quiet(source);
  }

  /** A source stopped speaking without a final (its capture paused, stopped or failed). */
  quiet(source: string): void {
    const state = this.source(source);
    if (state.quietSince !== Infinity) return;
    state.quietSince = this.now();
    this.check();
  }

  /** A source's final; resolves as its write does, once it is written in its place. */
  final(source: string, line: T): Promise<R> {
    const state = this.source(source);
    state.quietSince = this.now();
    state.doneUntil = Math.max(state.doneUntil, line.end);
    this.held.push({ source, line, at: this.now() });
    const written = new Promise<R>((resolve, reject) => this.waiting.set(line, { resolve, reject }));
    this.check();
    return written;
  }

  /** Writes every held line now, in start order (stop, pause, window closing). */
  flush(): Promise<void> {
    return this.release(this.held.length);
  }

  dispose(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.held = byStart(this.held);
    const now = this.now();
    // A write that fails rejects that line's promise; the writer reports why.
    this.release(releasable(this.held, this.sources, now, this.timing)).catch(() => undefined);
    this.timers.clearTimeout(this.timer);
    const next = nextCheck(this.held, this.sources, now, this.timing);
    this.timer = next === undefined ? undefined : this.timers.setTimeout(() => this.check(), next - now);
  }

  private source(name: string): SourceState {
    let state = this.sources.get(name);
    if (!state) this.sources.set(name, (state = { quietSince: -Infinity, doneUntil: -Infinity }));
    return state;
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
