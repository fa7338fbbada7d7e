// PvRecorder for real, through the virtual PulseAudio devices: the same JS runs
// on Windows (WASAPI) and macOS (Core Audio), where only the addon differs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { VoxnoteError } from '../../src/shared/errors';
import type { CaptureHandlers } from '../../src/worker/capture/capture';
import { FRAME_SAMPLES, loadPvRecorder, openPvRecorderCapture, pvRecorderCapture, pvRecorderInputs } from '../../src/worker/capture/pvrecorder';
import { isType, TestWorker, toneModel, vosk } from '../support/worker';
import {
  analyseTone, assertCapturedTone, PULSE_MISSING, pulseAvailable, recordWhilePlaying, startVirtualAudio, until, writeToneWav, type VirtualAudio,
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

const wholeFrames = (n: number): boolean => n > 0 && n % (FRAME_SAMPLES * 2) === 0;

test('captures the default microphone as 16 kHz mono in whole 50 ms frames', async () => {
  const rec = await recordWhilePlaying(audio, openPvRecorderCapture, { kind: 'mic' }, 'mic', wav);
  assert.equal(rec.device, 'VirtualMic');
  assertCapturedTone(rec, 'pvrecorder mic', wholeFrames, 'whole 50 ms frames');
});

test('system audio without a name is the first input that carries it; a mic played into the speaker hears nothing', async () => {
  const sys = await recordWhilePlaying(audio, openPvRecorderCapture, { kind: 'system' }, 'system', wav);
  // The server lists the speaker's monitor first (its sink was created first).
  assert.equal(sys.device, 'Monitor of VirtualSpeaker');
  assertCapturedTone(sys, 'pvrecorder system', wholeFrames, 'whole 50 ms frames');
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
  let bytes = 0;
  const capture = await openPvRecorderCapture({ kind: 'mic' }, {
    onData(pcm) {
      bytes += pcm.length;
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
  assert.ok(bytes >= 0.3 * 32000, `${bytes / 32000} s of audio in 0.5 s`);
  assert.equal(afterStop, 0);
  assert.ok(ms < 500, `stop took ${ms} ms`);
});

/** Busy-waits: the worker's thread held by a decode, as a slow engine holds it. */
function hold(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/**
 * Records from the virtual microphone (a steady stream, silence or not), holding
 * the consumer once for `stallMs` after 0.5 s; returns the backlog (audio
 * recorded but not yet delivered) 300 ms after the stall, and what was dropped.
 */
async function stalledRecording(open: typeof openPvRecorderCapture, stallMs: number) {
  let bytes = 0;
  let firstAt = 0;
  let stalledAt = 0;
  let backlogAfter = Number.NaN;
  const dropped: number[] = [];
  const errors: VoxnoteError[] = [];
  const capture = await open({ kind: 'mic' }, {
    onData(pcm) {
      const now = performance.now();
      if (!firstAt) firstAt = now;
      else bytes += pcm.length; // audio since the first chunk arrived
      if (!stalledAt && now - firstAt > 500) {
        stalledAt = now;
        hold(stallMs);
      }
    },
    onDropped: (s) => dropped.push(s),
    onEnd() {},
    onError: (e) => errors.push(e),
  });
  try {
    await until(() => stalledAt > 0, 5000, 'the first half second of audio');
    await until(() => performance.now() > stalledAt + stallMs + 300, stallMs + 2000, 'the stall to pass');
    const recorded = (performance.now() - firstAt) / 1000;
    backlogAfter = recorded - bytes / 32000 - dropped.reduce((a, b) => a + b, 0);
  } finally {
    await capture.stop();
  }
  assert.deepEqual(errors, []);
  return { backlogAfter, dropped };
}

test('a consumer held for 1.5 s catches up at once after it, and nothing is lost', async () => {
  const { backlogAfter, dropped } = await stalledRecording(openPvRecorderCapture, 1500);
  // One wake-up (100 ms) and the virtual device's own delivery granularity; one frame a read would leave 1.4 s behind.
  assert.ok(backlogAfter < 0.25, `still ${backlogAfter.toFixed(2)} s behind 300 ms after the stall`);
  assert.deepEqual(dropped, []);
});

test('audio past the backlog held while the consumer is busy is dropped and reported, with its length', async () => {
  const { backlogAfter, dropped } = await stalledRecording(pvRecorderCapture({ backlogSeconds: 1 }), 2500);
  const lost = dropped.reduce((a, b) => a + b, 0);
  assert.equal(dropped.length, 1, `dropped: ${dropped.join(', ')}`);
  assert.ok(Math.abs(lost - 1.5) <= 0.2, `reported ${lost.toFixed(2)} s lost, held 2.5 s with 1 s of backlog allowed`);
  assert.ok(backlogAfter < 0.25, `still ${backlogAfter.toFixed(2)} s behind after the overflow`);
});

test('a worker suspended for 2.5 s (a laptop asleep, a stopped process) records on at once, with nothing false reported', async () => {
  const worker = new TestWorker();
  try {
    const id = worker.send({ type: 'start', engine: vosk(toneModel()), source: { kind: 'mic', backend: 'pvrecorder' } });
    await worker.waitFor((e) => e.type === 'started' && e.re === id);
    await worker.waitFor((e) => e.type === 'level');
    // The whole worker held, the recorder's own thread with it: nothing is recorded meanwhile, nothing overwritten.
    process.kill(worker.client.pid!, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 2500));
    const levelsBefore = worker.of('level').length;
    const resumedAt = performance.now();
    process.kill(worker.client.pid!, 'SIGCONT');
    await worker.waitFor((e) => e.type === 'level' && worker.of('level').length > levelsBefore + 5, 3000);
    // Reads that would wait are not made: a frame at a time would have held the worker a second per 20 frames.
    assert.ok(performance.now() - resumedAt < 1500, `levels resumed ${Math.round(performance.now() - resumedAt)} ms after`);
    worker.send({ type: 'stop' });
    const stopped = await worker.waitFor(isType('stopped'));
    assert.equal(stopped.reason, 'requested');
    assert.deepEqual(worker.of('error'), []);
  } finally {
    await worker.close();
  }
});
