/** `voxnote transcribe | devices` and its errors, run as a person would: the bundled CLI. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ABORTED, escapeRegExp, linuxOnly, needsFfmpeg } from '../support/platform';
import { buildToneModel, MODEL_FAULTS } from '../support/toneModel';
import { CLI, tempDir, toneModel, toneWav } from '../support/worker';

function voxnote(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('voxnote transcribe', () => {
  let model: string;
  let audio: ReturnType<typeof toneWav>;
  before(() => {
    model = toneModel();
    audio = toneWav([0.5, 'yes', 0.35, 'no', 1.5, 'open', 0.35, 'file', 1.5]);
  });

  it('prints one final utterance per line as text', () => {
    const r = voxnote(['transcribe', audio.path, '--model', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'yes no\nopen file\n');
  });

  it('prints partial and final protocol events as ndjson', () => {
    const r = voxnote(['transcribe', audio.path, '--model', model, '--format', 'ndjson', '--words']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text: string; words?: unknown[] });
    assert.ok(events.every((e) => e.type === 'partial' || e.type === 'final'));
    assert.deepEqual(events.filter((e) => e.type === 'final').map((e) => e.text), ['yes no', 'open file']);
    assert.ok(events.some((e) => e.type === 'partial'));
    assert.equal(events.find((e) => e.type === 'final')!.words!.length, 2);
  });

  it('writes SRT cues with the utterance times', () => {
    const r = voxnote(['transcribe', audio.path, '--model', model, '--format', 'srt']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\n00:00:00,[45]\d\d --> 00:00:01,[0-9]\d\d\nyes no\n\n2\n00:00:0[23],\d{3} --> 00:00:0\d,\d{3}\nopen file\n\n$/);
  });

  it('writes WebVTT with its header', () => {
    const r = voxnote(['transcribe', audio.path, '--model', model, '--format', 'vtt']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^WEBVTT\n\n00:00:00\.\d{3} --> 00:00:01\.\d{3}\nyes no\n\n00:00:0\d\.\d{3} --> 00:00:0\d\.\d{3}\nopen file\n\n$/);
  });

  it('writes Markdown with timestamps', () => {
    const r = voxnote(['transcribe', audio.path, '--model', model, '--format', 'md']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `# Transcript: tones.wav\n\n[00:00:00] yes no\n\n[00:00:02] open file\n\n`);
  });

  it('transcribes a 44.1 kHz stereo WAV (resampled by libsamplerate, which the bundled worker loads from dist/lib only for such a file)', () => {
    const cd = toneWav([0.5, 'yes', 0.35, 'no', 1.5, 'open', 0.35, 'file', 1.5], { sampleRate: 44100, stereo: true });
    const r = voxnote(['transcribe', cd.path, '--model', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'yes no\nopen file\n');
  });

  it('reads raw s16le by extension', () => {
    const raw = path.join(tempDir('raw'), 'speech.raw');
    const wav = fs.readFileSync(audio.path);
    fs.writeFileSync(raw, wav.subarray(44));
    const r = voxnote(['transcribe', raw, '--model', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'yes no\nopen file\n');
  });

  it('takes the model from VOXNOTE_MODEL', () => {
    const r = voxnote(['transcribe', audio.path], { VOXNOTE_MODEL: model });
    assert.equal(r.stdout, 'yes no\nopen file\n');
  });
});

describe('voxnote errors: non-zero exit and one line that says what to do', () => {
  const oneLine = (r: { stderr: string }) => {
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `stderr: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    return lines[0];
  };

  it('a model folder missing a file', () => {
    const dir = toneModel();
    fs.rmSync(path.join(dir, 'am', 'final.mdl'));
    const r = voxnote(['transcribe', toneWav([0.3, 'yes', 0.5]).path, '--model', dir]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /^voxnote: The model folder .* has no am\/final\.mdl .*Download Model/);
  });

  it('a model that crashes libvosk', () => {
    const dir = tempDir('crash-model');
    buildToneModel(dir);
    MODEL_FAULTS.find((f) => f.name.startsWith('HCLG start'))!.apply(dir);
    const r = voxnote(['transcribe', toneWav([0.3, 'yes', 0.5]).path, '--model', dir]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r), new RegExp(`^voxnote: The speech engine crashed \\(${escapeRegExp(ABORTED)}\\) while loading the model`));
  });

  it('a missing audio file', () => {
    const r = voxnote(['transcribe', '/nonexistent/x.wav', '--model', toneModel()]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /^voxnote: .*[\\/]nonexistent[\\/]x\.wav/);
  });

  it('an audio file neither the WAV reader nor ffmpeg can read', needsFfmpeg(), () => {
    const file = path.join(tempDir('ogg'), 'talk.wav');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]));
    const r = voxnote(['transcribe', file, '--model', toneModel()]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /^voxnote: ffmpeg could not read \S+talk\.wav: [^.]+\. Check that the file is an audio or video recording/);
  });

  it('an unknown output format', () => {
    const r = voxnote(['transcribe', 'x.wav', '--model', toneModel(), '--format', 'docx']);
    assert.equal(r.code, 2);
    assert.match(oneLine(r), /--format must be one of: text, ndjson, srt, vtt, md\. Run "voxnote --help"/);
  });

  it('no model given', () => {
    const r = voxnote(['transcribe', 'x.wav'], { VOXNOTE_MODEL: '' });
    assert.equal(r.code, 2);
    assert.match(oneLine(r), /--model DIR is required/);
  });

  it('a missing capture tool', linuxOnly('parec and pw-record, the pulse back-end, are Linux tools'), () => {
    const bin = tempDir('bin');
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = voxnote(['listen', '--source', 'mic', '--backend', 'pulse', '--model', toneModel()], { PATH: bin });
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /parec.*pw-record.*apt/i);
  });
});

describe('voxnote devices', () => {
  it('--json lists devices and problems of every back-end', () => {
    const r = voxnote(['devices', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { devices: unknown[]; problems: string[] };
    assert.ok(Array.isArray(parsed.devices) && Array.isArray(parsed.problems));
  });
});
