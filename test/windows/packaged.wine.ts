/**
 * The Windows package, run under Wine by Node for Windows (scripts/test-windows.sh
 * builds the win32-x64 .vsix, unpacks it into a folder named with non-ASCII
 * characters, as a user profile "Zoë" or "日本" is, and runs this file with Linux
 * Node). Each case runs the package's own dist/cli.js with node.exe: libvosk,
 * sherpa-onnx with ONNX Runtime and PvRecorder as a Windows user gets them.
 * Named *.wine.ts so the Linux run of `npm test` does not pick it up as a test file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startVirtualAudio, VirtualAudio } from '../support/pulse';
import { sherpaToneWav, vadWav } from '../support/sherpaWorker';
import { buildSherpaToneModel } from '../support/sherpaToneModel';
import { buildToneModel, MODEL_FAULTS } from '../support/toneModel';
import { encodeWav, toneScript } from '../support/toneAudio';

const NODE_EXE = process.env.VOXNOTE_WIN_NODE ?? '';
const EXTENSION = process.env.VOXNOTE_WIN_EXTENSION ?? '';
if (!fs.existsSync(NODE_EXE) || !fs.existsSync(path.join(EXTENSION, 'dist', 'cli.js'))) {
  throw new Error('run through scripts/test-windows.sh: VOXNOTE_WIN_NODE and VOXNOTE_WIN_EXTENSION must name node.exe and the unpacked win32-x64 extension');
}
const CLI = path.join(EXTENSION, 'dist', 'cli.js');

/** Everything this file writes, under a folder whose name libvosk once could not open on Windows. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-wine-'));
const home = path.join(root, 'Zoë 日本');
fs.mkdirSync(home);
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => {
  const dir = path.join(home, `${++n} ${name}`);
  fs.mkdirSync(dir);
  return dir;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * node.exe under Wine. Its stdout and stderr go to files: node.exe dies with EBADF
 * writing to a Linux pipe (shared docs windows-under-wine.md).
 */
function wine(args: string[], opts: { timeoutMs?: number } = {}): Promise<Run> {
  const dir = fresh('run');
  const outFile = path.join(dir, 'stdout');
  const errFile = path.join(dir, 'stderr');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  const child = spawn('wine', [NODE_EXE, CLI, ...args], { stdio: ['ignore', out, err], env: { ...process.env, WINEDEBUG: '-all', LC_ALL: 'C.UTF-8' } });
  fs.closeSync(out);
  fs.closeSync(err);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(errFile, 'utf8') });
    });
  });
}

const oneLine = (r: Run) => r.stderr.trim().split(/\r?\n/).join(' ');

function toneModel(): string {
  const dir = path.join(fresh('vosk'), 'model');
  buildToneModel(dir);
  return dir;
}

function toneWav(items: Array<string | number>, sampleRate: number): string {
  const file = path.join(fresh(`audio ${sampleRate}`), 'Zoë.wav');
  fs.writeFileSync(file, encodeWav(toneScript(items, { sampleRate }).samples, sampleRate, 'pcm16'));
  return file;
}

/** A copy of a file in a non-ASCII folder. */
function inHome(file: string): string {
  const copy = path.join(fresh('audio'), 'Zoë.wav');
  fs.copyFileSync(file, copy);
  return copy;
}

const SPEECH = [0.5, 'yes', 0.35, 'no', 1.5, 'open', 0.35, 'file', 1.5];

describe('the win32-x64 package under Wine, from folders with non-ASCII names', () => {
  let model: string;
  before(() => {
    model = toneModel();
  });

  for (const rate of [8000, 16000, 44100, 48000]) {
    it(`transcribes a ${rate} Hz WAV with Vosk`, async () => {
      const r = await wine(['transcribe', toneWav(SPEECH, rate), '--model', model]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split(/\r?\n/), ['yes no', 'open file']);
    });
  }

  it('transcribes with the streaming sherpa-onnx model (ONNX Runtime on Windows)', async () => {
    const dir = buildSherpaToneModel(path.join(fresh('sherpa'), 'streaming'), 'streaming');
    const r = await wine(['transcribe', inHome(sherpaToneWav([0.5, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 2]).path), '--model', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split(/\r?\n/), ['yes no', 'open file']);
  });

  it('transcribes 48 kHz audio with the offline sherpa-onnx model segmented by the Silero VAD', async () => {
    const dir = buildSherpaToneModel(path.join(fresh('sherpa'), 'offline'), 'offline');
    const r = await wine(['transcribe', inHome(vadWav([['yes'], ['open', 'file']], 48000).path), '--model', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split(/\r?\n/), ['yes', 'open file']);
  });

  it('a model folder missing a file: the folder check says which', async () => {
    const dir = toneModel();
    fs.rmSync(path.join(dir, 'am', 'final.mdl'));
    const r = await wine(['transcribe', toneWav([0.3, 'yes', 0.5], 16000), '--model', dir]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /^voxnote: The model folder .*Zoë 日本.* has no am[\\/]final\.mdl .*Download Model/);
  });

  it('a model that makes libvosk abort: reported as a crash of the engine (exit code 3 on Windows), the CLI survives', async () => {
    const dir = toneModel();
    MODEL_FAULTS.find((f) => f.name.startsWith('HCLG start'))!.apply(dir);
    const r = await wine(['transcribe', toneWav([0.3, 'yes', 0.5], 16000), '--model', dir]);
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /^voxnote: The speech engine crashed \(exited with code 3 \(abort\)\) while loading the model/);
  });
});

describe('the win32-x64 package under Wine: capture through WASAPI (winepulse) from a virtual PulseAudio microphone', () => {
  let audio: VirtualAudio;
  let model: string;
  before(async () => {
    audio = await startVirtualAudio(os.tmpdir());
    model = toneModel();
  });
  after(() => audio?.stop());

  it('devices lists the virtual microphone through PvRecorder', async () => {
    const r = await wine(['devices', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const listed = JSON.parse(r.stdout) as { devices: Array<{ name: string; backend: string }>; problems: string[] };
    const pv = listed.devices.filter((d) => d.backend === 'pvrecorder').map((d) => d.name);
    assert.ok(pv.some((name) => /VirtualMic/.test(name)), `PvRecorder lists: ${pv.join(', ')}; problems: ${listed.problems.join('; ')}`);
  });

  it('listen --source mic hears tone speech played into the virtual microphone (PvRecorder)', async () => {
    const wav = path.join(fresh('play'), 'speech.wav');
    fs.writeFileSync(wav, encodeWav(toneScript([0.3, 'yes', 0.35, 'open', 0.35, 'run', 1.0, 'close', 0.35, 'file', 0.8], { sampleRate: 48000 }).samples, 48000, 'pcm16'));
    const heard = wine(['listen', '--source', 'mic', '--backend', 'pvrecorder', '--model', model, '--format', 'ndjson', '--max-seconds', '9']);
    await sleep(3500); // Wine and the worker start, and the recorder delivers, well within this
    await audio.play('mic', wav);
    const r = await heard;
    assert.equal(r.code, 0, r.stderr);
    const finals = r.stdout.trim().split(/\r?\n/).filter(Boolean).map((l) => JSON.parse(l) as { type: string; text: string }).filter((e) => e.type === 'final').map((e) => e.text);
    assert.deepEqual(finals, ['yes open run', 'close file'], r.stderr);
  });
});
