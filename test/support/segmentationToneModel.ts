/**
 * A synthetic pyannote-style speaker-segmentation model in the format
 * sherpa-onnx's `OfflineSpeakerDiarization` loads
 * (offline-speaker-segmentation-pyannote-model.cc and
 * offline-speaker-diarization-pyannote-impl.h): raw audio x [1, 1, window]
 * -> per-frame powerset logits [1, frames, 7] (3 local speakers, at most 2 at
 * once: class 0 silence, 1..3 one speaker, 4..6 pairs), with its metadata.
 *
 * Each 20 ms frame (Hann-windowed DFT, 100 Hz to 7 kHz) has its energy summed
 * in three bands (below 900 Hz, to 2.5 kHz, above): a frame is "local speaker
 * k" when band k holds the most energy and it is above the silence level, so
 * the tone voices of speakerToneModel.ts in different bands are different local
 * speakers within a chunk. Which local speaker is which person across chunks is
 * left to the embedding model and the clustering, as with the real model.
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';

const DT = onnx.TensorProto.DataType;
const SAMPLE_RATE = 16000;
/** 10 s, like pyannote segmentation 3.0. */
const WINDOW = 160000;
/** One output frame per 20 ms (the real model: 270 samples, 589 frames per window). */
const HOP = 320;
const FIRST_BIN = 2; // 100 Hz (50 Hz per bin)
const LAST_BIN = 140; // 7 kHz
/** Band edges in Hz between the three local speakers. */
const BAND_EDGES = [900, 2500];
/** log power of a frame's band below which it is silence (a 0.3 tone gives about 8, digital silence -16). */
const SILENCE_LOG_POWER = 0;
const CLASSES = 7;

/** The metadata sherpa-onnx reads; it exits on a missing key. */
export const SEGMENTATION_MODEL_METADATA: Readonly<Record<string, string>> = Object.freeze({
  model_type: 'pyannote-segmentation-3.0',
  sample_rate: String(SAMPLE_RATE),
  window_size: String(WINDOW),
  receptive_field_size: String(HOP),
  receptive_field_shift: String(HOP),
  num_speakers: '3',
  powerset_max_classes: '2',
  num_classes: String(CLASSES),
});

const floats = (name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto => ({
  name,
  dataType: DT.FLOAT,
  dims,
  rawData: new Uint8Array(Float32Array.from(values).buffer),
});
const ints = (name: string, values: number[]): onnx.ITensorProto => ({
  name,
  dataType: DT.INT64,
  dims: [values.length],
  rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer),
});

function dftMatrices(): { cos: Float32Array; sin: Float32Array; bins: number } {
  const bins = LAST_BIN - FIRST_BIN + 1;
  const cos = new Float32Array(HOP * bins);
  const sin = new Float32Array(HOP * bins);
  for (let n = 0; n < HOP; n++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / HOP);
    for (let k = 0; k < bins; k++) {
      const w = (2 * Math.PI * (FIRST_BIN + k) * n) / HOP;
      cos[n * bins + k] = hann * Math.cos(w);
      sin[n * bins + k] = hann * Math.sin(w);
    }
  }
  return { cos, sin, bins };
}

export function segmentationModelBytes(): Uint8Array {
  const { cos, sin, bins } = dftMatrices();
  const band = new Float32Array(bins * 3);
  for (let k = 0; k < bins; k++) {
    const hz = ((FIRST_BIN + k) * SAMPLE_RATE) / HOP;
    band[k * 3 + BAND_EDGES.filter((edge) => hz >= edge).length] = 1;
  }
  // Band log powers to powerset logits: silence is a constant level, one speaker its band, pairs never.
  const toClasses = new Float32Array(3 * CLASSES);
  for (let s = 0; s < 3; s++) toClasses[s * CLASSES + 1 + s] = 1;
  const bias = [SILENCE_LOG_POWER, 0, 0, 0, -1e4, -1e4, -1e4];
  const io = (name: string, dims: Array<number | string>): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: DT.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'voxnote-segmentation-tone-model',
    graph: {
      name: 'tone_segmentation',
      initializer: [
        ints('frames_shape', [-1, HOP]),
        floats('dft_cos', [HOP, bins], cos),
        floats('dft_sin', [HOP, bins], sin),
        floats('bands', [bins, 3], band),
        floats('floor', [], [1e-10]),
        floats('to_classes', [3, CLASSES], toClasses),
        floats('class_bias', [CLASSES], bias),
        ints('out_shape', [1, -1, CLASSES]),
      ],
      node: [
        { opType: 'Reshape', input: ['x', 'frames_shape'], output: ['frames'] },
        { opType: 'MatMul', input: ['frames', 'dft_cos'], output: ['re'] },
        { opType: 'MatMul', input: ['frames', 'dft_sin'], output: ['im'] },
        { opType: 'Mul', input: ['re', 're'], output: ['re2'] },
        { opType: 'Mul', input: ['im', 'im'], output: ['im2'] },
        { opType: 'Add', input: ['re2', 'im2'], output: ['power'] },
        { opType: 'MatMul', input: ['power', 'bands'], output: ['band_power'] },
        { opType: 'Add', input: ['band_power', 'floor'], output: ['band_floor'] },
        { opType: 'Log', input: ['band_floor'], output: ['band_log'] },
        { opType: 'MatMul', input: ['band_log', 'to_classes'], output: ['class_raw'] },
        { opType: 'Add', input: ['class_raw', 'class_bias'], output: ['class_logits'] },
        { opType: 'Reshape', input: ['class_logits', 'out_shape'], output: ['y'] },
      ],
      input: [io('x', ['N', 1, 'T'])],
      output: [io('y', ['N', 'F', CLASSES])],
    },
    metadataProps: Object.entries(SEGMENTATION_MODEL_METADATA).map(([key, value]) => ({ key, value })),
  };
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`segmentation tone model: ${problem}`);
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the model to `dir`/segmentation.onnx and returns its path. */
export function buildSegmentationToneModel(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'segmentation.onnx');
  fs.writeFileSync(file, segmentationModelBytes());
  return file;
}
