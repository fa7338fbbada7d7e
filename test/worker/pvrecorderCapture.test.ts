// PvRecorder for real, through the virtual PulseAudio devices: the same JS runs
// on Windows (WASAPI) and macOS (Core Audio), where only the addon differs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { VoxnoteError } from '../../src/shared/errors';
import type { CaptureHandlers } from '../../src/worker/capture/capture';
import { FRAME_SAMPLES, loadPvRecorder, openPvRecorderCapture, pvRecorderInputs } from '../../src/worker/capture/pvrecorder';
import {
  analyseTone, assertCapturedTone, PULSE_MISSING, pulseAvailable, recordWhilePlaying, startVirtualAudio, writeToneWav, type VirtualAudio,
} from '../support/pulse';

let audio: VirtualAudio;
let tmp: string;
let wav: string;

before(async () => {
  assert.ok(pulseAvailable(), PULSE_MISSING);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vxp-'));
  wav = path.join(tmp, 'tone.wav');
  writeToneWav(wav);
  audio = await startVirtualAudio(tmp);
});

after(async () => {
  await audio?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('lists the inputs with the system default marked once', () => {
  const inputs = pvRecorderInputs(loadPvRecorder());
  assert.deepEqual(inputs.map((d) => d.name).sort(), ['Monitor of MicFeed', 'Monitor of VirtualSpeaker', 'VirtualMic']);
  assert.deepEqual(inputs.filter((d) => d.isDefault).map((d) => d.name), ['VirtualMic']);
});

test('captures the default microphone as 16 kHz mono in 50 ms frames', async () => {
  const rec = await recordWhilePlaying(audio, openPvRecorderCapture, { kind: 'mic' }, 'mic', wav);
  assert.equal(rec.device, 'VirtualMic');
  assertCapturedTone(rec, 'pvrecorder mic', (n) => n === FRAME_SAMPLES * 2, '50 ms frames');
});

test('system audio without a name is the first input that carries it; a mic played into the speaker hears nothing', async () => {
  const sys = await recordWhilePlaying(audio, openPvRecorderCapture, { kind: 'system' }, 'system', wav);
  // The server lists the speaker's monitor first (its sink was created first).
  assert.equal(sys.device, 'Monitor of VirtualSpeaker');
  assertCapturedTone(sys, 'pvrecorder system', (n) => n === FRAME_SAMPLES * 2, '50 ms frames');
  const mic = await recordWhilePlaying(audio, openPvRecorderCapture, { kind: 'mic', device: 'VirtualMic' }, 'system', wav);
  assert.throws(() => analyseTone(mic.pcm), /no burst/);
});

test('an unknown microphone is device-not-found, listing microphones and not monitors', async () => {
  const handlers: CaptureHandlers = { onData() {}, onEnd() {}, onError() {} };
  await assert.rejects(openPvRecorderCapture({ kind: 'mic', device: 'no-such-mic' }, handlers), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
    assert.equal(e.code, 'device-not-found');
    assert.equal(e.message, 'No microphone named "no-such-mic". Available: VirtualMic.');
    return true;
  });
});

test('no data after stop(), and stop() is quick', async () => {
  let afterStop = 0;
  let stopped = false;
  let chunks = 0;
  const capture = await openPvRecorderCapture({ kind: 'mic' }, {
    onData() {
      chunks++;
      if (stopped) afterStop++;
    },
    onEnd() {},
    onError(e) {
      assert.fail(e.message);
    },
  });
  await new Promise((r) => setTimeout(r, 500));
  const t = Date.now();
  stopped = true;
  await capture.stop();
  const ms = Date.now() - t;
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(chunks >= 5, `${chunks} chunks in 0.5 s`);
  assert.equal(afterStop, 0);
  assert.ok(ms < 500, `stop took ${ms} ms`);
});
