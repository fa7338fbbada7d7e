/**
 * sherpa-onnx's real SpeakerEmbeddingExtractor on the synthetic speaker model
 * (test/support/speakerToneModel.ts): tone voices in different bands are told
 * apart, utterances of one voice agree. Groundwork for diarization (issue 19):
 * the model format and the voices the diarization tests will use.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { cosine } from '../../src/worker/diarization/speakerClusters';
import { buildSpeakerToneModel, voice } from '../support/speakerToneModel';
import { tempDir } from '../support/worker';

const sherpa = require('sherpa-onnx-node') as {
  SpeakerEmbeddingExtractor: new (c: { model: string; numThreads: number; debug: number }) => {
    dim: number;
    createStream(): { acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void; inputFinished(): void };
    compute(stream: unknown): Float32Array;
  };
};


describe('speaker embeddings of tone voices (real sherpa-onnx, synthetic model)', () => {
  const dir = tempDir('speaker-model');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads as a wespeaker model and separates three voices; one voice agrees with itself', () => {
    const extractor = new sherpa.SpeakerEmbeddingExtractor({ model: buildSpeakerToneModel(dir), numThreads: 1, debug: 0 });
    assert.equal(extractor.dim, 80);
    const embed = (samples: Float32Array) => {
      const stream = extractor.createStream();
      stream.acceptWaveform({ samples, sampleRate: 16000 });
      stream.inputFinished();
      return extractor.compute(stream);
    };
    const voices = [300, 1500, 4000];
    const first = voices.map((hz, i) => embed(voice(hz, 1.2, i)));
    const again = voices.map((hz, i) => embed(voice(hz * 1.03, 0.7, i + 1)));
    for (let i = 0; i < voices.length; i++) {
      assert.ok(cosine(first[i], again[i]) > 0.9, `voice ${i} agrees with itself: ${cosine(first[i], again[i])}`);
      for (let j = 0; j < voices.length; j++) {
        if (i !== j) assert.ok(cosine(first[i], again[j]) < 0.5, `voices ${i} and ${j} differ: ${cosine(first[i], again[j])}`);
      }
    }
  });
});
