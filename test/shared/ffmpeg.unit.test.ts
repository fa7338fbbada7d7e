/** ffmpeg's failures as one sentence naming the file once, whichever ffmpeg printed them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ffmpegFailure } from '../../src/shared/ffmpeg';

const file = '/home/me/calls/a.m4a';

describe('ffmpeg failure messages', () => {
  it('ffmpeg 5: "<file>: <reason>"', () => {
    const stderr = ['[mov,mp4,m4a @ 0x55d1c2a0e940] moov atom not found', `${file}: Invalid data found when processing input`];
    assert.equal(ffmpegFailure(file, stderr, 'exit code 1'), `ffmpeg could not read ${file}: invalid data found when processing input.`);
  });

  it('ffmpeg 6 and 7: "Error opening input files: <reason>"', () => {
    const stderr = [
      '[in#0 @ 0x5600f3c8e2c0] Error opening input: Invalid data found when processing input',
      `Error opening input file ${file}.`,
      'Error opening input files: Invalid data found when processing input',
    ];
    assert.equal(ffmpegFailure(file, stderr, 'exit code 183'), `ffmpeg could not read ${file}: invalid data found when processing input.`);
  });

  it('falls back to its last line, then to how it exited', () => {
    assert.equal(ffmpegFailure(file, ['[aac @ 0x1] Decoding error.'], 'exit code 1'), `ffmpeg could not read ${file}: decoding error.`);
    assert.equal(ffmpegFailure(file, [], 'killed by SIGSEGV'), `ffmpeg could not read ${file}: killed by SIGSEGV.`);
  });
});
