// What a person is told when capture dropped audio because recognition fell behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { droppedAudioError } from '../../src/worker/session';

test('dropped audio is a non-fatal error that says how much, from where and when, and what to do', () => {
  const e = droppedAudioError(1.5, 125.2, 'VirtualMic');
  assert.equal(e.code, 'audio-dropped');
  assert.equal(e.fatal, false);
  assert.equal(e.message, '1.5 s of audio from VirtualMic was lost at 00:02:05: recognition fell behind the recording, so words said then are missing.');
  assert.match(e.hint, /Voxnote: Test Model Speed/);
  assert.match(droppedAudioError(42.4, 0, 'Mic').message, /^42 s of audio/);
});

test('audio the recorder skipped is said as missing from the recording, at its place, with a next step', () => {
  const e = droppedAudioError(2.04, 61.6, 'virtmic', true);
  assert.equal(e.code, 'audio-dropped');
  assert.equal(e.fatal, false);
  assert.equal(e.message, '2.0 s of audio from virtmic is missing at 00:01:01: the recording skipped it (the sound system or the device did not deliver it), so words said then are missing.');
  assert.match(e.hint, /Voxnote: Select Microphone/);
});
