/**
 * Live speaker clustering (speakerClusters.ts) and the correction after the
 * re-clustering (relabel.ts), property-based: random speakers (random unit
 * directions far apart) whose utterances are noisy copies; random
 * re-clusterings named back onto the live labels.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { correctedLabels, type LabelledUtterance } from '../../../src/worker/diarization/relabel';
import { cosine, SAME_SPEAKER_SIMILARITY, SpeakerClusters } from '../../../src/worker/diarization/speakerClusters';

const DIM = 16;

/** Speakers as orthogonal directions (basis vectors, scaled), utterances as copies with noise well under the threshold's margin. */
const conversation = fc
  .record({
    speakers: fc.integer({ min: 1, max: 6 }),
    turns: fc.array(fc.tuple(fc.nat(), fc.array(fc.double({ min: -0.15, max: 0.15, noNaN: true }), { minLength: DIM, maxLength: DIM }), fc.double({ min: 0.1, max: 10, noNaN: true })), { minLength: 1, maxLength: 40 }),
  })
  .map(({ speakers, turns }) =>
    turns.map(([who, noise, scale]) => {
      const speaker = who % speakers;
      return { speaker, embedding: noise.map((n, i) => scale * ((i === speaker ? 1 : 0) + n)) };
    }),
  );

describe('live speaker clustering', () => {
  it('gives one label per speaker, "Speaker N" in order of first speech, whatever the order, loudness and noise', () => {
    fc.assert(
      fc.property(conversation, (turns) => {
        const clusters = new SpeakerClusters();
        const labels = turns.map((t) => clusters.assign(t.embedding));
        const firstSpoken = [...new Set(turns.map((t) => t.speaker))];
        turns.forEach((t, i) => assert.equal(labels[i], `Speaker ${firstSpoken.indexOf(t.speaker) + 1}`));
        assert.deepEqual(clusters.labels, firstSpoken.map((_, i) => `Speaker ${i + 1}`));
      }),
    );
  });

  it('joins at the threshold and splits below it; an embedding with no direction gets no label', () => {
    const clusters = new SpeakerClusters();
    const a = [1, 0];
    const angle = (c: number) => [c, Math.sqrt(1 - c * c)];
    assert.equal(clusters.assign(a), 'Speaker 1');
    assert.equal(clusters.assign(angle(SAME_SPEAKER_SIMILARITY - 0.01)), 'Speaker 2');
    const joining = new SpeakerClusters();
    joining.assign(a);
    assert.ok(cosine(angle(SAME_SPEAKER_SIMILARITY + 0.01), a) >= SAME_SPEAKER_SIMILARITY);
    assert.equal(joining.assign(angle(SAME_SPEAKER_SIMILARITY + 0.01)), 'Speaker 1');
    assert.equal(new SpeakerClusters().assign([0, 0]), undefined);
    assert.equal(new SpeakerClusters().assign([NaN, 1]), undefined);
  });
});

/** Utterances in a row, each with a true speaker; live labels may be wrong. */
const track = fc
  .array(fc.record({ speaker: fc.integer({ min: 0, max: 3 }), length: fc.integer({ min: 5, max: 80 }), gap: fc.integer({ min: 1, max: 30 }), live: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 30 })
  .map((items) => {
    let t = 0;
    return items.map((item, i) => {
      const start = t + item.gap / 10;
      t = start + item.length / 10;
      return { utteranceId: i + 1, start, end: t, truth: item.speaker, speaker: `Speaker ${item.live}` };
    });
  });

const apply = (utterances: readonly LabelledUtterance[], changes: Array<{ utteranceId: number; speaker: string }>): string[] => {
  const changed = new Map(changes.map((c) => [c.utteranceId, c.speaker]));
  return utterances.map((u) => changed.get(u.utteranceId) ?? u.speaker);
};

describe('correcting live labels after the re-clustering', () => {
  it('every line ends with its re-clustered speaker, one label per speaker; only changed lines are listed', () => {
    fc.assert(
      fc.property(track, (utterances) => {
        const segments = utterances.map((u) => ({ start: u.start, end: u.end, speaker: u.truth }));
        const changes = correctedLabels(utterances, segments, [...new Set(utterances.map((u) => u.speaker))]);
        const labels = apply(utterances, changes);
        const bySpeaker = new Map<number, string>();
        utterances.forEach((u, i) => {
          if (!bySpeaker.has(u.truth)) bySpeaker.set(u.truth, labels[i]);
          assert.equal(labels[i], bySpeaker.get(u.truth));
        });
        assert.equal(new Set(bySpeaker.values()).size, bySpeaker.size);
        for (const c of changes) assert.notEqual(c.speaker, utterances.find((u) => u.utteranceId === c.utteranceId)!.speaker);
      }),
    );
  });

  it('changes nothing when the live labels already agree, whatever the re-clustering numbers its speakers', () => {
    fc.assert(
      fc.property(track, fc.integer({ min: 0, max: 9 }), (utterances, shift) => {
        const agreed = utterances.map((u) => ({ ...u, speaker: `Speaker ${u.truth + 1}` }));
        const segments = agreed.map((u) => ({ start: u.start, end: u.end, speaker: (u.truth + shift) % 10 }));
        assert.deepEqual(correctedLabels(agreed, segments, agreed.map((u) => u.speaker)), []);
      }),
    );
  });

  it('keeps the label that shares the most speech, and names a speaker with no live counterpart after the used ones', () => {
    const u = (utteranceId: number, start: number, end: number, speaker: string) => ({ utteranceId, start, end, speaker });
    const live = [u(1, 0, 5, 'Speaker 1'), u(2, 6, 8, 'Speaker 2'), u(3, 9, 15, 'Speaker 1'), u(4, 16, 17, 'Speaker 1')];
    // Re-clustered: 1 and 2 are one person, 3 another, 4 a third.
    const segments = [{ start: 0, end: 8, speaker: 0 }, { start: 9, end: 15, speaker: 1 }, { start: 16, end: 17, speaker: 2 }];
    assert.deepEqual(correctedLabels(live, segments, ['Speaker 1', 'Speaker 2']), [
      { utteranceId: 1, speaker: 'Speaker 2' },
      { utteranceId: 4, speaker: 'Speaker 3' },
    ]);
    // An utterance no segment covers keeps its label.
    assert.deepEqual(correctedLabels([u(1, 0, 1, 'Speaker 4')], [], ['Speaker 4']), []);
  });
});
