// The relay between a live capture and the recognition that has it: drops placed on that recognition's audio clock, and a stop's last words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaptureHandlers } from '../../src/worker/capture/capture';
import { CaptureRelay } from '../../src/worker/captureRelay';

const second = () => Buffer.alloc(32000);

test('drops reach the current recognition, at their place in its audio, also after it adopted a parked capture', async () => {
  let inner!: CaptureHandlers;
  const drops: Array<[string, number, number | undefined]> = [];
  const handlers = (name: string): CaptureHandlers => ({
    onData() {},
    onEnd() {},
    onError() {},
    onDropped: (seconds, at) => void drops.push([name, seconds, at]),
  });
  const relay = await CaptureRelay.open({ kind: 'mic' }, handlers('first'), async (_source, h) => {
    inner = h;
    return { backend: 'pulse', device: 'mic', stop: async () => undefined };
  });
  inner.onData(second());
  inner.onDropped!(2, 1);
  inner.onDropped!(0.5); // the recorder's own count: no place
  await relay.stop();
  inner.onData(second());
  inner.onDropped!(1, 2); // parked: nobody listens
  inner.onData(Buffer.alloc(3200)); // held for a start that arrives now
  relay.adopt(handlers('second'), performance.now());
  inner.onData(second());
  inner.onDropped!(0.7, 3.1);
  // The second recognition's audio began with what was held (1.1 s, all of it arrived within the hold), at 1 s of the capture's.
  assert.deepEqual(drops.map(([n, s, at]) => [n, s, at === undefined ? at : Math.round(at * 1000) / 1000]), [
    ['first', 2, 1],
    ['first', 0.5, undefined],
    ['second', 0.7, 2.1],
  ]);
});

test('a stop passes on what the back-end read before it, to the recognition that stops (its last words)', async () => {
  const received: number[][] = [];
  let inner!: CaptureHandlers;
  // A back-end reading on a timer (pulse.ts) holds what arrived since its last read until then, or a flush.
  let unread = [Buffer.from([1, 2]), Buffer.from([3, 4])];
  const recognition: CaptureHandlers = { onData: (pcm) => void received.push([...pcm]), onEnd: () => undefined, onError: (e) => assert.fail(e.message) };
  const relay = await CaptureRelay.open({ kind: 'mic' }, recognition, async (_source, handlers) => {
    inner = handlers;
    return {
      backend: 'pulse',
      device: 'mic',
      flush: () => {
        for (const pcm of unread) inner.onData(pcm);
        unread = [];
      },
      stop: async () => undefined,
    };
  });
  inner.onData(Buffer.from([0, 0]));
  await relay.stop();
  inner.onData(Buffer.from([5, 6])); // after the stop: held for a start that may follow, not the stopped recognition's
  assert.deepEqual(received, [[0, 0], [1, 2], [3, 4]]);
  await relay.close();
});
