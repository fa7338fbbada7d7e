/** The sherpa model folder check: voxnote-model.json, official release layouts by file names, precise messages. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkModelFolder } from '../../src/shared/modelFolder';
import { engineForModel } from '../../src/speech/engineSpec';
import { checkEngineSpec } from '../../src/shared/protocol';
import { readOnnxSummary } from '../../src/shared/onnxSummary';
import { offlineModelBytes, STREAMING_METADATA, streamingModelBytes, TOKENS_TXT } from '../support/sherpaToneModel';

/** Metadata keys the check requires of a Whisper encoder (sherpa-onnx reads them all). */
const WHISPER_METADATA = Object.fromEntries(
  ['n_mels', 'n_text_layer', 'n_text_ctx', 'n_text_state', 'n_vocab', 'sot', 'eot', 'blank_id', 'translate', 'transcribe', 'is_multilingual', 'no_timestamps', 'no_speech', 'sot_sequence'].map((k) => [k, '1']),
);
import { sherpaModel } from '../support/sherpaWorker';
import { tempDir, toneModel } from '../support/worker';

/** A folder named like a release, holding (valid, tiny) ONNX files under the given names, with the metadata the check asks for. */
function release(name: string, files: string[]): string {
  const dir = path.join(tempDir('release'), name);
  fs.mkdirSync(dir);
  const model = streamingModelBytes({ metadata: { ...STREAMING_METADATA, ...WHISPER_METADATA } });
  for (const f of files) fs.writeFileSync(path.join(dir, f), f.endsWith('.txt') ? TOKENS_TXT : model);
  return dir;
}

function sherpaCheck(dir: string) {
  const check = checkModelFolder(dir);
  assert.ok(check.ok, JSON.stringify(check));
  assert.equal(check.engine, 'sherpa');
  return check.model;
}

function failure(dir: string): { message: string; hint: string } {
  const check = checkModelFolder(dir);
  assert.ok(!check.ok, 'the check passed');
  return check;
}

