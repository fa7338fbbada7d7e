/** The AssemblyAI backlog: bounded, resent from the start after a reconnect, trimmed by finals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backlog, Item } from '../../../../src/worker/engines/assemblyai/backlog';

const frame = (at: number): Item => ({ at, pcm: Buffer.alloc(1600) });
const drain = (b: Backlog) => {
  const out: number[] = [];
  for (let i = b.next(); i; i = b.next()) out.push(i.at);
  return out;
};

describe('Backlog', () => {
  it('sends each item once per connection and everything again after a rewind', () => {
    const b = new Backlog(16000);
    b.push(frame(0));
    b.push({ at: 1600, forceEndpoint: true });
    b.push(frame(1600));
    assert.deepEqual(drain(b), [0, 1600, 1600]);
    assert.equal(b.hasUnsent, false);
    b.push(frame(3200));
    assert.deepEqual(drain(b), [3200]);
    b.rewind();
    assert.deepEqual(drain(b), [0, 1600, 1600, 3200]);
  });

  it('a failed send is sent again', () => {
    const b = new Backlog(16000);
    b.push(frame(0));
    b.push(frame(1600));
    assert.equal(b.next()?.at, 0);
    b.unsend();
    assert.deepEqual(drain(b), [0, 1600]);
  });

  it('a final forgets the audio that starts before its last word ends', () => {
    const b = new Backlog(16000);
    for (let at = 0; at < 8000; at += 1600) b.push(frame(at));
    drain(b);
    b.commit(4000);
    assert.equal(b.start, 4800);
    b.rewind();
    assert.deepEqual(drain(b), [4800, 6400]);
  });

  it('past the bound drops the oldest audio and says whether it had been sent', () => {
    const b = new Backlog(3200);
    assert.equal(b.push(frame(0)), undefined);
    b.push(frame(1600));
    drain(b);
    assert.deepEqual(b.push(frame(3200)), { dropped: { start: 0, end: 1600 }, unsent: false });
    assert.deepEqual(b.push(frame(4800)), { dropped: { start: 1600, end: 3200 }, unsent: false });
    assert.deepEqual(b.push(frame(6400)), { dropped: { start: 3200, end: 4800 }, unsent: true });
    assert.equal(b.start, 4800);
    assert.deepEqual(drain(b), [4800, 6400]);
  });
});
