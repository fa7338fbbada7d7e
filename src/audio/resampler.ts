/**
 * Streaming conversion of mono float audio to 16 kHz, plus float -> s16le.
 *
 * Two engines. 'polyphase' (default) is a Kaiser-windowed sinc filter bank in
 * plain TypeScript: ~80 dB stopband, flat to ~7.2 kHz, and several times faster
 * than libsamplerate-js, whose WASM build needs ~30 s for 10 min of 48 kHz at
 * SRC_SINC_MEDIUM_QUALITY. 'libsamplerate' is kept as the reference.
 */
import { ConverterType, create } from '@alexanderolsen/libsamplerate-js';
import { SAMPLE_RATE } from '../worker/capture/capture';

export interface Resampler {
  readonly inputRate: number;
  /** Converts the next input block; output may lag by the filter's look-ahead. */
  push(input: Float32Array): Float32Array;
  /** End of input: returns the held-back tail. Total output = ceil(inputs * 16000 / inputRate). */
  flush(): Float32Array;
  /** Frees the engine's memory; the resampler is unusable afterwards. */
  dispose(): void;
}

export type ResamplerEngine = 'polyphase' | 'libsamplerate';

export async function createResampler(inputRate: number, engine: ResamplerEngine = 'polyphase'): Promise<Resampler> {
  if (!Number.isInteger(inputRate) || inputRate < 1) throw new Error(`Invalid input sample rate ${inputRate}.`);
  if (inputRate === SAMPLE_RATE) return passThrough();
  return engine === 'polyphase' ? new PolyphaseResampler(inputRate) : LibSampleRateResampler.create(inputRate);
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

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/** Modified Bessel function of the first kind, order 0 (for the Kaiser window). */
function bessel0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 100 && term > 1e-12 * sum; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

const STOPBAND_DB = 80;
/** Transition band, as a fraction of the lower Nyquist frequency, centred on it. */
const TRANSITION = 0.2;
/** Odd ratios (e.g. 44056 Hz) would need huge tables; beyond this the phase is rounded (< 1/8000 sample jitter). */
const MAX_PHASES = 4096;

/**
 * Output sample n sits at input time n * M / L (L/M = 16000/inputRate reduced),
 * tracked exactly in integers so hours of audio never drift.
 */
class PolyphaseResampler implements Resampler {
  private readonly up: number; // L
  private readonly down: number; // M
  private readonly half: number; // taps either side of the output instant
  private readonly taps: number;
  private readonly phases: number;
  private readonly bank: Float32Array;
  /** Input samples from absolute index `base` on. */
  private buf = new Float32Array(0);
  private base: number;
  /** Next output's input instant: integer part and phase numerator (over L). */
  private pos = 0;
  private phase = 0;
  private inputs = 0;
  private outputs = 0;

  constructor(readonly inputRate: number) {
    const g = gcd(inputRate, SAMPLE_RATE);
    this.up = SAMPLE_RATE / g;
    this.down = inputRate / g;
    const nyquist = Math.min(inputRate, SAMPLE_RATE) / 2;
    // Cutoff at the lower Nyquist: anything aliasing lands above 90% of it, outside the band speech models use.
    const cutoff = nyquist / inputRate; // cycles per input sample
    const width = (TRANSITION * nyquist) / inputRate;
    const length = (STOPBAND_DB - 8) / (2.285 * 2 * Math.PI * width); // Kaiser's estimate
    const reach = length / 2;
    this.half = Math.ceil(reach);
    this.taps = 2 * this.half;
    this.phases = Math.min(this.up, MAX_PHASES);
    this.bank = new Float32Array(this.phases * this.taps);
    const beta = 0.1102 * (STOPBAND_DB - 8.7);
    const norm = bessel0(beta);
    for (let p = 0; p < this.phases; p++) {
      const row = this.bank.subarray(p * this.taps, (p + 1) * this.taps);
      let sum = 0;
      for (let k = 0; k < this.taps; k++) {
        // Tap k multiplies input (pos - half + 1 + k); t is its distance from the output instant.
        const t = p / this.phases - (k - this.half + 1);
        const r = t / reach;
        if (Math.abs(r) >= 1) continue;
        const x = 2 * cutoff * t;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        row[k] = sinc * (bessel0(beta * Math.sqrt(1 - r * r)) / norm);
        sum += row[k];
      }
      // Unit gain in every phase, so DC and level stay exact.
      for (let k = 0; k < this.taps; k++) row[k] /= sum;
    }
    // Silence before the start, so the first outputs have history.
    this.buf = new Float32Array(this.half - 1);
    this.base = -(this.half - 1);
  }

  push(input: Float32Array): Float32Array {
    this.inputs += input.length;
    this.append(input);
    return this.run(Infinity);
  }

  flush(): Float32Array {
    const total = Math.ceil((this.inputs * this.up) / this.down);
    this.append(new Float32Array(this.half + 1));
    return this.run(total - this.outputs);
  }

  dispose(): void {
    this.buf = new Float32Array(0);
  }

  private append(input: Float32Array): void {
    // Keep only what the next output still needs.
    const keep = Math.max(0, this.pos - this.half + 1 - this.base);
    const old = this.buf.subarray(Math.min(keep, this.buf.length));
    const buf = new Float32Array(old.length + input.length);
    buf.set(old);
    buf.set(input, old.length);
    this.base += keep;
    this.buf = buf;
  }

  private run(limit: number): Float32Array {
    const { up, down, half, taps, phases, bank, buf, base } = this;
    // Last input index usable; a rounded phase may reach one sample further.
    const last = base + buf.length - 1 - (phases === up ? 0 : 1);
    const stepWhole = Math.floor(down / up);
    const stepPhase = down % up;
    let pos = this.pos;
    let phase = this.phase;
    const count = Math.max(0, Math.min(limit, Math.ceil(((last + 1 - half - pos) * up - phase) / down)));
    const out = new Float32Array(count);
    for (let n = 0; n < count; n++) {
      let row = phase;
      let start = pos - half + 1 - base;
      if (phases !== up) {
        row = Math.round((phase * phases) / up);
        if (row === phases) {
          row = 0;
          start++;
        }
      }
      const b = row * taps;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += buf[start + k] * bank[b + k];
      out[n] = acc;
      pos += stepWhole;
      phase += stepPhase;
      if (phase >= up) {
        phase -= up;
        pos++;
      }
    }
    this.pos = pos;
    this.phase = phase;
    this.outputs += count;
    return out;
  }
}

/** libsamplerate's own WASM port. Its `full` API never sets end_of_input, so flush() feeds silence. */
class LibSampleRateResampler implements Resampler {
  private inputs = 0;
  private outputs = 0;

  private constructor(
    readonly inputRate: number,
    private readonly src: Awaited<ReturnType<typeof create>>,
  ) {}

  static async create(inputRate: number): Promise<LibSampleRateResampler> {
    try {
      const src = await create(1, inputRate, SAMPLE_RATE, { converterType: ConverterType.SRC_SINC_MEDIUM_QUALITY });
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
    // The filter holds back a few ms; 1 s of silence is far more than any converter's delay.
    for (let i = 0; i < 100 && this.outputs < total; i++) parts.push(this.convert(silence));
    return join(parts).subarray(0, Math.max(0, total - before));
  }

  dispose(): void {
    this.src.destroy();
  }

  private convert(input: Float32Array): Float32Array {
    // Blocks over ~1M samples take the library's chunking path, which ignores subarray offsets.
    const parts: Float32Array[] = [];
    for (let i = 0; i < input.length; i += 65536) parts.push(this.src.full(input.subarray(i, i + 65536)));
    const out = join(parts);
    this.outputs += out.length;
    return out;
  }
}

const sum = (parts: Float32Array[]) => parts.reduce((n, p) => n + p.length, 0);

function join(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(sum(parts));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
