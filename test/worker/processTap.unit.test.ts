/** macOS system audio through a Core Audio process tap (AudioTee): what runs it and how its output is read. Cannot run here: no macOS. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { audioteeArgs, findAudiotee, hasProcessTaps, parseTapLine } from '../../src/worker/capture/processTap';
import { tempDir } from '../support/worker';

test('process taps exist from macOS 14.2 (Darwin 23.2) on, and only on macOS', () => {
  assert.equal(hasProcessTaps('darwin', '23.2.0'), true);
  assert.equal(hasProcessTaps('darwin', '24.0.0'), true);
  assert.equal(hasProcessTaps('darwin', '23.1.0'), false, 'macOS 14.1 uses BlackHole');
  assert.equal(hasProcessTaps('darwin', '22.6.0'), false, 'macOS 13');
  assert.equal(hasProcessTaps('linux', '24.0.0'), false);
  assert.equal(hasProcessTaps('win32', '10.0.22631'), false);
});

test('AudioTee is asked for 16 kHz (which makes it write s16le mono) in 100 ms chunks', () => {
  assert.deepEqual(audioteeArgs(), ['--sample-rate', '16000', '--chunk-duration', '0.1']);
});

test("AudioTee's stderr: start, stop and errors are read; logs and stray text are not errors", () => {
  assert.deepEqual(parseTapLine('{"message_type":"stream_start","data":{"message":"started"}}'), { kind: 'started' });
  assert.deepEqual(parseTapLine('{"message_type":"stream_stop","data":{}}'), { kind: 'stopped' });
  assert.deepEqual(parseTapLine('{"message_type":"error","data":{"message":"Failed to create tap: permission denied"}}'), {
    kind: 'error',
    message: 'Failed to create tap: permission denied',
  });
  assert.deepEqual(parseTapLine('{"message_type":"error","data":{}}'), { kind: 'error', message: 'unknown error' });
  assert.deepEqual(parseTapLine('{"message_type":"metadata","data":{"sample_rate":16000}}'), { kind: 'log' });
  assert.deepEqual(parseTapLine('{"message_type":"debug","data":{"message":"x"}}'), { kind: 'log' });
  assert.deepEqual(parseTapLine('not json'), { kind: 'log' });
  assert.equal(parseTapLine('   '), undefined);
});

test('the helper is found beside the bundle (a package) before node_modules (a checkout)', () => {
  const root = tempDir('tap');
  const dist = path.join(root, 'dist');
  const inModules = path.join(root, 'node_modules', 'audiotee', 'bin', 'audiotee');
  fs.mkdirSync(path.dirname(inModules), { recursive: true });
  fs.writeFileSync(inModules, '');
  assert.equal(findAudiotee(dist), inModules);
  fs.mkdirSync(path.join(dist, 'native'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'native', 'audiotee'), '');
  assert.equal(findAudiotee(dist), path.join(dist, 'native', 'audiotee'));
  fs.rmSync(root, { recursive: true, force: true });
  assert.equal(findAudiotee(dist), undefined);
});
