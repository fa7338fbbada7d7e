import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createResampler, floatToS16le, Resampler } from '../../../src/worker/audio/resampler';
import { sine } from '../../support/wavFixture';

/** Feeds `input` in uneven blocks, as file reads do, then flushes and frees the resampler. */
function run(r: Resampler, input: Float32Array, blocks = [997, 4096, 1, 333]): Float32Array {
  const parts: Float32Array[] = [];
  try {
    for (let i = 0, b = 0; i < input.length; b++) {
      const n = blocks[b % blocks.length];
      parts.push(r.push(input.subarray(i, i + n)));
      i += n;
    }
    parts.push(r.flush());
  } finally {
    r.dispose();
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Frequency from interpolated zero crossings. */
function frequency(x: Float32Array, rate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < x.length; i++) {
    if ((x[i - 1] < 0 && x[i] >= 0) || (x[i - 1] >= 0 && x[i] < 0)) crossings.push(i - 1 + x[i - 1] / (x[i - 1] - x[i]));
  }
  return ((crossings.length - 1) / 2 / (crossings[crossings.length - 1] - crossings[0])) * rate;
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
const db = (gain: number) => 20 * Math.log10(gain);
/** The steady middle, away from the start/end transients. */
const middle = (x: Float32Array) => x.subarray(Math.floor(x.length * 0.1), Math.floor(x.length * 0.9));
const expectedLength = (frames: number, rate: number) => Math.ceil((frames * 16000) / rate);

describe('resampler (libsamplerate, SRC_SINC_FASTEST)', () => {
  for (const rate of [8000, 11025, 22050, 32000, 44100, 48000, 96000, 44056, 47999, 12345]) {
    test(`${rate} Hz -> 16 kHz keeps a 1 kHz sine's frequency, level, timing and length`, async () => {
      const input = sine(1000, rate, 1.3, 0.5);
      const out = run(await createResampler(rate), input);
      assert.equal(out.length, expectedLength(input.length, rate));
      const mid = middle(out);
      assert.ok(Math.abs(frequency(mid, 16000) - 1000) < 0.5, `frequency ${frequency(mid, 16000)}`);
      assert.ok(Math.abs(rms(mid) - 0.5 / Math.SQRT2) < 0.002, `rms ${rms(mid)}`);
      // No delay: sample n is the sine at time n / 16000.
      const ideal = sine(1000, 16000, 1.3, 0.5);
      let worst = 0;
      for (let n = 1600; n < out.length - 1600; n++) worst = Math.max(worst, Math.abs(out[n] - ideal[n]));
      assert.ok(worst < 1e-3, `worst deviation from the ideal sine ${worst}`);
    });
  }

  test('exact output length for odd input lengths', async () => {
    for (const rate of [8000, 11025, 22050, 44100, 48000, 96000, 44056, 12345]) {
      for (const frames of [7, 100, 4801, 65537, 100003]) {
        const input = new Float32Array(frames).fill(0.25);
        const out = run(await createResampler(rate), input);
        assert.equal(out.length, expectedLength(frames, rate), `${frames} frames at ${rate} Hz`);
      }
    }
  });

  // SRC_SINC_FASTEST's passband is 80% of the output Nyquist (6.4 kHz). Measured: 5.5 kHz -0.01 dB,
  // 6 kHz -0.5 dB, 6.4 kHz -2.8 dB, 7 kHz -13.8 dB; 9-20 kHz -97 dB or lower (worst 9.5 kHz from 48 kHz).
  const gain = async (freq: number, rate = 48000) =>
    rms(middle(run(await createResampler(rate), sine(freq, rate, 0.5, 0.5)))) / (0.5 / Math.SQRT2);

  test('passes the speech band (to 5.5 kHz) flat', async () => {
    for (const rate of [8000, 22050, 44100, 48000, 96000]) {
      for (const f of [300, 1000, 2500, 3000, 5000, 5500]) {
        // Flat (< 0.1 dB) to ~69% of the lower Nyquist: 5.5 kHz, or 2.75 kHz from 8 kHz.
        if (f > 0.69 * Math.min(rate, 16000) * 0.5) continue;
        const g = db(await gain(f, rate));
        assert.ok(Math.abs(g) < 0.1, `${f} Hz from ${rate} Hz: ${g.toFixed(3)} dB`);
      }
    }
  });

  test('rejects what would alias (9 kHz and up)', async () => {
    for (const rate of [22050, 44100, 48000, 96000]) {
      for (const f of [9000, 9500, 10000, 12000, 15000, 20000, 30000]) {
        if (f >= rate / 2) continue;
        const g = db(await gain(f, rate));
        assert.ok(g < -80, `${f} Hz from ${rate} Hz leaks at ${g.toFixed(1)} dB`);
      }
    }
  });

  test('block size does not change the output', async () => {
    for (const rate of [44100, 8000]) {
      const input = sine(440, rate, 0.7, 0.9);
      const whole = run(await createResampler(rate), input, [input.length]);
      const pieces = run(await createResampler(rate), input, [1, 2, 3, 50, 1000, 7]);
      assert.deepEqual(pieces, whole);
    }
  });

  test('long blocks (past the library\'s 1M-sample limit) convert like short ones', async () => {
    const input = sine(440, 48000, 30, 0.5); // 1.44M samples
    const whole = run(await createResampler(48000), input, [input.length]);
    const pieces = run(await createResampler(48000), input, [4096]);
    assert.equal(whole.length, expectedLength(input.length, 48000));
    assert.deepEqual(whole, pieces);
  });

  test('16 kHz input passes through untouched', async () => {
    const input = sine(1000, 16000, 0.2);
    const r = await createResampler(16000);
    assert.equal(r.push(input), input);
    assert.equal(r.flush().length, 0);
    r.dispose();
    const out = run(await createResampler(16000), input);
    assert.deepEqual(floatToS16le(out), floatToS16le(input));
  });

  test('empty and tiny inputs', async () => {
    assert.equal(run(await createResampler(48000), new Float32Array(0)).length, 0);
    assert.equal(run(await createResampler(48000), new Float32Array(1)).length, 1);
    assert.equal(run(await createResampler(48000), new Float32Array(4)).length, 2);
    assert.equal(run(await createResampler(8000), new Float32Array(3)).length, 6);
    const r = await createResampler(44100);
    assert.equal(r.push(new Float32Array(0)).length, 0);
    assert.equal(r.flush().length, 0);
    r.dispose();
  });

  test('rejects invalid and unsupported rates with a clear error', async () => {
    await assert.rejects(createResampler(0), /Invalid input sample rate 0/);
    await assert.rejects(createResampler(-8000), /Invalid input sample rate/);
    await assert.rejects(createResampler(44100.5), /Invalid input sample rate/);
    await assert.rejects(createResampler(NaN), /Invalid input sample rate/);
    await assert.rejects(createResampler(62), /Unsupported input sample rate 62 Hz \(supported: 63-192000 Hz\)/);
    await assert.rejects(createResampler(192001), /Unsupported input sample rate 192001 Hz/);
    // The extremes still work.
    for (const rate of [63, 192000]) {
      const out = run(await createResampler(rate), sine(10, rate, 1, 0.5));
      assert.equal(out.length, 16000);
    }
  });
});

describe('floatToS16le', () => {
  test('scales, rounds and clips', () => {
    const pcm = floatToS16le(new Float32Array([0, 0.5, -0.5, 1, -1, 1.7, -3, NaN, 1 / 32768]));
    const values = Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));
    assert.deepEqual(values, [0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 1]);
  });
});
