import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileSource } from '../../src/shared/protocol';
import { CHUNK_BYTES } from '../../src/worker/audio/format';
import type { Capture } from '../../src/worker/capture/capture';
import { VoxnoteError } from '../../src/shared/errors';
import { openFileCapture } from '../../src/worker/capture/file';
import { encodeSamples, makeWav, sine, tempDir, writeTemp } from '../support/wavFixture';

const dir = tempDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  capture: Capture;
  chunks: Buffer[];
  /** Resolves on onEnd, rejects on onError. */
  ended: Promise<void>;
}

async function start(source: Omit<FileSource, 'kind'>, onData?: (chunk: Buffer) => void): Promise<Run> {
  const chunks: Buffer[] = [];
  let end!: () => void;
  let fail!: (e: Error) => void;
  const ended = new Promise<void>((resolve, reject) => ((end = resolve), (fail = reject)));
  const capture = await openFileCapture(
    { kind: 'file', ...source },
    {
      onData: (pcm) => {
        chunks.push(pcm);
        onData?.(pcm);
      },
      onEnd: () => end(),
      onError: (e) => fail(e),
    },
  );
  return { capture, chunks, ended };
}

function assertChunked(chunks: Buffer[], totalBytes: number): void {
  assert.equal(
    chunks.reduce((n, c) => n + c.length, 0),
    totalBytes,
  );
  chunks.slice(0, -1).forEach((c, i) => assert.equal(c.length, CHUNK_BYTES, `chunk ${i}`));
  assert.ok(chunks[chunks.length - 1].length <= CHUNK_BYTES);
}

const s16 = (chunks: Buffer[]) => {
  const all = Buffer.concat(chunks);
  return Float32Array.from({ length: all.length / 2 }, (_, i) => all.readInt16LE(i * 2) / 32768);
};

