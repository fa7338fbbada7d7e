// The Windows and macOS paths of the PvRecorder back-end that need no device:
// labelling inputs, choosing one for a source, and the errors people see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoxnoteError } from '../../src/shared/errors';
import { planPvRecorder, pvStatusError } from '../../src/worker/capture/pvrecorder';
import { isSystemAudioInput, systemAudioHelp } from '../../src/shared/systemAudio';

// As WASAPI and Core Audio name inputs (miniaudio's device names).
const WINDOWS = ['Microphone (Realtek(R) Audio)', 'Stereo Mix (Realtek(R) Audio)', 'Headset Microphone (Jabra EVOLVE 20)', 'CABLE Output (VB-Audio Virtual Cable)'];
const MAC = ['MacBook Pro Microphone', 'BlackHole 2ch', 'Loopback Audio', 'ZoomAudioDevice'];
const MAC_NO_LOOPBACK = ['MacBook Pro Microphone', 'External Microphone'];

test('system-audio inputs are recognised by name on each platform, microphones are not', () => {
  assert.deepEqual(WINDOWS.filter((n) => isSystemAudioInput(n, 'win32')), ['Stereo Mix (Realtek(R) Audio)', 'CABLE Output (VB-Audio Virtual Cable)']);
  assert.deepEqual(MAC.filter((n) => isSystemAudioInput(n, 'darwin')), ['BlackHole 2ch', 'Loopback Audio']);
  assert.ok(isSystemAudioInput('Monitor of Built-in Audio Analog Stereo', 'linux'));
  assert.ok(!isSystemAudioInput('Built-in Audio Analog Stereo', 'linux'));
  // A Windows name means nothing special on macOS and the other way round.
  assert.ok(!isSystemAudioInput('BlackHole 2ch', 'win32'));
  assert.ok(!isSystemAudioInput('Stereo Mix (Realtek(R) Audio)', 'darwin'));
});

test('a microphone without a name is the system default (index -1); a named one is found by index', () => {
  assert.deepEqual(planPvRecorder({ kind: 'mic' }, WINDOWS, 'win32'), { index: -1, device: 'default input' });
  assert.deepEqual(planPvRecorder({ kind: 'mic', device: 'Headset Microphone (Jabra EVOLVE 20)' }, WINDOWS, 'win32'), { index: 2, device: 'Headset Microphone (Jabra EVOLVE 20)' });
});

test('system audio by default is the first input that carries it: Stereo Mix on Windows, BlackHole on macOS', () => {
  assert.deepEqual(planPvRecorder({ kind: 'system' }, WINDOWS, 'win32'), { index: 1, device: 'Stereo Mix (Realtek(R) Audio)' });
  assert.deepEqual(planPvRecorder({ kind: 'system' }, MAC, 'darwin'), { index: 1, device: 'BlackHole 2ch' });
  // A chosen device is used as asked, even one not recognised by name.
  assert.deepEqual(planPvRecorder({ kind: 'system', device: 'ZoomAudioDevice' }, MAC, 'darwin'), { index: 3, device: 'ZoomAudioDevice' });
});

test('no system-audio input on macOS: the error says how to get one', () => {
  assert.throws(() => planPvRecorder({ kind: 'system' }, MAC_NO_LOOPBACK, 'darwin'), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
    assert.equal(e.code, 'device-not-found');
    assert.equal(e.message, 'No system-audio input found. Inputs: MacBook Pro Microphone, External Microphone.');
    assert.match(e.hint, /BlackHole.*Multi-Output Device/);
    assert.equal(e.hint, systemAudioHelp('darwin'));
    return true;
  });
  assert.throws(() => planPvRecorder({ kind: 'system' }, ['Microphone (USB)'], 'win32'), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
    assert.match(e.hint, /Stereo Mix.*Show Disabled Devices/);
    return true;
  });
});

test('an unknown microphone lists microphones only, not system-audio inputs', () => {
  assert.throws(() => planPvRecorder({ kind: 'mic', device: 'USB Mic' }, WINDOWS, 'win32'), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
    assert.equal(e.code, 'device-not-found');
    assert.equal(e.message, 'No microphone named "USB Mic". Available: Microphone (Realtek(R) Audio), Headset Microphone (Jabra EVOLVE 20).');
    return true;
  });
});

test('PvRecorder statuses become errors with a next step for the platform', () => {
  const mac = pvStatusError(4, 'init', 'MacBook Pro Microphone', 'darwin');
  assert.equal(mac.code, 'capture-failed');
  assert.equal(mac.message, 'The audio system could not open MacBook Pro Microphone (BACKEND_ERROR).');
  assert.match(mac.hint, /Privacy & Security > Microphone/);
  assert.match(pvStatusError(8, 'init', 'Mic', 'win32').hint, /Privacy & security > Microphone lets desktop apps/);
  const gone = pvStatusError(2, 'init', 'USB Mic', 'win32');
  assert.equal(gone.code, 'device-not-found');
  const read = pvStatusError(3, 'read', 'USB Mic', 'win32');
  assert.equal(read.message, 'Recording from USB Mic stopped (INVALID_STATE).');
  assert.match(pvStatusError(42, 'start', 'X', 'linux').message, /status 42/);
});
