import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CHUNK_BYTES } from '../../src/worker/audio/format';
import type { CaptureHandlers } from '../../src/worker/capture/capture';
import { VoxnoteError } from '../../src/shared/errors';
import { loadNaudiodon, openPortAudioCapture, portAudioInputs } from '../../src/worker/capture/portaudio';
import { watchCapture } from '../../src/worker/capture/watchdog';
import {
  analyseTone, assertCapturedTone, assertOneSkip, blockEventLoop, PULSE_MISSING, pulseAvailable, recordThrough, recordWhilePlaying,
  startVirtualAudio, stopThisProcess, suspendMic, until, VIRTUAL, writeToneWav, type VirtualAudio,
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
    assert.fail(e instanceof VoxnoteError ? `${e.message}. ${e.hint}` : String(e));
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



test('lists the PortAudio inputs (through Pulse: "pulse" and "default")', () => {
  const names = portAudioInputs(loadNaudiodon()).map((d) => d.name);
  assert.ok(names.includes('pulse') && names.includes('default'), names.join(', '));
});

test('captures the virtual microphone (default source)', async () => {
  const rec = await recordWhilePlaying(audio, openPortAudioCapture, { kind: 'mic' }, 'mic', wav);
  assert.equal(rec.device, VIRTUAL.mic);
  assertCapturedTone(rec, 'portaudio mic', (n) => n === CHUNK_BYTES, '100 ms chunks');
});

test('captures system audio through PULSE_SOURCE, then a named mic, in the same process', async () => {
  const sys = await recordWhilePlaying(audio, openPortAudioCapture, { kind: 'system' }, 'system', wav);
  assert.equal(sys.device, VIRTUAL.monitor);
  assertCapturedTone(sys, 'portaudio system', (n) => n === CHUNK_BYTES, '100 ms chunks');
  assert.equal(process.env.PULSE_SOURCE, undefined, 'PULSE_SOURCE is restored after opening');
  // Played into the speaker, the mic hears nothing: the source really is chosen per capture.
  const mic = await recordWhilePlaying(audio, openPortAudioCapture, { kind: 'mic', device: VIRTUAL.mic }, 'system', wav);
  assert.equal(mic.device, VIRTUAL.mic);
  assert.throws(() => analyseTone(mic.pcm), /no burst/);
});

test('an unknown device is rejected with device-not-found listing the sources', async () => {
  const handlers: CaptureHandlers = { onData() {}, onEnd() {}, onError() {} };
  await assert.rejects(openPortAudioCapture({ kind: 'mic', device: 'no-such-mic' }, handlers), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
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

test('audio PortAudio skips (its source suspended for 2 s) is reported once with its span, and capture goes on', async () => {
  const p = await recordThrough(openPortAudioCapture, () => suspendMic(2000));
  assertOneSkip(p, 'portaudio');
});

test('a reader that falls behind and catches up loses nothing and reports nothing (event loop busy 2.5 s, then the whole process stopped 2.5 s)', async () => {
  const p = await recordThrough(openPortAudioCapture, async () => {
    blockEventLoop(2500);
    await sleep(1000);
    await stopThisProcess(2500);
  });
  console.log(`portaudio behind: ${JSON.stringify(p)}`);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.drops, []);
  assert.ok(p.audioSeconds > p.wallSeconds - 0.3, `${p.audioSeconds} s of audio in ${p.wallSeconds} s`);
});

// Last: it kills the sound server.
test('a dead sound server is reported as capture-stalled by the watchdog, and stop() still returns', async () => {
  const errors: VoxnoteError[] = [];
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
