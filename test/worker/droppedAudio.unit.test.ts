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
