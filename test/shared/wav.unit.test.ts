import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { open } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { AudioFormatError, BYTES_PER_SAMPLE, decodeToMono, readWavInfo, WavInfo } from '../../src/shared/wav';
import { encodeSamples, FixtureFormat, makeWav, sine, tempDir, WavSpec, writeTemp } from '../support/wavFixture';

const dir = tempDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
async function info(bytes: Buffer): Promise<WavInfo> {
  const fh = await open(writeTemp(dir, `t${counter++}.wav`, bytes), 'r');
  try {
    return await readWavInfo(fh);
  } finally {
    await fh.close();
  }
}

/** Largest quantisation step of each format, as a tolerance. */
const STEP: Record<FixtureFormat, number> = { u8: 1 / 128, s16: 1 / 32768, s24: 1 / 8388608, s32: 1e-9, f32: 1e-7 };

function spec(format: FixtureFormat, channels: number, extra: Partial<WavSpec> = {}): WavSpec {
  const mono = sine(440, 22050, 0.1, 0.8);
  const samples = new Float32Array(mono.length * channels);
  // Different content per channel, so a wrong downmix shows.
  mono.forEach((v, i) => {
    for (let c = 0; c < channels; c++) samples[i * channels + c] = c === 0 ? v : v * (c % 2 ? -0.5 : 0.25);
  });
  return { sampleRate: 22050, channels, format, samples, ...extra };
}

function expectedMono(s: WavSpec): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.samples.length; i += s.channels) {
    let sum = 0;
    for (let c = 0; c < s.channels; c++) sum += s.samples[i + c];
    out.push(sum / s.channels);
  }
  return out;
}

function assertDecodes(bytes: Buffer, wav: WavInfo, s: WavSpec): void {
  const { samples, rest } = decodeToMono(bytes.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes), wav.format, wav.channels);
  assert.equal(rest.length, 0);
  const want = expectedMono(s);
  assert.equal(samples.length, want.length);
  const worst = want.reduce((m, v, i) => Math.max(m, Math.abs(v - samples[i])), 0);
  assert.ok(worst <= STEP[s.format], `max error ${worst}`);
}

describe('readWavInfo + decodeToMono', () => {
  const formats: FixtureFormat[] = ['u8', 's16', 's24', 's32', 'f32'];
  for (const format of formats) {
    for (const channels of [1, 2, 3]) {
      test(`${format}, ${channels} channel(s)`, async () => {
        const s = spec(format, channels);
        const bytes = makeWav(s);
        const wav = await info(bytes);
        const { durationSeconds, ...rest } = wav;
        const expected: Omit<WavInfo, 'durationSeconds'> = {
          sampleRate: 22050,
          channels,
          format,
          dataOffset: 44,
          dataBytes: s.samples.length * BYTES_PER_SAMPLE[format],
        };
        assert.deepEqual(rest, expected);
        assert.ok(Math.abs(durationSeconds - 0.1) < 1e-9);
        assertDecodes(bytes, wav, s);
      });
    }
  }

  for (const format of ['s16', 's24', 'f32'] as const) {
    test(`WAVE_FORMAT_EXTENSIBLE ${format}`, async () => {
      const s = spec(format, 2, { extensible: true });
      const bytes = makeWav(s);
      const wav = await info(bytes);
      assert.equal(wav.format, format);
      assert.equal(wav.dataOffset, 12 + 8 + 40 + 8);
      assertDecodes(bytes, wav, s);
    });
  }

  test('skips unknown chunks, including odd-sized ones with their pad byte', async () => {
    const s = spec('s16', 1, {
      chunksBefore: [
        { id: 'LIST', body: Buffer.from('INFOISFT\x05\x00\x00\x00Lavf\x00', 'latin1') }, // 17 bytes: padded
        { id: 'JUNK', body: Buffer.alloc(3) },
        { id: 'bext', body: Buffer.alloc(602) },
      ],
    });
    const bytes = makeWav(s);
    const wav = await info(bytes);
    assert.equal(wav.dataOffset, 12 + 24 + (8 + 18) + (8 + 4) + (8 + 602) + 8);
    assertDecodes(bytes, wav, s);
  });

  for (const size of [0, 0xffffffff]) {
    test(`data size 0x${size.toString(16)} means "to the end of the file"`, async () => {
      const s = spec('s16', 2, { dataSize: size });
      const wav = await info(makeWav(s));
      assert.equal(wav.dataBytes, s.samples.length * 2);
      assert.ok(Math.abs(wav.durationSeconds - 0.1) < 1e-9);
    });
  }

  test('a data size past the end of a truncated file is clamped', async () => {
    const s = spec('s16', 1, { dataSize: 1_000_000 });
    const wav = await info(makeWav(s));
    assert.equal(wav.dataBytes, s.samples.length * 2);
  });

  test('RF64 takes the data size from ds64', async () => {
    const s = spec('s16', 1, { dataSize: 0xffffffff });
    const bytes = makeWav(s);
    // Rebuild as RF64 with a ds64 chunk right after WAVE that states half the data.
    const ds64 = Buffer.alloc(8 + 28);
    ds64.write('ds64', 0, 'latin1');
    ds64.writeUInt32LE(28, 4);
    ds64.writeBigUInt64LE(BigInt(s.samples.length), 16);
    const rf64 = Buffer.concat([Buffer.from('RF64\xff\xff\xff\xffWAVE', 'latin1'), ds64, bytes.subarray(12)]);
    const wav = await info(rf64);
    assert.equal(wav.dataBytes, s.samples.length);
    assert.equal(wav.dataOffset, 12 + 36 + 24 + 8);
  });
});

