/**
 * sherpa-onnx's real OfflineSpeakerDiarization on the synthetic segmentation
 * model (test/support/segmentationToneModel.ts) and speaker model
 * (speakerToneModel.ts): a track of three tone voices taking turns over more
 * than one 10 s window comes out as three speakers, each turn its voice's.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { buildSegmentationToneModel } from '../support/segmentationToneModel';
import { buildSpeakerToneModel, voiceTrack } from '../support/speakerToneModel';
import { tempDir } from '../support/worker';

const sherpa = require('sherpa-onnx-node') as {
  OfflineSpeakerDiarization: new (c: object) => { sampleRate: number; process(samples: Float32Array): Array<{ start: number; end: number; speaker: number }> };
};

describe('speaker diarization of tone voices (real sherpa-onnx, synthetic models)', () => {
  const dir = tempDir('diarization-models');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads as a pyannote model and finds each turn of three voices, over several windows', () => {
    const diarization = new sherpa.OfflineSpeakerDiarization({
      segmentation: { pyannote: { model: buildSegmentationToneModel(dir) }, numThreads: 1, debug: 0 },
      embedding: { model: buildSpeakerToneModel(dir), numThreads: 1, debug: 0 },
      clustering: { numClusters: -1, threshold: 0.5 },
      minDurationOn: 0.2,
      minDurationOff: 0.5,
    });
    assert.equal(diarization.sampleRate, 16000);
    const { samples, spoken } = voiceTrack([
      { hz: 300, seconds: 2 }, { hz: 0, seconds: 0.5 }, { hz: 1500, seconds: 2 }, { hz: 0, seconds: 0.5 },
      { hz: 300, seconds: 1.5 }, { hz: 0, seconds: 0.4 }, { hz: 4000, seconds: 2 }, { hz: 0, seconds: 0.6 },
      { hz: 1500, seconds: 1 }, { hz: 0, seconds: 0.5 }, { hz: 300, seconds: 3 }, { hz: 0, seconds: 0.5 },
      { hz: 4000, seconds: 1.5 }, { hz: 0, seconds: 0.5 }, { hz: 1500, seconds: 2 },
    ]);
    const segments = diarization.process(samples);
    const speakerOf = new Map<number, number>();
    for (const turn of spoken) {
      const found = segments.filter((s) => s.start < turn.end && s.end > turn.start);
      assert.equal(found.length, 1, `one segment for the ${turn.hz} Hz turn at ${turn.start} s: ${JSON.stringify(found)}`);
      assert.ok(Math.abs(found[0].start - turn.start) < 0.1 && Math.abs(found[0].end - turn.end) < 0.1, JSON.stringify({ turn, found }));
      if (!speakerOf.has(turn.hz)) speakerOf.set(turn.hz, found[0].speaker);
      assert.equal(found[0].speaker, speakerOf.get(turn.hz), `the ${turn.hz} Hz voice keeps its speaker at ${turn.start} s`);
    }
    assert.equal(new Set(speakerOf.values()).size, 3, 'three voices, three speakers');
  });
});
