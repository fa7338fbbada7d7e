/** The recommendation: the most accurate catalogue model that runs live here, from measurements on this machine. */
import assert from 'node:assert/strict';
import * as path from 'path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadCatalog } from '../../src/models/catalog';
import { LIVE_RTF_LIMIT } from '../../src/models/modelSpeed';
import { ESTIMATE_MARGIN, machineFactor, recommendModel, REFERENCE_RTF, REFERENCE_VAD_RTF, referenceRtf, sizeMegabytes } from '../../src/models/recommend';
import { ROOT } from '../support/worker';

const catalog = loadCatalog(path.join(ROOT, 'models', 'catalog.json'));
const english = catalog.filter((e) => e.language === 'English' && !e.alternative);
const TINY = 'sherpa-onnx-moonshine-tiny-en-int8';
/** The catalogue's size, an unknown one (whisper-small.en) ranking last. */
const size = (name: string) => sizeMegabytes(catalog.find((e) => e.name === name)!.size) || -1;

describe('the model recommendation', () => {
  it('every published reference cost names a model of the bundled catalogue', () => {
    for (const name of Object.keys(REFERENCE_RTF)) assert.ok(catalog.some((e) => e.name === name), name);
  });

  it('without any measurement on this machine it recommends nothing (the usual offer stays)', () => {
    assert.equal(recommendModel(catalog, 'English', new Map()), undefined);
  });

  it('before any model is measured, the yardstick (the bundled VAD here against its published speed) scales the published costs', () => {
    // This machine runs the VAD at its published speed: the reference machine's factors, halved by the margin.
    const asReference = recommendModel(catalog, 'English', new Map(), REFERENCE_VAD_RTF)!;
    assert.equal(asReference.basis, 'estimated');
    assert.ok(asReference.rtf * ESTIMATE_MARGIN <= LIVE_RTF_LIMIT);
    // 40 times slower than the reference: nothing is estimated to keep up, and nothing is recommended.
    assert.equal(recommendModel(catalog, 'English', new Map(), 40 * REFERENCE_VAD_RTF), undefined);
    // A measured model outranks the yardstick.
    assert.equal(machineFactor(catalog, new Map([[TINY, 2 * REFERENCE_RTF[TINY]]]), 40 * REFERENCE_VAD_RTF), 2);
  });

  it('estimates the models not published from their family and the catalogue sizes', () => {
    const base = catalog.find((e) => e.name === 'sherpa-onnx-whisper-base.en')!;
    const tiny = catalog.find((e) => e.name === 'sherpa-onnx-whisper-tiny.en')!;
    const want = (REFERENCE_RTF[tiny.name] * sizeMegabytes(base.size)) / sizeMegabytes(tiny.size);
    assert.ok(Math.abs(referenceRtf(base, catalog)! - want) < 1e-12);
    assert.equal(referenceRtf(catalog.find((e) => e.name === 'vosk-model-small-en-us-0.15')!, catalog), undefined);
  });

  it('a fast machine gets a large model, a slow one a small one; a model measured too slow is never recommended', () => {
    // Moonshine tiny measured at its reference cost: this machine is the reference machine.
    const asReference = recommendModel(catalog, 'English', new Map([[TINY, REFERENCE_RTF[TINY]]]))!;
    assert.equal(asReference.basis, 'estimated');
    assert.ok(asReference.rtf * ESTIMATE_MARGIN <= LIVE_RTF_LIMIT);
    // Ten times slower: only what was measured fast enough is left.
    const slow = recommendModel(catalog, 'English', new Map([[TINY, 10 * REFERENCE_RTF[TINY]]]))!;
    assert.equal(slow.entry.name, TINY);
    assert.equal(slow.basis, 'measured');
    assert.ok(sizeMegabytes(asReference.entry.size) > sizeMegabytes(slow.entry.size));
    const tooSlow = recommendModel(catalog, 'English', new Map([[TINY, 0.9]]));
    assert.notEqual(tooSlow?.entry.name, TINY);
  });

  it('property: what it recommends runs live here, is the largest that does, and a faster machine never gets a smaller one', () => {
    const measuredOf = (names: string[], rtfs: number[]) => new Map(names.map((n, i) => [n, rtfs[i]]));
    const arb = fc.tuple(
      fc.uniqueArray(fc.constantFrom(...english.map((e) => e.name)), { minLength: 1, maxLength: 4 }),
      fc.array(fc.double({ min: 0.005, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.double({ min: 1.1, max: 5, noNaN: true }),
    );
    fc.assert(fc.property(arb, ([names, rtfs, speedUp]) => {
      const measured = measuredOf(names, rtfs);
      const r = recommendModel(catalog, 'English', measured);
      const factor = machineFactor(catalog, measured);
      if (!r) return;
      assert.ok(r.basis === 'measured' ? r.rtf <= LIVE_RTF_LIMIT : r.rtf * ESTIMATE_MARGIN <= LIVE_RTF_LIMIT, JSON.stringify(r));
      // No larger English model runs live by the same rule.
      for (const e of english) {
        if (!(size(e.name) > size(r.entry.name))) continue;
        const m = measured.get(e.name);
        const ref = referenceRtf(e, catalog);
        const live = m !== undefined ? m <= LIVE_RTF_LIMIT : ref !== undefined && factor !== undefined && ref * factor * ESTIMATE_MARGIN <= LIVE_RTF_LIMIT;
        assert.ok(!live, `${e.name} is larger and runs live, yet ${r.entry.name} was recommended`);
      }
      // Every measurement faster by the same factor: the recommendation is at least as large.
      const faster = recommendModel(catalog, 'English', measuredOf(names, rtfs.map((x) => x / speedUp)));
      assert.ok(faster && size(faster.entry.name) >= size(r.entry.name), `${faster?.entry.name} after ${r.entry.name}`);
    }));
  });
});
