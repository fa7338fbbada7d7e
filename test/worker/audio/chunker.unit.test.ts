/**
 * The chunker re-cuts whatever the capture delivers: however the bytes arrive, the
 * chunks are the same bytes in order, the lead-in's size first, then the steady size,
 * and drain returns exactly the rest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Chunker } from '../../../src/worker/audio/chunker';

describe('Chunker', () => {
  it('cuts any delivery into lead-in chunks, then steady chunks, losing and reordering nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 40 }),
        fc.option(fc.record({ chunks: fc.integer({ min: 0, max: 8 }), chunkBytes: fc.integer({ min: 1, max: 700 }) }), { nil: undefined }),
        (deliveries, lead) => {
          const size = 3200;
          const chunker = new Chunker(size, lead && { bytes: lead.chunks * lead.chunkBytes, chunkBytes: lead.chunkBytes });
          let next = 0;
          const input: number[] = [];
          const out: Buffer[] = [];
          for (const n of deliveries) {
            const data = Buffer.from(Array.from({ length: n }, () => next++ % 251));
            input.push(...data);
            out.push(...chunker.push(data));
          }
          const sizes = out.map((c) => c.length);
          const leadCount = Math.min(lead?.chunks ?? 0, sizes.length);
          assert.deepEqual(sizes, [...Array(leadCount).fill(lead?.chunkBytes), ...Array(sizes.length - leadCount).fill(size)]);
          const rest = chunker.drain();
          assert.deepEqual([...Buffer.concat([...out, ...(rest ? [rest] : [])])], input);
          assert.ok(!rest || rest.length < (leadCount < (lead?.chunks ?? 0) ? lead!.chunkBytes : size));
        },
      ),
    );
  });
});
