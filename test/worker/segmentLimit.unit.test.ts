/** A non-streaming model never gets more audio than it decodes: the limit comes from the model's own metadata. */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import type { SherpaModel } from '../../src/shared/sherpaModelFolder';
import { modelSegmentLimit } from '../../src/worker/engines/sherpa/segmentLimit';

/** An ONNX file with only metadata and an empty graph: what the limit is read from (no model is run). */
function onnxWithMetadata(metadata: Record<string, string>): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-limit-')), 'encoder.onnx');
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', node: [], initializer: [], input: [], output: [] },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  }).finish();
  fs.writeFileSync(file, bytes);
  return file;
}

const model = (kind: string, encoder: string): SherpaModel => ({ streaming: false, kind, files: { encoder, decoder: encoder }, tokens: '', featureDim: 80 });

describe('the model segment limit', () => {
  it("Whisper: under sherpa-onnx's 29.5 s, from the encoder's n_audio_ctx, with a margin", () => {
    assert.equal(modelSegmentLimit(model('whisper', onnxWithMetadata({ n_audio_ctx: '1500', n_mels: '80' }))), 29);
    // A smaller audio context decodes less.
    assert.equal(modelSegmentLimit(model('whisper', onnxWithMetadata({ n_audio_ctx: '750' }))), 14);
    // Without the key: sherpa-onnx's own 3000 frames.
    assert.equal(modelSegmentLimit(model('whisper', onnxWithMetadata({}))), 29);
  });

  it('other kinds have no limit of their own (the setting applies)', () => {
    assert.equal(modelSegmentLimit(model('senseVoice', onnxWithMetadata({ n_audio_ctx: '1500' }))), undefined);
  });
});
