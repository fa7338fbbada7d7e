import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CaptureError, CHUNK_BYTES, SAMPLE_RATE, type CaptureHandlers } from '../../src/worker/capture/capture';
import { loadNaudiodon, openPortAudioCapture, portAudioInputs } from '../../src/worker/capture/portaudio';
import { watchCapture } from '../../src/worker/capture/watchdog';
import {
  analyseTone, PULSE_MISSING, pulseAvailable, recordWhilePlaying, startVirtualAudio, TONE, VIRTUAL,
  writeToneWav, type Recording, type VirtualAudio,
} from '../support/pulse';

let audio: VirtualAudio;
let tmp: string;
let wav: string;

before(async () => {
  assert.ok(pulseAvailable(), PULSE_MISSING);
  // Fails (not skips) with the reason and the build hint when the addon is missing.
  try {
    loadNaudiodon();
  } catch (e) {
    assert.fail(e instanceof CaptureError ? `${e.message}. ${e.hint}` : String(e));
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vxa-'));
  wav = path.join(tmp, 'tone.wav');
  writeToneWav(wav);
  audio = await startVirtualAudio(tmp);
});

after(async () => {
  await audio?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function assertTone(rec: Recording, label: string): void {
  const a = analyseTone(rec.pcm);
  const expected = TONE.amplitude / Math.SQRT2;
  const db = (v: number): string => (20 * Math.log10(v)).toFixed(1);
  console.log(
    `${label}: device ${rec.device}, first data ${rec.firstDataMs.toFixed(0)} ms, chunks ${[...new Set(rec.chunkSizes)].join('/')} B, ` +
      `bursts ${a.burstRms.map(db).join('/')} dBFS (expected ${db(expected)}), gap ${db(a.gapRms)} dBFS, tail ${db(a.tailRms)} dBFS, ${a.hz.toFixed(0)} Hz`,
  );
  assert.deepEqual(rec.errors, []);
  assert.ok(rec.chunkSizes.every((n) => n === CHUNK_BYTES), '100 ms chunks');
  const rate = rec.pcm.length / 2 / rec.seconds;
  assert.ok(Math.abs(rate - SAMPLE_RATE) < SAMPLE_RATE * 0.1, `~16000 samples/s, got ${rate.toFixed(0)}`);
  assert.ok(Math.abs(a.hz - TONE.hz) < 15, `1 kHz at 16 kHz sampling, got ${a.hz.toFixed(1)} Hz`);
  for (const r of a.burstRms) assert.ok(Math.abs(20 * Math.log10(r / expected)) < 1, `burst level ${db(r)} dBFS`);
  assert.ok(a.gapRms < 0.003 && a.tailRms < 0.003, 'silence between and after the bursts');
}

test('lists the PortAudio inputs (through Pulse: "pulse" and "default")', () => {
  const names = portAudioInputs(loadNaudiodon()).map((d) => d.name);
  assert.ok(names.includes('pulse') && names.includes('default'), names.join(', '));
});

test('captures the virtual microphone (default source)', async () => {
  const rec = await recordWhilePlaying(audio, openPortAudioCapture, { kind: 'mic' }, 'mic', wav);
  assert.equal(rec.device, VIRTUAL.mic);
  assertTone(rec, 'portaudio mic');
});

test('captures system audio through PULSE_SOURCE, then a named mic, in the same process', async () => {
  const sys = await recordWhilePlaying(audio, openPortAudioCapture, { kind: 'system' }, 'system', wav);
  assert.equal(sys.device, VIRTUAL.monitor);
  assertTone(sys, 'portaudio system');
  assert.equal(process.env.PULSE_SOURCE, undefined, 'PULSE_SOURCE is restored after opening');
  // Played into the speaker, the mic hears nothing: the source really is chosen per capture.
  const mic = await recordWhilePlaying(audio, openPortAudioCapture, { kind: 'mic', device: VIRTUAL.mic }, 'system', wav);
  assert.equal(mic.device, VIRTUAL.mic);
  assert.throws(() => analyseTone(mic.pcm), /no burst/);
});

test('an unknown device is rejected with device-not-found listing the sources', async () => {
  const handlers: CaptureHandlers = { onData() {}, onEnd() {}, onError() {} };
  await assert.rejects(openPortAudioCapture({ kind: 'mic', device: 'no-such-mic' }, handlers), (e: unknown) => {
    assert.ok(e instanceof CaptureError);
    assert.equal(e.code, 'device-not-found');
    assert.match(e.message, /no-such-mic.*virtmic/);
    return true;
  });
});

test('no data after stop(), and stop() is quick', async () => {
  let after = 0;
  let stopped = false;
  const capture = await openPortAudioCapture({ kind: 'mic' }, {
    onData() {
      if (stopped) after++;
    },
    onEnd() {},
    onError(e) {
      assert.fail(e);
    },
  });
  await sleep(300);
  const t = Date.now();
  await capture.stop();
  stopped = true;
  console.log(`portaudio stop() took ${Date.now() - t} ms`);
  assert.ok(Date.now() - t < 1500);
  await sleep(300);
  assert.equal(after, 0);
});

// Last: it kills the sound server.
test('a dead sound server is reported as capture-stalled by the watchdog, and stop() still returns', async () => {
  const errors: CaptureError[] = [];
  let chunks = 0;
  const dog = watchCapture({ onData: () => void chunks++, onEnd() {}, onError: (e) => void errors.push(e) });
  const capture = await openPortAudioCapture({ kind: 'mic' }, dog.handlers);
  dog.start(capture.device);
  await until(() => chunks > 0, 3000, 'first data');
  process.kill(audio.daemonPid, 'SIGKILL');
  const t = Date.now();
  await until(() => errors.length > 0, 6000, 'capture-stalled');
  const ms = Date.now() - t;
  console.log(`portaudio stall reported ${ms} ms after the server was killed (${chunks} chunks before)`);
  assert.equal(errors[0].code, 'capture-stalled');
  assert.ok(ms >= 2000 && ms < 4000, `stall after ${ms} ms`);
  const t2 = Date.now();
  await capture.stop();
  dog.stop();
  console.log(`portaudio stop() after server death took ${Date.now() - t2} ms`);
  assert.ok(Date.now() - t2 < 1500);
  assert.equal(errors.length, 1);
});
