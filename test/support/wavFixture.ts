/** Builds WAV files byte by byte for the audio tests, including odd and broken ones. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type FixtureFormat = 'u8' | 's16' | 's24' | 's32' | 'f32';

const WIDTH: Record<FixtureFormat, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4 };

export interface WavSpec {
  sampleRate: number;
  channels: number;
  format: FixtureFormat;
  /** Interleaved samples in [-1, 1]. */
  samples: Float32Array;
  extensible?: boolean;
  /** Chunks written between "fmt " and "data" (odd sizes get their pad byte). */
  chunksBefore?: { id: string; body: Buffer }[];
  /** Value written as the data chunk size (default: the true size). */
  dataSize?: number;
  /** Replaces the format tag and bit depth, for unsupported-format tests. */
  fmtOverride?: { tag: number; bits: number };
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

export function encodeSamples(samples: Float32Array, format: FixtureFormat): Buffer {
  const w = WIDTH[format];
  const out = Buffer.alloc(samples.length * w);
  samples.forEach((v, i) => {
    if (format === 'u8') out[i] = clamp(Math.round(v * 128) + 128, 0, 255);
    else if (format === 's16') out.writeInt16LE(clamp(Math.round(v * 32768), -32768, 32767), i * w);
    else if (format === 's24') out.writeIntLE(clamp(Math.round(v * 8388608), -8388608, 8388607), i * w, 3);
    else if (format === 's32') out.writeInt32LE(clamp(Math.round(v * 2147483648), -2147483648, 2147483647), i * w);
    else out.writeFloatLE(v, i * w);
  });
  return out;
}

function chunk(id: string, body: Buffer, size = body.length): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(size, 4);
  return Buffer.concat([header, body, Buffer.alloc(body.length & 1)]);
}

export function makeWav(spec: WavSpec): Buffer {
  const width = WIDTH[spec.format];
  const tag = spec.fmtOverride?.tag ?? (spec.format === 'f32' ? 3 : 1);
  const bits = spec.fmtOverride?.bits ?? width * 8;
  const fmt = Buffer.alloc(spec.extensible ? 40 : 16);
  fmt.writeUInt16LE(spec.extensible ? 0xfffe : tag, 0);
  fmt.writeUInt16LE(spec.channels, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * spec.channels * (bits / 8), 8);
  fmt.writeUInt16LE(spec.channels * (bits / 8), 12);
  fmt.writeUInt16LE(bits, 14);
  if (spec.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt32LE(spec.channels === 2 ? 3 : 4, 20);
    Buffer.from('0000000000001000800000aa00389b71', 'hex').copy(fmt, 24);
    fmt.writeUInt16LE(tag, 24);
  }
  const data = encodeSamples(spec.samples, spec.format);
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    ...(spec.chunksBefore ?? []).map((c) => chunk(c.id, c.body)),
    chunk('data', data, spec.dataSize ?? data.length),
  ]);
  return chunk('RIFF', body);
}

/** `seconds` of a sine at `freq`, the same on every channel, interleaved. */
export function sine(freq: number, sampleRate: number, seconds: number, amplitude = 0.5, channels = 1): Float32Array {
  const frames = Math.round(sampleRate * seconds);
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    const v = amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate);
    for (let c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-audio-'));
}

export function writeTemp(dir: string, name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}
