// Lost input found from the clock (gapDetector.ts): never for a reader that falls behind and catches up,
// once and with its length and place for audio that never comes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { GapDetector, GAP_SETTLE_SECONDS, GAP_TOLERANCE_SECONDS, type Gap } from '../../src/worker/capture/gapDetector';

const RATE = 16000;
const CHUNK = 0.05; // the recorder's fragment, seconds

interface Plan {
  seconds: number;
  /** Reader stalls after its first read: [start, length] in seconds of wall time; what was recorded meanwhile is delivered at its end, in pieces. */
  stalls: Array<[number, number]>;
  /** Audio skipped by the recorder: [start, length] in seconds of wall time. */
  holes: Array<[number, number]>;
  jitter: number[];
  /** The device clock against the machine's, e.g. 1.0005. */
  clock: number;
  /** The biggest read, seconds (a pipe's 64 KB is 2 s). */
  piece: number;
}

/** Feeds the detector as a recorder and a reader following `plan` would, returns what it reported. */
function run(plan: Plan): Gap[] {
  let now = 0;
  const gaps: Gap[] = [];
  const detector = new GapDetector(RATE, () => now * 1000);
  const stalled = (t: number) => plan.stalls.some(([s, l]) => t >= s && t < s + l);
  const skipped = (t: number) => plan.holes.some(([s, l]) => t >= s && t < s + l);
  let pending = 0; // seconds recorded, not yet read
  for (let k = 0; k * CHUNK < plan.seconds; k++) {
    const t = (k + 1) * CHUNK;
    if (!skipped(t)) pending += CHUNK / plan.clock;
    if (stalled(t)) continue;
    // The reader wakes a little late, then reads all there is in pieces at once.
    now = t + plan.jitter[k % plan.jitter.length];
    while (pending > 1e-9) {
      const n = Math.min(pending, plan.piece);
      pending -= n;
      const gap = detector.push(Math.round(n * RATE));
      if (gap) gaps.push(gap);
    }
  }
  return gaps;
}

const jitter = fc.array(fc.double({ min: 0, max: 0.12, noNaN: true }), { minLength: 1, maxLength: 20 });
const stall = (seconds: number) => fc.tuple(fc.double({ min: 1, max: seconds - 5, noNaN: true }), fc.double({ min: 0.05, max: 8, noNaN: true }));

test('a reader that falls behind (stalls up to 8 s, late reads, a slightly slow or fast device clock) is never reported', () => {
  fc.assert(
    fc.property(
      fc.record({
        seconds: fc.constant(60),
        stalls: fc.array(stall(60), { maxLength: 4 }),
        holes: fc.constant([] as Array<[number, number]>),
        jitter,
        clock: fc.double({ min: 0.9995, max: 1.0005, noNaN: true }),
        piece: fc.constantFrom(0.05, 0.1, 2),
      }),
      (plan) => assert.deepEqual(run(plan), []),
    ),
    { numRuns: 200 },
  );
});

test('audio the recorder skipped is reported once, with its length and where it was, whatever the reader does around it', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 5, max: 50, noNaN: true }),
      fc.double({ min: GAP_TOLERANCE_SECONDS + 0.2, max: 20, noNaN: true }),
      fc.array(stall(60), { maxLength: 2 }),
      jitter,
      fc.constantFrom(0.05, 0.1, 2),
      (start, length, stalls, jitter, piece) => {
        const end = Math.max(start + length, ...stalls.map(([s, l]) => s + l));
        const gaps = run({ seconds: end + 3, stalls, holes: [[start, length]], jitter, clock: 1, piece });
        assert.equal(gaps.length, 1, JSON.stringify(gaps));
        assert.ok(Math.abs(gaps[0].seconds - length) <= 0.2, `${gaps[0].seconds} for ${length}`);
        // Where: the audio before the hole (the hole's start, less what was skipped before it: nothing).
        assert.ok(Math.abs(gaps[0].atSeconds - start) <= 0.2 + (stalls.length ? 8 : 0), `${gaps[0].atSeconds} for ${start}`);
      },
    ),
    { numRuns: 200 },
  );
});

test('two holes are two reports, each after the audio flows again for the settle time', () => {
  const gaps = run({ seconds: 30, stalls: [], holes: [[5, 1], [15, 3]], jitter: [0.01, 0.03], clock: 1, piece: 0.05 });
  assert.deepEqual(gaps.map((g) => Math.round(g.seconds * 10) / 10), [1, 3]);
  assert.deepEqual(gaps.map((g) => Math.round(g.atSeconds)), [5, 14]);
  assert.ok(GAP_SETTLE_SECONDS <= 1.5);
});

test('an hour at a device clock 0.05 % slow is not reported', () => {
  assert.deepEqual(run({ seconds: 3600, stalls: [], holes: [], jitter: [0.02], clock: 1.0005, piece: 0.05 }), []);
});
