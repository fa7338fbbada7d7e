/**
 * Live capture end to end: tone speech played into virtual PulseAudio devices,
 * recognized by `voxnote listen` (bundled CLI, worker, real libvosk).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mappedFiles } from '../support/processes';
import { startVirtualAudio, suspendMic, VirtualAudio } from '../support/pulse';
import { CLI, isType, TestWorker, toneModel, toneWav } from '../support/worker';

let audio: VirtualAudio;
let model: string;

before(async () => {
  audio = await startVirtualAudio(os.tmpdir());
  model = toneModel();
});
after(() => audio?.stop());

interface Heard {
  finals: string[];
  partials: string[];
  code: number | null;
  stderr: string;
}

/**
 * Runs `voxnote listen`, plays the speech once capture has had time to start (after `disturb`, if any), returns
 * what it printed; without `disturb`, nothing may be on stderr (no warning either: a normal run reports no lost audio).
 */
async function listen(args: string[], target: 'mic' | 'system', speech: Array<string | number>, disturb?: () => Promise<void>): Promise<Heard> {
  const wav = toneWav(speech, { sampleRate: 48000 });
  const child = spawn(process.execPath, [CLI, 'listen', '--model', model, '--format', 'ndjson', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await sleep(1500); // the worker starts and the recorder delivers its first data well within this
  await disturb?.();
  await audio.play(target, wav.path);
  const code = await exited;
  if (!disturb) assert.equal(err, '', 'nothing on stderr');
  const events = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; text: string });
  return {
    code,
    finals: events.filter((e) => e.type === 'final').map((e) => e.text),
    partials: events.filter((e) => e.type === 'partial').map((e) => e.text),
    stderr: err,
  };
}

const SPEECH = [0.3, 'yes', 0.35, 'open', 0.35, 'run', 1.0, 'close', 0.35, 'file', 0.8];
const EXPECTED = ['yes open run', 'close file'];

describe('voxnote listen on virtual devices', () => {
  it('hears the virtual microphone (parec)', async () => {
    const heard = await listen(['--source', 'mic', '--max-seconds', '7'], 'mic', SPEECH);
    assert.equal(heard.code, 0);
    assert.deepEqual(heard.finals, EXPECTED);
    assert.ok(heard.partials.length >= 3);
  });

  it('hears system audio: the default speaker\'s monitor (parec)', async () => {
    const heard = await listen(['--source', 'system', '--max-seconds', '7'], 'system', SPEECH);
    assert.equal(heard.code, 0);
    assert.deepEqual(heard.finals, EXPECTED);
  });

  it('hears the virtual microphone through PortAudio (naudiodon)', async () => {
    const heard = await listen(['--source', 'mic', '--backend', 'portaudio', '--max-seconds', '7'], 'mic', SPEECH);
    assert.equal(heard.code, 0);
    assert.deepEqual(heard.finals, EXPECTED);
  });

  it('hears system audio through PortAudio (naudiodon)', async () => {
    const heard = await listen(['--source', 'system', '--backend', 'portaudio', '--max-seconds', '7'], 'system', SPEECH);
    assert.equal(heard.code, 0);
    assert.deepEqual(heard.finals, EXPECTED);
  });

  for (const backend of ['pulse', 'portaudio']) {
    it(`audio the microphone skips (${backend}, its source suspended for 2 s) is a warning with its length and place, and listening goes on`, async () => {
      const heard = await listen(['--source', 'mic', '--backend', backend, '--max-seconds', '9'], 'mic', SPEECH, () => suspendMic(2000));
      assert.equal(heard.code, 0);
      assert.match(heard.stderr, /^voxnote: warning: 2\.\d s of audio from virtmic is missing at 00:00:0[0-3]: the recording skipped it .* Voxnote: Select Microphone picks another device\.\n$/);
      assert.deepEqual(heard.finals, EXPECTED);
    });
  }

  it('a named device that does not exist lists the ones that do', async () => {
    const w = new TestWorker();
    w.send({ type: 'start', source: { kind: 'mic', device: 'no-such-mic' }, engine: { kind: 'vosk', model } });
    const error = await w.waitFor(isType('error'));
    await w.close();
    assert.equal(error.code, 'device-not-found');
    assert.match(error.message + error.hint, /virtmic/);
  });

  it('a capture process killed mid-stream gives an error event, and what was heard is kept', async () => {
    const w = new TestWorker();
    w.send({ type: 'start', source: { kind: 'mic' }, engine: { kind: 'vosk', model } });
    await w.waitFor(isType('started'));
    const play = audio.play('mic', toneWav([0.2, 'yes', 0.35, 'no', 3], { sampleRate: 48000 }).path);
    await w.waitFor((e) => e.type === 'partial' && e.text === 'yes no', 10000);
    const parec = execFileSync('pgrep', ['-P', String(w.client.pid), 'parec'], { encoding: 'utf8' }).trim();
    process.kill(Number(parec), 'SIGKILL');
    const error = await w.waitFor(isType('error'), 5000);
    assert.equal(error.code, 'capture-failed');
    assert.ok(error.fatal);
    assert.match(error.message, /parec/);
    const stopped = await w.waitFor(isType('stopped'), 5000);
    assert.equal(stopped.reason, 'error');
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes no']);
    assert.ok(w.client.alive, 'the worker survives its capture process');
    await w.close();
    await play;
  });

  it('a live session without level events (the CLI asks for none) is still watched: a frozen worker is reported', async () => {
    const w = new TestWorker(undefined, 1500);
    w.send({ type: 'start', source: { kind: 'mic' }, engine: { kind: 'vosk', model }, options: { levels: false } });
    await w.waitFor(isType('started'));
    process.kill(w.client.pid!, 'SIGSTOP');
    const error = await w.waitFor(isType('error'), 5000);
    assert.equal(error.code, 'worker-unresponsive');
    assert.ok(error.fatal);
    assert.equal((await w.client.exited).signal, 'SIGKILL');
  });

  it('a Vosk session loads libvosk and koffi, no native code another engine or back-end needs', async () => {
    const w = new TestWorker();
    w.send({ type: 'start', source: { kind: 'mic' }, engine: { kind: 'vosk', model }, options: { levels: false } });
    await w.waitFor(isType('started'));
    const natives = mappedFiles(w.client.pid!).filter((f) => /\.(node|so)(\.|$)/.test(f) && !f.startsWith('/usr/') && !f.startsWith('/lib'));
    await w.close();
    assert.ok(natives.some((f) => f.endsWith('libvosk.so')) && natives.some((f) => f.endsWith('koffi.node')), natives.join('\n'));
    assert.deepEqual(natives.filter((f) => /sherpa|onnxruntime|pvrecorder|naudiodon|portaudio/i.test(f)), []);
  });

  it('leaves no capture process behind when the worker is shut down', async () => {
    const w = new TestWorker();
    w.send({ type: 'start', source: { kind: 'system' }, engine: { kind: 'vosk', model } });
    await w.waitFor(isType('started'));
    const pid = w.client.pid!;
    await w.close();
    const left = execFileSync('sh', ['-c', `pgrep -P ${pid} || true`], { encoding: 'utf8' }).trim();
    assert.equal(left, '');
  });
});
