/**
 * Synthetic audio for the tone model (see toneModel.ts and
 * /work/shared/docs/tone-model.md): words are sequences of 150 ms pure tones
 * at 0.3 full scale with 5 ms raised-cosine ramps, digital silence between.
 *
 * No dependencies: node built-ins only.
 */
import * as fs from 'node:fs';
import { TONE_FREQS, TONE_VOCABULARY } from './toneModel';

export const TONE_DURATION = 0.15;
export const TONE_AMPLITUDE = 0.3;
export const TONE_RAMP = 0.005;

export interface ToneWord {
  word: string;
  /** Seconds from the start of the audio to the first sample of the word's first tone. */
  start: number;
  /** Seconds from the start of the audio to the end of the word's last tone. */
  end: number;
}

export interface ToneScript {
  /** Mono samples in -1..1 at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  words: ToneWord[];
  /** Total duration in seconds. */
  duration: number;
}

export interface ToneScriptOptions {
  /** Sample rate to synthesise at (default 16000). */
  sampleRate?: number;
  /** Peak amplitude of each tone (default 0.3). */
  amplitude?: number;
  /** Word -> tones table (default TONE_VOCABULARY). */
  vocabulary?: Readonly<Record<string, readonly string[]>>;
  /** Tone -> frequency in Hz (default TONE_FREQS). */
  frequencies?: Readonly<Record<string, number>>;
  /** Seconds per tone (default TONE_DURATION). */
  toneDuration?: number;
}

/**
 * Builds audio from `items`: a string is a word of the vocabulary (its tones,
 * back to back), a number is that many seconds of digital silence. Callers
 * should leave >= 0.3 s between words.
 */
export function toneScript(items: ReadonlyArray<string | number>, opts: ToneScriptOptions = {}): ToneScript {
  const sampleRate = opts.sampleRate ?? 16000;
  const amplitude = opts.amplitude ?? TONE_AMPLITUDE;
  const vocabulary = opts.vocabulary ?? TONE_VOCABULARY;
  const frequencies: Readonly<Record<string, number>> = opts.frequencies ?? TONE_FREQS;
  if (!(sampleRate > 0) || !Number.isInteger(sampleRate)) throw new Error(`bad sample rate ${sampleRate}`);
  const toneLen = Math.round((opts.toneDuration ?? TONE_DURATION) * sampleRate);
  const rampLen = Math.round(TONE_RAMP * sampleRate);

  // Lay out first, then synthesise.
  const segments: Array<{ at: number; tones: readonly string[] } | { at: number; silence: number }> = [];
  const words: ToneWord[] = [];
  let pos = 0;
  for (const item of items) {
    if (typeof item === 'number') {
      if (!(item >= 0)) throw new Error(`bad silence duration ${item}`);
      const n = Math.round(item * sampleRate);
      segments.push({ at: pos, silence: n });
      pos += n;
    } else {
      const tones = Object.prototype.hasOwnProperty.call(vocabulary, item) ? vocabulary[item] : undefined;
      if (!tones) throw new Error(`unknown tone word "${item}"`);
      segments.push({ at: pos, tones });
      const len = tones.length * toneLen;
      words.push({ word: item, start: pos / sampleRate, end: (pos + len) / sampleRate });
      pos += len;
    }
  }

  const samples = new Float32Array(pos);
  for (const seg of segments) {
    if (!('tones' in seg)) continue;
    seg.tones.forEach((tone, k) => {
      const freq = frequencies[tone];
      if (freq === undefined) throw new Error(`unknown tone ${tone}`);
      if (freq >= sampleRate / 2) throw new Error(`tone ${tone} (${freq} Hz) above Nyquist at ${sampleRate} Hz`);
      const off = seg.at + k * toneLen;
      const w = (2 * Math.PI * freq) / sampleRate;
      for (let i = 0; i < toneLen; i++) {
        let env = 1;
        if (i < rampLen) env = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / rampLen);
        else if (i >= toneLen - rampLen) env = 0.5 - 0.5 * Math.cos((Math.PI * (toneLen - i - 0.5)) / rampLen);
        samples[off + i] = amplitude * env * Math.sin(w * i);
      }
    });
  }
  return { samples, sampleRate, words, duration: pos / sampleRate };
}

