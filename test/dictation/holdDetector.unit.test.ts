/**
 * Push-to-talk from repeated presses. Times are ms on a fake clock; a held key
 * presses at once, again after the OS initial delay, then every interval.
 * Default timing: first-repeat timeout 750, release gap 150, tail 300, hold 500.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HoldDetector, type HoldDetectorOptions } from '../../src/dictation/holdDetector';
import type { PushToTalkMode } from '../../src/shared/settings';
import { FakeClock } from '../support/fakeClock';

interface KeyRepeat {
  initialDelayMs: number;
  intervalMs: number;
}
const REPEAT_500: KeyRepeat = { initialDelayMs: 500, intervalMs: 30 };
const REPEAT_250: KeyRepeat = { initialDelayMs: 250, intervalMs: 30 };
const REPEAT_X11: KeyRepeat = { initialDelayMs: 660, intervalMs: 40 };

/** The presses VS Code delivers for a key held from `down` to `up`. */
function held(down: number, up: number, repeat: KeyRepeat = REPEAT_500): number[] {
  const presses = [down];
  for (let t = down + repeat.initialDelayMs; t <= up; t += repeat.intervalMs) presses.push(t);
  return presses;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += step) out.push(t);
  return out;
}

/** A detector on a fake clock that logs "<ms> start" and "<ms> stop <reason>". */
function harness(options: PushToTalkMode | HoldDetectorOptions) {
  const clock = new FakeClock();
  const log: string[] = [];
  const detector = new HoldDetector(
    typeof options === 'string' ? { mode: options } : options,
    {
      onStart: () => log.push(`${clock.now()} start`),
      onStop: ({ reason }) => log.push(`${clock.now()} stop ${reason}`),
    },
    clock,
  );
  return {
    clock,
    detector,
    log,
    press(...times: number[]) {
      for (const t of times) {
        clock.advanceTo(t);
        detector.press();
      }
    },
    wait(t: number) {
      clock.advanceTo(t);
    },
  };
}