describe('unsupported input gives a clear error', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['IMA ADPCM', makeWav({ ...spec('s16', 1), fmtOverride: { tag: 0x11, bits: 4 } }), /IMA ADPCM/],
    ['MS ADPCM', makeWav({ ...spec('s16', 1), fmtOverride: { tag: 0x02, bits: 4 } }), /Microsoft ADPCM/],
    ['mu-law', makeWav({ ...spec('u8', 1), fmtOverride: { tag: 0x07, bits: 8 } }), /mu-law/],
    ['A-law', makeWav({ ...spec('u8', 1), fmtOverride: { tag: 0x06, bits: 8 } }), /A-law/],
    ['64-bit float', makeWav({ ...spec('s32', 1), samples: new Float32Array(8), fmtOverride: { tag: 3, bits: 64 } }), /64-bit float/],
    ['12-bit PCM', makeWav({ ...spec('s16', 1), fmtOverride: { tag: 1, bits: 12 } }), /12-bit PCM/],
    ['FLAC', Buffer.from('fLaC\0\0\0\x22 rest of a flac stream', 'latin1'), /not a WAV: found FLAC/],
    ['MP3', Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'), Buffer.alloc(100)]), /found MP3/],
    ['text', Buffer.from('hello, this is not audio at all\n'), /not a WAV: found no WAV header/],
    ['AVI', Buffer.concat([Buffer.from('RIFF\x10\0\0\0AVI LIST', 'latin1'), Buffer.alloc(8)]), /RIFF file of type "AVI "/],
    ['tiny', Buffer.from('RIF'), /too short/],
    ['no data chunk', makeWav(spec('s16', 1)).subarray(0, 36), /no "data" chunk/],
  ];
  const badGuid = makeWav(spec('s16', 2, { extensible: true }));
  badGuid[12 + 8 + 24 + 5] ^= 0xff;
  cases.push(['unknown extensible subformat', badGuid, /unknown extensible subformat/]);

  for (const [name, bytes, pattern] of cases) {
    test(name, async () => {
      await assert.rejects(info(bytes), (e: Error) => {
        assert.ok(e instanceof AudioFormatError, `${e}`);
        assert.match(e.message, pattern);
        // Every message ends by telling what would work, except structural damage.
        if (!/truncated|too short|no "|inconsistent/.test(e.message)) assert.match(e.message, /supported: WAV with PCM 8\/16\/24\/32-bit/i);
        return true;
      });
    });
  }
});

describe('decodeToMono with partial frames', () => {
  for (const format of ['u8', 's16', 's24', 'f32'] as const) {
    test(`${format} stereo split at every awkward offset`, () => {
      const samples = sine(1000, 8000, 0.01, 0.7, 2);
      const bytes = encodeSamples(samples, format);
      const whole = decodeToMono(bytes, format, 2).samples;
      for (const step of [1, 5, 7, 13]) {
        const parts: number[] = [];
        let rest: Buffer = Buffer.alloc(0);
        for (let i = 0; i < bytes.length; i += step) {
          const d = decodeToMono(Buffer.concat([rest, bytes.subarray(i, i + step)]), format, 2);
          parts.push(...d.samples);
          rest = d.rest;
        }
        assert.equal(rest.length, 0);
        assert.deepEqual(parts, Array.from(whole));
      }
    });
  }

  test('returns the trailing partial frame', () => {
    const d = decodeToMono(Buffer.from([0, 0, 0, 0, 1, 2, 3]), 's16', 2);
    assert.equal(d.samples.length, 1);
    assert.deepEqual([...d.rest], [1, 2, 3]);
  });
});