describe('file capture', () => {
  test('16 kHz mono s16 WAV comes through byte for byte, in 3200-byte chunks', async () => {
    const samples = sine(440, 16000, 1.234, 0.6);
    const file = writeTemp(dir, 'mono16k.wav', makeWav({ sampleRate: 16000, channels: 1, format: 's16', samples }));
    const run = await start({ path: file });
    assert.equal(run.capture.backend, 'file');
    assert.equal(run.capture.device, file);
    assert.ok(Math.abs(run.capture.totalSeconds! - 1.234) < 1e-9);
    await run.ended;
    assertChunked(run.chunks, samples.length * 2);
    assert.ok(Buffer.concat(run.chunks).equals(encodeSamples(samples, 's16')));
    await run.capture.stop();
  });

  for (const [rate, channels, format] of [
    [44100, 2, 's24'],
    [48000, 2, 'f32'],
    [8000, 1, 'u8'],
    [22050, 3, 's32'],
  ] as const) {
    test(`${rate} Hz ${channels}-channel ${format} is converted to 16 kHz mono`, async () => {
      const samples = sine(1000, rate, 2.05, 0.5, channels);
      const file = writeTemp(dir, `t${rate}.wav`, makeWav({ sampleRate: rate, channels, format, samples, extensible: channels > 2 }));
      const run = await start({ path: file });
      assert.ok(Math.abs(run.capture.totalSeconds! - 2.05) < 1e-3);
      await run.ended;
      const frames = samples.length / channels;
      assertChunked(run.chunks, 2 * Math.ceil((frames * 16000) / rate));
      const out = s16(run.chunks).subarray(3200, 28800);
      const rms = Math.sqrt(out.reduce((s, v) => s + v * v, 0) / out.length);
      assert.ok(Math.abs(rms - 0.5 / Math.SQRT2) < 0.01, `rms ${rms}`);
    });
  }

  test('raw s16le with an explicit layout', async () => {
    const samples = sine(1000, 48000, 1, 0.5, 2);
    const file = writeTemp(dir, 'stereo48k.bin', encodeSamples(samples, 's16'));
    const run = await start({ path: file, raw: { sampleRate: 48000, channels: 2 } });
    assert.equal(run.capture.totalSeconds, 1);
    await run.ended;
    assertChunked(run.chunks, 32000);
  });

  for (const ext of ['.raw', '.pcm', '.s16le']) {
    test(`a ${ext} file without a layout is 16 kHz mono`, async () => {
      const bytes = encodeSamples(sine(300, 16000, 0.55), 's16');
      const run = await start({ path: writeTemp(dir, `plain${ext}`, bytes) });
      await run.ended;
      assert.ok(Buffer.concat(run.chunks).equals(bytes));
      assertChunked(run.chunks, bytes.length);
    });
  }

  test('an empty WAV ends without data', async () => {
    const file = writeTemp(dir, 'empty.wav', makeWav({ sampleRate: 44100, channels: 2, format: 's16', samples: new Float32Array(0) }));
    const run = await start({ path: file });
    await run.ended;
    assert.equal(run.chunks.length, 0);
    assert.equal(run.capture.totalSeconds, 0);
  });

  test('realtime delivery is not faster than real time', async () => {
    const file = writeTemp(dir, 'rt.wav', makeWav({ sampleRate: 48000, channels: 1, format: 's16', samples: sine(500, 48000, 1) }));
    const t0 = performance.now();
    const arrivals: number[] = [];
    const run = await start({ path: file, realtime: true }, () => arrivals.push(performance.now() - t0));
    await run.ended;
    const elapsed = performance.now() - t0;
    assert.ok(elapsed >= 900, `1 s of audio took ${elapsed} ms`);
    // Chunk k arrives no earlier than when its 100 ms would have been recorded.
    arrivals.forEach((at, k) => assert.ok(at >= (k + 1) * 100 - 5, `chunk ${k} at ${at} ms`));
    assertChunked(run.chunks, 32000);
  });

  test('stop() halts realtime delivery', async () => {
    const file = writeTemp(dir, 'long.wav', makeWav({ sampleRate: 16000, channels: 1, format: 's16', samples: sine(500, 16000, 5) }));
    let ended = false;
    const run = await start({ path: file, realtime: true });
    run.ended.then(() => (ended = true));
    await sleep(350);
    await run.capture.stop();
    const count = run.chunks.length;
    assert.ok(count >= 2 && count <= 5, `${count} chunks before stop`);
    await sleep(300);
    assert.equal(run.chunks.length, count);
    assert.equal(ended, false);
  });

  test('stop() halts fast delivery promptly, even when called from onData', async () => {
    const samples = sine(500, 48000, 60, 0.5, 2);
    const file = writeTemp(dir, 'fast.wav', makeWav({ sampleRate: 48000, channels: 2, format: 's16', samples }));
    let stopping: Promise<void> | undefined;
    let run!: Run;
    run = await start({ path: file }, () => {
      if (run && run.chunks.length === 30) stopping = run.capture.stop();
    });
    let ended = false;
    run.ended.then(() => (ended = true));
    while (!stopping) await sleep(5);
    await stopping;
    const count = run.chunks.length;
    assert.equal(count, 30);
    await sleep(200);
    assert.equal(run.chunks.length, count);
    assert.equal(ended, false);
  });

  test('fast delivery lets timers run while it works', async () => {
    const samples = sine(500, 44100, 60, 0.5, 2);
    const file = writeTemp(dir, 'busy.wav', makeWav({ sampleRate: 44100, channels: 2, format: 's16', samples }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const run = await start({ path: file });
    await run.ended;
    clearInterval(timer);
    assert.ok(ticks > 0, 'the event loop never got a turn');
    assertChunked(run.chunks, 2 * Math.ceil((samples.length / 2) * (16000 / 44100)));
  });
});

describe('file capture errors', () => {
  const rejectsWith = async (source: Omit<FileSource, 'kind'>, code: string, message: RegExp, hint: RegExp) =>
    assert.rejects(start(source), (e: Error) => {
      assert.ok(e instanceof VoxnoteError, `${e}`);
      assert.equal(e.code, code);
      assert.match(e.message, message);
      assert.match(e.hint, hint);
      return true;
    });

  test('missing file', () => rejectsWith({ path: `${dir}/nope.wav` }, 'file-not-found', /not found: .*nope\.wav/, /Check the path/));

  test('a folder', () => rejectsWith({ path: dir }, 'file-not-found', /is a folder/, /WAV/));

  test('mu-law WAV', () => {
    const bytes = makeWav({ sampleRate: 8000, channels: 1, format: 'u8', samples: new Float32Array(80), fmtOverride: { tag: 7, bits: 8 } });
    return rejectsWith({ path: writeTemp(dir, 'ulaw.wav', bytes) }, 'unsupported-audio', /mu-law/, /ffmpeg -i ".*ulaw\.wav" -ar 16000 -ac 1 ".*ulaw-16k\.wav"/);
  });

  test('an MP3 named .wav', () => {
    const bytes = Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'), Buffer.alloc(200)]);
    return rejectsWith({ path: writeTemp(dir, 'song.wav', bytes) }, 'unsupported-audio', /not a WAV: found MP3/, /ffmpeg/);
  });

  test('a bad raw layout', () =>
    rejectsWith({ path: writeTemp(dir, 'x.raw', Buffer.alloc(10)), raw: { sampleRate: 0, channels: 1 } }, 'unsupported-audio', /0 Hz/, /raw\.sampleRate/));
});
