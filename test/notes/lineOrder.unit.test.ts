/**
 * Time order of a meeting's lines (lineOrder.ts): property-based over random
 * overlapping utterances of two sources with recognizers answering late.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { byStart, LineOrder, releasable, type LineOrderTiming } from '../../src/notes/lineOrder';
import { FakeClock } from '../support/fakeClock';

const TIMING: LineOrderTiming = { graceMs: 1000, maxHoldMs: 30_000 };

interface Utterance {
  source: 'mic' | 'system';
  start: number;
  end: number;
}

/** One source's utterances, not overlapping each other (one recognizer per source). */
const sourceUtterances = (source: Utterance['source']) =>
  fc.array(fc.tuple(fc.integer({ min: 200, max: 6000 }), fc.integer({ min: 300, max: 8000 })), { maxLength: 8 }).map((pairs) => {
    let t = 0;
    return pairs.map(([gap, length]) => {
      const u = { source, start: t + gap, end: t + gap + length };
      t = u.end;
      return u;
    });
  });

/**
 * Events as one recognizer sends them, one after the other: a first partial
 * `partialLag` after speech starts (under the grace) but not before the previous
 * utterance's final, the final `finalLag` after speech ends.
 */
function events(us: Utterance[], partialLag: number, finalLag: number) {
  let last = -Infinity;
  return us.flatMap((u) => {
    const partial = Math.max(u.start + partialLag, last + 50);
    last = Math.max(u.end + finalLag, partial + 1);
    return [
      { at: partial, kind: 'partial' as const, u },
      { at: last, kind: 'final' as const, u },
    ];
  });
}

describe('LineOrder', () => {
  it('writes lines of two sources in start order, whichever recognizer answers first (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        sourceUtterances('mic'),
        sourceUtterances('system'),
        fc.integer({ min: 100, max: 900 }),
        fc.integer({ min: 300, max: 3000 }),
        fc.integer({ min: 100, max: 900 }),
        fc.integer({ min: 300, max: 3000 }),
        async (mic, system, micPartial, micFinal, sysPartial, sysFinal) => {
          const clock = new FakeClock();
          const written: Utterance[] = [];
          const order = new LineOrder<Utterance>({ sources: ['mic', 'system'], timing: TIMING, timers: clock, write: async (u) => void written.push(u) });
          // A final comes no sooner after speech ends than the first partial after it starts, as with Vosk and VAD engines.
          const evs = [...events(mic, micPartial, Math.max(micFinal, micPartial)), ...events(system, sysPartial, Math.max(sysFinal, sysPartial))].sort(
            (a, b) => a.at - b.at,
          );
          for (const e of evs) {
            clock.advanceTo(e.at);
            if (e.kind === 'partial') order.partial(e.u.source, 'words');
            else void order.final(e.u.source, e.u);
          }
          clock.advanceTo(clock.now() + 60_000);
          order.dispose();
          assert.equal(written.length, mic.length + system.length, 'every line written');
          const starts = written.map((u) => u.start);
          assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'in start order');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a source not heard yet holds a line for the grace: its first utterance may have started earlier', () => {
    const clock = new FakeClock();
    const written: string[] = [];
    const order = new LineOrder<{ start: number; end: number; who: string }>({
      sources: ['mic', 'system'],
      timing: TIMING,
      timers: clock,
      write: async (u) => void written.push(u.who),
    });
    // Others start at 0 and are slow to show a partial; Me says something short at 100-300.
    clock.advanceTo(400);
    void order.final('mic', { start: 100, end: 300, who: 'me' });
    clock.advanceTo(800);
    order.partial('system', 'words');
    clock.advanceTo(2000);
    void order.final('system', { start: 0, end: 1800, who: 'others' });
    clock.advanceTo(10_000);
    order.dispose();
    assert.deepEqual(written, ['others', 'me']);
  });

  it('holds a line no longer than maxHoldMs while the other source speaks on', () => {
    const line = { source: 'mic', line: { start: 1 }, at: 0 };
    const state = (quietSince: number, doneUntil = 0) => ({ quietSince, doneUntil });
    const speaking = (s: string) => new Map([[s, state(Infinity)]]);
    assert.equal(releasable([line], speaking('system'), 29_999, TIMING), 0);
    assert.equal(releasable([line], speaking('system'), 30_000, TIMING), 1);
    assert.equal(releasable([line], speaking('mic'), 1000, TIMING), 1, 'its own source speaking again does not hold it');
    assert.equal(releasable([line], new Map([['system', state(-Infinity)]]), 999, TIMING), 0, 'grace first');
    assert.equal(releasable([line], new Map([['system', state(500)]]), 1499, TIMING), 0, 'the other source quiet for less than the grace');
    assert.equal(releasable([line], new Map([['system', state(500)]]), 1500, TIMING), 1);
    assert.equal(releasable([line], new Map([['system', state(Infinity, 1)]]), 0, TIMING), 1, 'at once when the other source’s last final ended after it started');
  });

  it('keeps a source’s own lines in arrival order when they start at the same time', () => {
    const held = [0, 1, 2].map((i) => ({ source: 'mic', line: { start: 5, i }, at: i }));
    assert.deepEqual(byStart(held).map((h) => h.line.i), [0, 1, 2]);
  });

  it('flush writes everything held at once, in start order, and each promise resolves once written', async () => {
    const written: number[] = [];
    const order = new LineOrder<{ start: number; end: number }>({ sources: ['mic', 'system'], timing: TIMING, write: async (u) => void written.push(u.start) });
    order.partial('system', 'still talking');
    const a = order.final('mic', { start: 9, end: 10 });
    const b = order.final('mic', { start: 12, end: 13 });
    assert.deepEqual(written, []);
    await order.flush();
    await Promise.all([a, b]);
    assert.deepEqual(written, [9, 12]);
    order.dispose();
  });
});