describe('sherpa model folders', () => {
  it('reads voxnote-model.json: engine, streaming, kind, files, tokens, vad', () => {
    const dir = sherpaModel('offline');
    const m = sherpaCheck(dir);
    assert.deepEqual(m, {
      streaming: false,
      kind: 'tdnn',
      files: { model: path.join(dir, 'model.onnx') },
      tokens: path.join(dir, 'tokens.txt'),
      vad: path.join(dir, 'silero_vad.onnx'),
      language: 'tones',
      featureDim: 80,
    });
    const check = checkModelFolder(dir);
    assert.ok(check.ok);
    assert.deepEqual(engineForModel(dir, check), { kind: 'sherpa', model: dir });
    // A speed measurement's cadence goes into a sherpa spec (the worker checks it), never into a Vosk one.
    const cadence = { partialShare: 0, partialSeconds: 1 };
    assert.deepEqual(engineForModel(dir, check, { cadence }), { kind: 'sherpa', model: dir, ...cadence });
    assert.deepEqual(checkEngineSpec({ kind: 'sherpa', model: dir, ...cadence }), { kind: 'sherpa', model: dir, ...cadence });
    assert.throws(() => checkEngineSpec({ kind: 'sherpa', model: dir, partialShare: 2 }), /partialShare/);
    const vosk = toneModel();
    const voskCheck = checkModelFolder(vosk);
    assert.ok(voskCheck.ok);
    assert.deepEqual(engineForModel(vosk, voskCheck, { cadence }), { kind: 'vosk', model: vosk });
    assert.equal(sherpaCheck(sherpaModel('streaming')).streaming, true);
  });

  it('a Vosk folder still checks as Vosk', () => {
    const dir = toneModel();
    const check = checkModelFolder(dir);
    assert.ok(check.ok && check.engine === 'vosk');
    assert.deepEqual(engineForModel(dir, check), { kind: 'vosk', model: dir });
  });

  it('reads the metadata, inputs and outputs of an ONNX file without loading its weights', () => {
    const dir = sherpaModel('streaming');
    const s = readOnnxSummary(path.join(dir, 'model.onnx'));
    assert.equal(s.irVersion, 8);
    assert.equal(s.metadata.window_size, '8');
    assert.deepEqual(s.inputs.map((i) => i.name), ['audio_signal', 'length', 'cache_last_channel', 'cache_last_time', 'cache_last_channel_len']);
    assert.deepEqual(s.inputs[0].dims, ['N', 80, 'T']);
    assert.deepEqual(s.outputs[0].dims, ['N', 'T4', 11]);
    const vad = readOnnxSummary(path.join(sherpaModel('offline'), 'silero_vad.onnx'));
    assert.deepEqual(vad.inputs.map((i) => i.name), ['input', 'state', 'sr']);
  });

  describe('official release layouts without voxnote-model.json', () => {
    const cases: Array<[string, string[], Record<string, unknown>]> = [
      ['sherpa-onnx-whisper-tiny.en', ['tiny.en-encoder.onnx', 'tiny.en-encoder.int8.onnx', 'tiny.en-decoder.onnx', 'tiny.en-decoder.int8.onnx', 'tiny.en-tokens.txt'], { streaming: false, kind: 'whisper', files: { encoder: 'tiny.en-encoder.int8.onnx', decoder: 'tiny.en-decoder.int8.onnx' }, tokens: 'tiny.en-tokens.txt' }],
      ['sherpa-onnx-moonshine-tiny-en-int8', ['preprocess.onnx', 'encode.int8.onnx', 'uncached_decode.int8.onnx', 'cached_decode.int8.onnx', 'tokens.txt'], { streaming: false, kind: 'moonshine', files: { preprocessor: 'preprocess.onnx', encoder: 'encode.int8.onnx', uncachedDecoder: 'uncached_decode.int8.onnx', cachedDecoder: 'cached_decode.int8.onnx' }, tokens: 'tokens.txt' }],
      ['sherpa-onnx-streaming-zipformer-en-2023-06-26', ['encoder-epoch-99-avg-1-chunk-16-left-128.onnx', 'encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx', 'decoder-epoch-99-avg-1-chunk-16-left-128.onnx', 'joiner-epoch-99-avg-1-chunk-16-left-128.onnx', 'tokens.txt'], { streaming: true, kind: 'transducer', files: { encoder: 'encoder-epoch-99-avg-1-chunk-16-left-128.int8.onnx', decoder: 'decoder-epoch-99-avg-1-chunk-16-left-128.onnx', joiner: 'joiner-epoch-99-avg-1-chunk-16-left-128.onnx' }, tokens: 'tokens.txt' }],
      ['sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8', ['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx', 'tokens.txt'], { streaming: false, kind: 'transducer', modelType: 'nemo_transducer', files: { encoder: 'encoder.int8.onnx', decoder: 'decoder.int8.onnx', joiner: 'joiner.int8.onnx' }, tokens: 'tokens.txt' }],
      ['sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17', ['model.onnx', 'model.int8.onnx', 'tokens.txt'], { streaming: false, kind: 'senseVoice', files: { model: 'model.int8.onnx' }, tokens: 'tokens.txt' }],
    ];
    for (const [name, files, want] of cases) {
      it(name, () => {
        const dir = release(name, files);
        const m = sherpaCheck(dir);
        const rel = (p: string) => path.relative(dir, p);
        assert.deepEqual(
          { streaming: m.streaming, kind: m.kind, ...(m.modelType ? { modelType: m.modelType } : {}), files: Object.fromEntries(Object.entries(m.files).map(([k, v]) => [k, rel(v)])), tokens: rel(m.tokens) },
          want,
        );
      });
    }
  });

  describe('precise messages', () => {
    it('names the missing file of a release layout', () => {
      assert.match(failure(release('sherpa-onnx-whisper-base.en', ['base.en-encoder.onnx', 'base.en-tokens.txt'])).message, /looks like a Whisper model but has no <name>-decoder\.onnx/);
      assert.match(failure(release('sherpa-onnx-zipformer-en', ['encoder.onnx', 'decoder.onnx', 'tokens.txt'])).message, /looks like a transducer model but has no joiner….onnx/);
      assert.match(failure(release('some-model', ['model.onnx'])).message, /has \.onnx files but no tokens\.txt/);
    });

    it('names a bad manifest field', () => {
      const dir = sherpaModel('offline');
      const write = (m: object) => fs.writeFileSync(path.join(dir, 'voxnote-model.json'), JSON.stringify(m));
      write({ engine: 'sherpa', streaming: false, kind: 'zipformer9', files: {}, tokens: 'tokens.txt' });
      assert.match(failure(dir).message, /"kind": "zipformer9", which is not a non-streaming sherpa-onnx model type/);
      write({ engine: 'sherpa', streaming: false, kind: 'tdnn', files: { model: '../../etc/passwd' }, tokens: 'tokens.txt' });
      assert.match(failure(dir).message, /outside the model folder/);
      write({ engine: 'sherpa', kind: 'tdnn', files: { model: 'model.onnx' }, tokens: 'tokens.txt' });
      assert.match(failure(dir).message, /does not say whether the model is streaming/);
      write({ engine: 'sherpa', streaming: true, kind: 'nemoCtc', files: { model: 'model.onnx' }, tokens: 'tokens.txt', vad: 'silero_vad.onnx' });
      assert.match(failure(dir).message, /"vad" for a streaming model/);
      fs.writeFileSync(path.join(dir, 'voxnote-model.json'), '{ not json');
      assert.match(failure(dir).message, /voxnote-model\.json .* cannot be read/);
    });

    it('points at a sherpa model one folder down', () => {
      const outer = tempDir('outer');
      const inner = path.join(outer, 'sherpa-onnx-whisper-tiny.en');
      fs.mkdirSync(inner);
      fs.writeFileSync(path.join(inner, 'model.onnx'), offlineModelBytes());
      const f = failure(outer);
      assert.match(f.hint, /sherpa-onnx-whisper-tiny\.en/);
    });
  });
});