describe('HoldDetector', () => {
  describe('hold mode', () => {
    it('listens from the press until 300 ms after the repeats stop (500 ms initial delay)', () => {
      const h = harness('hold');
      h.press(...held(0, 1000)); // last repeat at 980
      h.wait(1429);
      assert.equal(h.detector.listening, true);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
      assert.equal(h.detector.listening, false);
    });

    it('listens until 300 ms after the repeats stop (250 ms initial delay)', () => {
      const h = harness('hold');
      h.press(...held(0, 1000, REPEAT_250)); // last repeat at 1000
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1450 stop release']);
    });

    it('does not take the wait for the first repeat as a release', () => {
      const h = harness('hold');
      h.press(...held(0, 1000, REPEAT_X11)); // 0, then 660, 700 ... 980
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
    });

    it('waits up to 750 ms for the first repeat', () => {
      const h = harness('hold');
      h.press(...held(0, 1000, { initialDelayMs: 740, intervalMs: 30 }));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
    });

    it('ends a tap 750 ms after the press plus the 300 ms tail', () => {
      const h = harness('hold');
      h.press(0);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1050 stop release']);
    });

    it('widens the release gap to 3 repeat intervals for slow key repeat', () => {
      const h = harness('hold');
      h.press(...held(0, 1000, { initialDelayMs: 500, intervalMs: 100 })); // gaps of 100 ms, last at 1000
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1600 stop release']);
    });

    it('keeps listening when pressed again during the tail, then stops after that press', () => {
      const h = harness('hold');
      h.press(...held(0, 1000)); // stop would come at 1430
      h.press(1200);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '2250 stop release']);
    });

    it('rides out repeats delayed past the release gap without a stop and start', () => {
      const h = harness('hold');
      h.press(...held(0, 600), ...range(800, 1000, 30)); // 210 ms without presses after 590
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
    });

    it('starts a new session for each hold', () => {
      const h = harness('hold');
      h.press(...held(0, 1000), ...held(2000, 3000));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release', '2000 start', '3430 stop release']);
    });
  });

  describe('toggle mode', () => {
    it('starts on a tap and stops on the next tap, at the press', () => {
      const h = harness('toggle');
      h.press(0);
      h.wait(1999);
      assert.equal(h.detector.listening, true);
      h.press(2000);
      assert.deepEqual(h.log, ['0 start', '2000 stop toggle']);
    });

    it('toggles once for a held key, ignoring its repeats', () => {
      const h = harness('toggle');
      h.press(...held(0, 1000));
      h.wait(3000);
      assert.deepEqual(h.log, ['0 start']);
      h.press(4000);
      assert.deepEqual(h.log, ['0 start', '4000 stop toggle']);
    });

    it('does not restart after a held key toggled it off', () => {
      const h = harness('toggle');
      h.press(0, ...held(2000, 3000));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '2000 stop toggle']);
      assert.equal(h.detector.listening, false);
    });

    it('takes taps 800 ms apart as two presses', () => {
      const h = harness('toggle');
      h.press(0, 800);
      assert.deepEqual(h.log, ['0 start', '800 stop toggle']);
    });

    it('takes a double tap inside the first-repeat window as one press', () => {
      const h = harness('toggle');
      h.press(0, 200);
      h.wait(900);
      assert.deepEqual(h.log, ['0 start']);
      h.press(1000);
      assert.deepEqual(h.log, ['0 start', '1000 stop toggle']);
    });
  });

  describe('auto mode', () => {
    it('turns on with a tap and off with the next tap', () => {
      const h = harness('auto');
      h.press(0);
      h.wait(2999);
      assert.equal(h.detector.listening, true);
      h.press(3000);
      assert.deepEqual(h.log, ['0 start', '3000 stop toggle']);
    });

    it('talks while a key is held for 500 ms or more (500 ms initial delay)', () => {
      const h = harness('auto');
      h.press(...held(0, 1000));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
    });

    it('talks while a key is held for 500 ms or more (250 ms initial delay)', () => {
      const h = harness('auto');
      h.press(...held(0, 1000, REPEAT_250));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1450 stop release']);
    });

    it('talks while a key is held with the X11 default 660 ms delay', () => {
      const h = harness('auto');
      h.press(...held(0, 1000, REPEAT_X11));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
    });

    it('treats a hold shorter than 500 ms as a tap and stays on', () => {
      const h = harness('auto');
      h.press(...held(0, 400, REPEAT_250)); // repeats 250 ... 400
      h.wait(2000);
      assert.deepEqual(h.log, ['0 start']);
      assert.equal(h.detector.listening, true);
      h.press(2000);
      assert.deepEqual(h.log, ['0 start', '2000 stop toggle']);
    });

    it('measures the hold from the press to the last repeat: 490 ms is a tap, 520 ms a hold', () => {
      const short = harness('auto');
      short.press(...held(0, 500, REPEAT_250)); // last repeat at 490
      short.wait(5000);
      assert.deepEqual(short.log, ['0 start']);

      const long = harness('auto');
      long.press(...held(0, 520, REPEAT_250)); // last repeat at 520
      long.wait(5000);
      assert.deepEqual(long.log, ['0 start', '970 stop release']);
    });

    it('treats a key released before its first repeat as a tap', () => {
      const h = harness('auto');
      h.press(...held(0, 450)); // the 500 ms delay never passes
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start']);
    });

    it('stops at the press when held while on, and ignores that key’s repeats', () => {
      const h = harness('auto');
      h.press(0, ...held(2000, 3000));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '2000 stop toggle']);
      assert.equal(h.detector.listening, false);
    });

    it('continues the hold when tapped during the tail instead of toggling', () => {
      const h = harness('auto');
      h.press(...held(0, 1000), 1200);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '2250 stop release']);
    });

    it('takes a double tap inside the first-repeat window as one tap', () => {
      const h = harness('auto');
      h.press(0, 200);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start']);
      assert.equal(h.detector.listening, true);
    });
  });

  describe('options', () => {
    it('stops right at the detected release with a 0 ms tail', () => {
      const h = harness({ mode: 'hold', releaseTailMs: 0 });
      h.press(...held(0, 1000));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1130 stop release']);
    });

    it('uses max(minReleaseGapMs, releaseGapFactor × repeatIntervalMs) as the release gap', () => {
      const h = harness({ mode: 'hold', minReleaseGapMs: 100, releaseGapFactor: 2, repeatIntervalMs: 40 });
      h.press(...held(0, 1000)); // max(100, 2 × 40) = 100 after the last repeat at 980
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1380 stop release']);
    });

    it('supports a longer OS initial delay through firstRepeatTimeoutMs', () => {
      const h = harness({ mode: 'auto', firstRepeatTimeoutMs: 1100 });
      h.press(...held(0, 2000, { initialDelayMs: 1000, intervalMs: 30 })); // last repeat at 1990
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '2440 stop release']);
    });

    it('uses a different hold threshold in auto mode', () => {
      const h = harness({ mode: 'auto', holdThresholdMs: 300 });
      h.press(...held(0, 400, REPEAT_250)); // last repeat at 400
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '850 stop release']);
    });

    it('keeps the default for an option given as undefined', () => {
      const h = harness({ mode: 'hold', releaseTailMs: undefined });
      h.press(...held(0, 1000));
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start', '1430 stop release']);
    });
  });

  describe('reset and dispose', () => {
    it('reset forgets a toggled-on session without onStop, so the next press starts', () => {
      const h = harness('toggle');
      h.press(0);
      h.wait(1000);
      h.detector.reset();
      assert.equal(h.detector.listening, false);
      h.press(2000);
      assert.deepEqual(h.log, ['0 start', '2000 start']);
    });

    it('reset during a hold keeps the held key from starting again', () => {
      const h = harness('hold');
      const presses = held(0, 1000);
      h.press(...presses.filter((t) => t <= 700));
      h.detector.reset();
      h.press(...presses.filter((t) => t > 700));
      h.wait(2000);
      assert.deepEqual(h.log, ['0 start']);
      h.press(2000);
      assert.deepEqual(h.log, ['0 start', '2000 start']);
    });

    it('reset during the tail cancels the pending stop', () => {
      const h = harness('hold');
      h.press(...held(0, 1000));
      h.wait(1200);
      h.detector.reset();
      assert.equal(h.clock.pending, 0);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start']);
    });

    it('dispose clears its timers and ignores later presses', () => {
      const h = harness('hold');
      h.press(0);
      h.wait(100);
      h.detector.dispose();
      assert.equal(h.clock.pending, 0);
      h.press(2000);
      h.wait(5000);
      assert.deepEqual(h.log, ['0 start']);
      assert.equal(h.detector.listening, false);
    });
  });
});
