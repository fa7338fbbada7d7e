// The ring-buffered recorder's reader against a simulated recorder: a device
// whose clock drifts from the system's, a ring that overwrites its oldest
// frames, reads that wait (blocking the event loop) for a frame not yet
// recorded, and a consumer that stalls at random.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameClock } from '../../src/worker/capture/frameClock';

const FRAME_MS = 50;

interface Scenario {
  ring: number;
  /** Parts per million the device runs fast (+) or slow (−). */
  driftPpm: number;
  /** When the device starts after the clock's start. */
  offsetMs: number;
  /** Consumer time per wake-up: mostly small, sometimes a stall of seconds. */
  work: number[];
  framesPerWake: number;
}

interface Outcome {
  maxWaitMs: number;
  reportedLost: number;
  trueLost: number;
  /** Frames left in the ring right after each wake-up's reads. */
  maxLeftAfterRead: number;
  overflows: number;
}

function simulate(s: Scenario): Outcome {
  const period = FRAME_MS / (1 + s.driftPpm / 1e6);
  /** Frames recorded by time t. */
  const recorded = (t: number): number => Math.max(0, Math.floor((t - s.offsetMs) / period));
  /** When frame n (0-based) has been recorded. */
  const recordedAt = (n: number): number => s.offsetMs + (n + 1) * period;
  const clock = new FrameClock(FRAME_MS, s.ring, 0, s.framesPerWake);
  let now = 0;
  let next = 0; // next frame index to read
  let resyncing = true;
  const out: Outcome = { maxWaitMs: 0, reportedLost: 0, trueLost: 0, maxLeftAfterRead: 0, overflows: 0 };
  const readOne = (probe: boolean): void => {
    // The ring keeps the newest `ring` frames: older ones were overwritten.
    const oldest = recorded(now) - s.ring;
    if (next < oldest) {
      out.trueLost += oldest - next;
      out.overflows++;
      next = oldest;
      resyncing = true;
    }
    let took = 0.01;
    if (recorded(now) <= next) {
      const at = recordedAt(next);
      took = at - now;
      now = at;
    }
    // Before the device's first frame, and right after an overflow, the clock cannot know the phase yet.
    if (resyncing) resyncing = took <= 1;
    else out.maxWaitMs = Math.max(out.maxWaitMs, took);
    next++;
    clock.read(now, took, probe);
  };
  for (const work of s.work) {
    now += clock.sleepMs(now);
    const plan = clock.plan(now);
    out.reportedLost += plan.lost;
    for (let i = 0; i < plan.frames; i++) readOne(false);
    if (clock.probeNow(now)) readOne(true);
    out.maxLeftAfterRead = Math.max(out.maxLeftAfterRead, Math.min(s.ring, recorded(now) - next));
    now += work;
  }
  return out;
}

const scenario = fc.record({
  ring: fc.integer({ min: 10, max: 200 }),
  driftPpm: fc.integer({ min: -500, max: 500 }),
  offsetMs: fc.double({ min: 0, max: 40, noNaN: true }),
  work: fc.array(fc.oneof({ weight: 20, arbitrary: fc.double({ min: 0, max: 8, noNaN: true }) }, { weight: 1, arbitrary: fc.double({ min: 100, max: 15000, noNaN: true }) }), { minLength: 50, maxLength: 3000, size: 'medium' }),
  framesPerWake: fc.integer({ min: 1, max: 3 }),
});

test('a stalled consumer catches up at its next wake-up: every recorded frame is read at once', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const o = simulate(s);
      // A frame, or two, may have arrived while the reads ran.
      assert.ok(o.maxLeftAfterRead <= 2, `left ${o.maxLeftAfterRead} frames in the ring`);
    }),
    { numRuns: 200 },
  );
});

test('reads never block the event loop for a frame: at most a few ms, whatever the device clock drift', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const o = simulate(s);
      assert.ok(o.maxWaitMs <= 12, `a read waited ${o.maxWaitMs.toFixed(1)} ms`);
    }),
    { numRuns: 200 },
  );
});

test('overwritten audio is reported, to within a frame per overflow, and never where none was lost', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const o = simulate(s);
      if (o.trueLost === 0) assert.equal(o.reportedLost, 0, 'loss reported where none happened');
      assert.ok(Math.abs(o.trueLost - o.reportedLost) <= o.overflows, `lost ${o.trueLost}, reported ${o.reportedLost}, ${o.overflows} overflows`);
    }),
    { numRuns: 200 },
  );
});

test('a 3 s stall on a 2.5 s ring reports about 0.5 s lost; a 2 s stall loses and reports nothing', () => {
  const base = { ring: 50, driftPpm: 0, offsetMs: 3, framesPerWake: 2 };
  const steady = Array<number>(40).fill(1);
  const lost = simulate({ ...base, work: [...steady, 3000, ...steady] });
  assert.ok(Math.abs(lost.reportedLost - 10) <= 1, `reported ${lost.reportedLost} frames`);
  const kept = simulate({ ...base, work: [...steady, 2000, ...steady] });
  assert.equal(kept.trueLost, 0);
  assert.equal(kept.reportedLost, 0);
});