export type WavFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32';

const clamp = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : Number.isNaN(x) ? 0 : x);

/**
 * Standard RIFF/WAVE. PCM ('pcm8'..'pcm32'): canonical 44-byte header, format
 * tag 1, 16-byte fmt chunk; 8-bit is unsigned. 'float32': format tag 3 with an
 * 18-byte fmt chunk (cbSize = 0) and a 'fact' chunk, so data starts at byte 58
 * (as the spec asks for non-PCM formats; sox warns without it).
 * Multi-channel input is one Float32Array per channel (interleaved on write).
 */
export function encodeWav(samples: Float32Array | Float32Array[], sampleRate: number, format: WavFormat): Buffer {
  const channels = Array.isArray(samples) ? samples : [samples];
  if (channels.length === 0) throw new Error('no channels');
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) throw new Error('channels differ in length');
  const bytes = { pcm8: 1, pcm16: 2, pcm24: 3, pcm32: 4, float32: 4 }[format];
  const isFloat = format === 'float32';
  const nch = channels.length;
  const dataLen = frames * nch * bytes;
  const pad = dataLen & 1;
  const fmtLen = isFloat ? 18 : 16;
  const header = 12 + 8 + fmtLen + (isFloat ? 12 : 0) + 8;
  const buf = Buffer.alloc(header + dataLen + pad);
  let h = 0;
  buf.write('RIFF', h, 'latin1');
  buf.writeUInt32LE(buf.length - 8, h + 4);
  buf.write('WAVE', h + 8, 'latin1');
  h += 12;
  buf.write('fmt ', h, 'latin1');
  buf.writeUInt32LE(fmtLen, h + 4);
  buf.writeUInt16LE(isFloat ? 3 : 1, h + 8);
  buf.writeUInt16LE(nch, h + 10);
  buf.writeUInt32LE(sampleRate, h + 12);
  buf.writeUInt32LE(sampleRate * nch * bytes, h + 16);
  buf.writeUInt16LE(nch * bytes, h + 20);
  buf.writeUInt16LE(bytes * 8, h + 22);
  if (isFloat) buf.writeUInt16LE(0, h + 24); // cbSize
  h += 8 + fmtLen;
  if (isFloat) {
    buf.write('fact', h, 'latin1');
    buf.writeUInt32LE(4, h + 4);
    buf.writeUInt32LE(frames, h + 8);
    h += 12;
  }
  buf.write('data', h, 'latin1');
  buf.writeUInt32LE(dataLen, h + 4);
  let o = header;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nch; c++) {
      const x = clamp(channels[c][i]);
      switch (format) {
        case 'pcm8':
          buf.writeUInt8(Math.round(x * 127) + 128, o);
          break;
        case 'pcm16':
          buf.writeInt16LE(Math.round(x * 32767), o);
          break;
        case 'pcm24':
          buf.writeIntLE(Math.round(x * 8388607), o, 3);
          break;
        case 'pcm32':
          buf.writeInt32LE(Math.round(x * 2147483647), o);
          break;
        case 'float32':
          buf.writeFloatLE(x, o);
          break;
      }
      o += bytes;
    }
  }
  return buf;
}

/** Mono samples -> raw signed 16-bit little-endian PCM. */
export function toS16le(samples: Float32Array): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(Math.round(clamp(samples[i]) * 32767), i * 2);
  return buf;
}

/** `times` repeats of `samples` as a 16-bit WAV, written without holding the whole file in memory (long bench inputs). */
export function writeRepeatedWav(file: string, samples: Float32Array, sampleRate: number, times: number): string {
  const pcm = toS16le(samples);
  const header = encodeWav(new Float32Array(0), sampleRate, 'pcm16').subarray(0, 44);
  header.writeUInt32LE(36 + pcm.length * times, 4);
  header.writeUInt32LE(pcm.length * times, 40);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header);
    for (let i = 0; i < times; i++) fs.writeSync(fd, pcm);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
