/**
 * A synthetic speaker-embedding model in the format sherpa-onnx's
 * `SpeakerEmbeddingExtractor` loads (a "wespeaker" model: fbank features
 * x [N, T, 80] -> embedding [N, 80], with its metadata), for which tone
 * "voices" in different frequency bands are different speakers: the embedding
 * is the utterance's mean log-mel spectrum less its mean over bins, so energy
 * in the same band points the same way (cosine about 1) and other bands away.
 * Groundwork for diarization tests (issue 19); built with onnx-proto like
 * sherpaToneModel.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';

const DT = onnx.TensorProto.DataType;
const ATTR = onnx.AttributeProto.AttributeType;
const BINS = 80;

const vi = (name: string, dims: Array<number | string>): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: DT.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

/** The metadata sherpa-onnx reads (speaker-embedding-extractor-model.cc); it exits on a missing key. */
export const SPEAKER_MODEL_METADATA: Readonly<Record<string, string>> = Object.freeze({
  framework: 'wespeaker',
  output_dim: String(BINS),
  sample_rate: '16000',
  normalize_samples: '0',
  language: 'English',
});

export function speakerModelBytes(): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'voxnote-speaker-tone-model',
    graph: {
      name: 'tone_speaker',
      node: [
        // Mean over time: the utterance's spectrum.
        { opType: 'ReduceMean', input: ['x'], output: ['spectrum'], attribute: [{ name: 'axes', type: ATTR.INTS, ints: [1] }, { name: 'keepdims', type: ATTR.INT, i: 0 }] },
        // Less its mean over bins, so the common floor does not make every voice alike.
        { opType: 'ReduceMean', input: ['spectrum'], output: ['level'], attribute: [{ name: 'axes', type: ATTR.INTS, ints: [1] }, { name: 'keepdims', type: ATTR.INT, i: 1 }] },
        { opType: 'Sub', input: ['spectrum', 'level'], output: ['embedding'] },
      ],
      input: [vi('x', ['N', 'T', BINS])],
      output: [vi('embedding', ['N', BINS])],
    },
    metadataProps: Object.entries(SPEAKER_MODEL_METADATA).map(([key, value]) => ({ key, value })),
  };
  const problem = onnx.ModelProto.verify(model);
  if (problem) throw new Error(`speaker tone model: ${problem}`);
  return onnx.ModelProto.encode(model).finish();
}

/** Writes the model to `dir`/speaker.onnx and returns its path. */
export function buildSpeakerToneModel(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'speaker.onnx');
  fs.writeFileSync(file, speakerModelBytes());
  return file;
}

/** `seconds` of a voice: a tone at `hz` with a slow vibrato, so two utterances of one voice are not identical. */
export function voice(hz: number, seconds: number, seed = 0): Float32Array {
  const a = new Float32Array(Math.round(16000 * seconds));
  let phase = 0;
  for (let i = 0; i < a.length; i++) {
    phase += (2 * Math.PI * hz * (1 + 0.02 * Math.sin((2 * Math.PI * (3 + seed) * i) / 16000))) / 16000;
    a[i] = 0.3 * Math.sin(phase);
  }
  return a;
}

/** A turn of a voice track: a voice's tone for `seconds`, or silence (hz 0). */
export interface Turn {
  hz: number;
  seconds: number;
}

/** The samples of turns in a row, and where each voice's turn is (seconds). */
export function voiceTrack(turns: readonly Turn[]): { samples: Float32Array; spoken: Array<{ hz: number; start: number; end: number }> } {
  const samples = new Float32Array(turns.reduce((n, t) => n + Math.round(16000 * t.seconds), 0));
  const spoken: Array<{ hz: number; start: number; end: number }> = [];
  let at = 0;
  turns.forEach((t, i) => {
    const n = Math.round(16000 * t.seconds);
    if (t.hz) {
      samples.set(voice(t.hz, t.seconds, i % 4), at);
      spoken.push({ hz: t.hz, start: at / 16000, end: (at + n) / 16000 });
    }
    at += n;
  });
  return { samples, spoken };
}
