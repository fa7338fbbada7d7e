import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaptureHandlers } from '../../src/worker/capture/capture';
import { CaptureRelay } from '../../src/worker/captureRelay';

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
