/** Meeting time: wall time since the start less pauses, continued from a journal snapshot. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeetingClock } from '../../src/notes/meetingClock';

describe('meeting clock', () => {
  it('counts wall time since the start, less the time paused', () => {
    let now = 1_000_000;
    const clock = new MeetingClock(() => now);
    now += 10_000;
    assert.equal(clock.seconds(), 10);
    assert.deepEqual(clock.pause(), { m: 10, at: now, running: false });
    now += 60_000;
    assert.equal(clock.seconds(), 10);
    clock.resume();
    now += 2_500;
    assert.equal(clock.seconds(), 12.5);
  });

  it('continues a running snapshot through the time since it was taken (the meeting went on during a reload)', () => {
    let now = 5_000_000;
    const snapshot = new MeetingClock(() => now, { m: 30, at: now, running: true }).snapshot();
    now += 7_000;
    const resumed = new MeetingClock(() => now, snapshot);
    assert.equal(resumed.seconds(), 37);
    assert.ok(resumed.running);
  });

  it('stays where a paused snapshot left it', () => {
    let now = 0;
    const resumed = new MeetingClock(() => now, { m: 42, at: 0, running: false });
    now += 3_600_000;
    assert.equal(resumed.seconds(), 42);
    assert.equal(resumed.running, false);
  });
});
