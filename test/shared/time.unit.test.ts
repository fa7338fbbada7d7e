/** The one time-formatting module: duration clocks and local dates. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clock, clockTime, localDateTime, localParts } from '../../src/shared/time';

describe('time formats', () => {
  it('writes a duration as hh:mm:ss, with milliseconds after the separator subtitles use', () => {
    assert.equal(clockTime(3723.4), '01:02:03');
    assert.equal(clock(3723.5, ','), '01:02:03,500');
    assert.equal(clock(0.007, '.'), '00:00:00.007');
    assert.equal(clockTime(-2), '00:00:00');
    assert.equal(clockTime(100 * 3600), '100:00:00');
  });

  it('writes the local date and time with two digits each', () => {
    const d = new Date(2025, 0, 3, 4, 5, 6);
    assert.equal(localDateTime(d), '2025-01-03 04:05');
    assert.deepEqual(localParts(d), { YYYY: '2025', MM: '01', DD: '03', HH: '04', mm: '05', ss: '06' });
  });
});
