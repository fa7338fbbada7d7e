/**
 * Streaming conversion of mono float audio to 16 kHz, plus float -> s16le.
 *
 * The work is done by libsamplerate (its WASM port, @alexanderolsen/libsamplerate-js)
 * with SRC_SINC_FASTEST: a band-limited sinc converter, within 0.1 dB to 5.5 kHz,
 * -3 dB at 6.4 kHz (80% of the output Nyquist), ~97 dB down from 9 kHz; ~50x real time on 48 kHz input.
 */
import type { create } from '@alexanderolsen/libsamplerate-js';
import { SAMPLE_RATE } from './format';

export interface Resampler {
  readonly inputRate: number;
  /** Converts the next input block; output may lag by the filter's look-ahead. */
  push(input: Float32Array): Float32Array;
  /** End of input: returns the held-back tail. Total output = ceil(inputs * 16000 / inputRate). */
  flush(): Float32Array;
  /** Frees the engine's memory; the resampler is unusable afterwards. */
  dispose(): void;
}

/** libsamplerate converts by at most 256x either way, and its JS port accepts up to 192 kHz. */
const MIN_RATE = Math.ceil(SAMPLE_RATE / 256);
const MAX_RATE = 192000;

export async function createResampler(inputRate: number): Promise<Resampler> {
  if (!Number.isInteger(inputRate) || inputRate < 1) throw new Error(`Invalid input sample rate ${inputRate}.`);
  // Checked here: below the minimum the library fails on every block without saying so.
  if (inputRate < MIN_RATE || inputRate > MAX_RATE) {
    throw new Error(`Unsupported input sample rate ${inputRate} Hz (supported: ${MIN_RATE}-${MAX_RATE} Hz).`);
  }
  if (inputRate === SAMPLE_RATE) return passThrough();
  return LibSampleRateResampler.create(inputRate);
}

/** Float in [-1, 1] to 16-bit little-endian, clipping anything outside. */
export function floatToS16le(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] * 32768);
    // NaN (broken float files) becomes silence.
    out.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0, i * 2);
  }
  return out;
}

function passThrough(): Resampler {
  return { inputRate: SAMPLE_RATE, push: (input) => input, flush: () => new Float32Array(0), dispose: () => {} };
}

/** Largest block handed to the library at once (see convert()). */
const BLOCK = 65536;

/**
 * libsamplerate's sinc converters put output sample n at input time n * inputRate / 16000
 * (no delay), holding back only the filter's look-ahead. The `full` API never sets
 * end_of_input, so flush() feeds silence and trims to the exact length.
 */
class LibSampleRateResampler implements Resampler {
  private inputs = 0;
  private outputs = 0;

  private constructor(
    readonly inputRate: number,
    private readonly src: Awaited<ReturnType<typeof create>>,
  ) {}

  static async create(inputRate: number): Promise<LibSampleRateResampler> {
    try {
      // Loaded on first use: instantiating its WASM costs every worker start ~100 ms otherwise.
      const { ConverterType, create } = await import('@alexanderolsen/libsamplerate-js');
      const src = await create(1, inputRate, SAMPLE_RATE, { converterType: ConverterType.SRC_SINC_FASTEST });
      return new LibSampleRateResampler(inputRate, src);
    } catch (e) {
      // The library throws plain strings.
      throw new Error(`libsamplerate cannot convert from ${inputRate} Hz: ${String(e)}`);
    }
  }

  push(input: Float32Array): Float32Array {
    this.inputs += input.length;
    return this.convert(input);
  }

  flush(): Float32Array {
    const total = Math.ceil((this.inputs * SAMPLE_RATE) / this.inputRate);
    const before = this.outputs;
    const parts: Float32Array[] = [];
    const silence = new Float32Array(Math.ceil(this.inputRate / 100));
    // The filter holds back a few ms; 1 s of silence is far more than its look-ahead.
    for (let i = 0; i < 100 && this.outputs < total; i++) parts.push(this.convert(silence));
    return join(parts).subarray(0, Math.max(0, total - before));
  }

  dispose(): void {
    this.src.destroy();
  }

  private convert(input: Float32Array): Float32Array {
    // Blocks over ~1M samples take the library's chunking path, which ignores subarray offsets.
    const parts: Float32Array[] = [];
    for (let i = 0; i < input.length; i += BLOCK) parts.push(this.src.full(input.subarray(i, i + BLOCK)));
    const out = join(parts);
    this.outputs += out.length;
    return out;
  }
}

function join(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
