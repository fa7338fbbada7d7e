/** Test Model Speed's rules: the verdict, the partial cadence it sets, its message, the record. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { keepsUpLive, LIVE_RTF_LIMIT, partialCadence, readSpeed, speedMessage, speedVerdict, writeSpeed } from '../../src/models/modelSpeed';

const rtf = fc.double({ min: 0.001, max: 5, noNaN: true });

describe('model speed', () => {
  it('says "fast enough for live dictation" up to the limit and "use it for files" past it, naming the model to pick', () => {
    assert.equal(speedVerdict(0.05), 'live');
    assert.equal(speedVerdict(LIVE_RTF_LIMIT), 'live');
    assert.equal(speedVerdict(0.8), 'files');
    assert.match(speedMessage('moonshine', 0.05), /^"moonshine" is fast enough for live dictation: it decodes a second of speech in 0\.05 s on this machine\.$/);
    assert.match(speedMessage('whisper-small', 0.8, 'moonshine-tiny'), /^"whisper-small" is too slow for live dictation \(it decodes a second of speech in 0\.8 s on this machine\): use it for files; for live dictation pick "moonshine-tiny"\.$/);
    assert.match(speedMessage('whisper-small', 0.8), /for live dictation pick a smaller model \(Voxnote: Download Model…\)/);
  });

  it('the verdict has one threshold: every factor at or under it is live, every one over it is for files', () => {
    fc.assert(fc.property(rtf, rtf, (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      // Slower is never better.
      if (speedVerdict(lo) === 'files') assert.equal(speedVerdict(hi), 'files');
      assert.equal(speedVerdict(a) === 'live', keepsUpLive(a));
    }));
  });

  it('cadence: no partials for a model that cannot keep up; otherwise a share of 0.25–0.5 and 0.5–1 s of new speech per partial', () => {
    assert.deepEqual(partialCadence(0.8), { partialShare: 0, partialSeconds: 1 });
    assert.deepEqual(partialCadence(0.02), { partialShare: 0.5, partialSeconds: 0.5 });
    assert.deepEqual(partialCadence(0.5), { partialShare: 0.25, partialSeconds: 1 });
    fc.assert(fc.property(rtf, (r) => {
      const c = partialCadence(r);
      if (!keepsUpLive(r)) return assert.equal(c.partialShare, 0);
      assert.ok(c.partialShare >= 0.25 && c.partialShare <= 0.5, JSON.stringify(c));
      assert.ok(c.partialSeconds >= 0.5 && c.partialSeconds <= 1, JSON.stringify(c));
      // Finals and partials together leave the decoder free a quarter of the time, or partials keep the old share.
      assert.ok(r + c.partialShare <= 0.75 + 1e-9 || c.partialShare === 0.25);
    }));
  });

  it('cadence is monotonic: a slower model never gets more partials, nor sooner ones', () => {
    fc.assert(fc.property(rtf, rtf, (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const fast = partialCadence(lo);
      const slow = partialCadence(hi);
      assert.ok(slow.partialShare <= fast.partialShare);
      if (slow.partialShare > 0) assert.ok(slow.partialSeconds >= fast.partialSeconds);
    }));
  });

  it('keeps one record per model folder; a record from a machine with other cores is not trusted', async () => {
    const data = new Map<string, unknown>();
    const store = { get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => void data.set(k, v) };
    await writeSpeed(store, '/m/a', { rtf: 0.1, threads: 1, cores: 2, measuredAt: '2026-12-07T00:00:00Z' });
    await writeSpeed(store, '/m/b', { rtf: 0.9, threads: 1, cores: 2, measuredAt: '2026-12-07T00:00:00Z' });
    await writeSpeed(store, '/m/a', { rtf: 0.2, threads: 1, cores: 2, measuredAt: '2026-12-07T01:00:00Z' });
    assert.equal(readSpeed(store, '/m/a', 2)?.rtf, 0.2);
    assert.equal(readSpeed(store, '/m/b', 2)?.rtf, 0.9);
    assert.equal(readSpeed(store, '/m/a', 8), undefined);
  });
});
