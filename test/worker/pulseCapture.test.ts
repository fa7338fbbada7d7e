import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { CaptureHandlers } from '../../src/worker/capture/capture';
import { LEAD_IN } from '../../src/worker/audio/format';
import { VoxnoteError } from '../../src/shared/errors';
import { findTool } from '../../src/shared/findTool';
import { openPulseCapture, pcmNormalizer, readPulseState, resolvePulseSource } from '../../src/worker/capture/pulse';
import { watchCapture } from '../../src/worker/capture/watchdog';
import {
  assertCapturedTone, assertOneSkip, blockEventLoop, PULSE_MISSING, pulseAvailable, recordThrough, recordWhilePlaying, startVirtualAudio,
  suspendMic, until, VIRTUAL, writeToneWav, type Recording, type VirtualAudio,
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Our recorder children (parec or pw-record at 16 kHz), not the harness's keepers. */
function recorderPids(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && /rate[= \0]16000/.test(cmd)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

const collector = (): CaptureHandlers & { chunks: Buffer[]; errors: VoxnoteError[] } => {
  const c = {
    chunks: [] as Buffer[],
    errors: [] as VoxnoteError[],
    onData: (pcm: Buffer) => void c.chunks.push(pcm),
    onEnd: () => void c.errors.push(new VoxnoteError('internal', 'unexpected onEnd', '')),
    onError: (e: VoxnoteError) => void c.errors.push(e),
  };
  return c;
};



test('captures the virtual microphone (default source) as 16 kHz mono s16le', async () => {
  const rec = await recordWhilePlaying(audio, openPulseCapture, { kind: 'mic' }, 'mic', wav);
  assert.equal(rec.device, VIRTUAL.mic);
  assertPulseTone(rec, 'pulse mic');
});

test('captures system audio from the default sink monitor', async () => {
  const rec = await recordWhilePlaying(audio, openPulseCapture, { kind: 'system' }, 'system', wav);
  assert.equal(rec.device, VIRTUAL.monitor);
  assertPulseTone(rec, 'pulse system');
});

// polledOutput.ts: drained on a timer, not on each of parec's ~20 ms writes (issue 16: those reads were the worker's largest CPU share).
test('reads the first second in small blocks (no partial held back), then about ten times a second, not on each write', async () => {
  const c = collector();
  const capture = await openPulseCapture({ kind: 'mic' }, c);
  const bytes = () => c.chunks.reduce((a, b) => a + b.length, 0);
  let leadReads: number;
  try {
    await until(() => bytes() >= LEAD_IN.bytes, 5000, 'the first second');
    leadReads = c.chunks.length;
    c.chunks.length = 0;
    await sleep(2000);
  } finally {
    await capture.stop();
  }
  assert.deepEqual(c.errors, []);
  // Read every ~20 ms through the lead-in: ~50 reads (a loaded machine stretches the timers).
  assert.ok(leadReads >= 12, `the first second came in ${leadReads} reads`);
  // 2 s of 16 kHz s16: 64000 bytes, which parec writes in ~100 blocks of ~640 bytes.
  assert.ok(Math.abs(bytes() - 64000) < 64000 * 0.15, `about 2 s of audio, got ${bytes()} bytes`);
  assert.ok(c.chunks.length <= 30, `read ${c.chunks.length} times in 2 s (sizes ${c.chunks.slice(0, 8).map((b) => b.length).join(', ')}…)`);
});

test('without mkfifo the recorder is read through its pipe, and the audio is the same', async () => {
  const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
  for (const tool of ['parec', 'pactl']) fs.symlinkSync(findTool(tool)!, path.join(bin, tool));
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    // The first takes the FIFO made ahead (while mkfifo was there); the next finds none.
    await (await openPulseCapture({ kind: 'mic' }, collector())).stop();
    assertPulseTone(await recordWhilePlaying(audio, openPulseCapture, { kind: 'mic' }, 'mic', wav), 'pulse mic through a pipe');
  } finally {
    process.env.PATH = saved;
  }
});

test('a second capture runs no mkfifo before its recorder: its FIFO was made ahead', async () => {
  await (await openPulseCapture({ kind: 'mic' }, collector())).stop();
  await sleep(2000); // the next FIFO is made a second after an open
  const began = Date.now();
  const second = await openPulseCapture({ kind: 'mic' }, collector());
  const out = recorderPids().map((pid) => fs.statSync(`/proc/${pid}/fd/1`));
  await second.stop();
  assert.equal(out.length, 1);
  assert.ok(out[0].isFIFO());
  assert.ok(out[0].ctimeMs < began - 300, `the recorder's FIFO was made ${began - out[0].ctimeMs} ms before the open`);
});

test('a microphone records while pactl checks it: the check adds nothing before the first audio', async () => {
  const bin = fs.mkdtempSync(path.join(tmp, 'slow-'));
  fs.writeFileSync(path.join(bin, 'pactl'), `#!/bin/sh\nsleep 0.6\nexec ${findTool('pactl')} "$@"\n`, { mode: 0o755 });
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${saved}`;
  const c = collector();
  try {
    const capture = await openPulseCapture({ kind: 'mic' }, c);
    await until(() => c.chunks.length > 0, 5000, 'first data');
    await capture.stop();
  } finally {
    process.env.PATH = saved;
  }
  // What parec recorded during pactl's 0.6 s waited in the pipe and came at once.
  assert.deepEqual(c.errors, []);
  assert.ok(c.chunks[0].length >= 0.3 * 32000, `first read ${c.chunks[0].length} bytes`);
});

test('resolves named devices, and a sink name to its monitor', async () => {
  const state = await readPulseState();
  assert.equal(resolvePulseSource({ kind: 'mic', device: 'virtmic' }, state), 'virtmic');
  assert.equal(resolvePulseSource({ kind: 'system', device: 'virt' }, state), 'virt.monitor');
  assert.equal(resolvePulseSource({ kind: 'system', device: 'micfeed.monitor' }, state), 'micfeed.monitor');
});

test('an unknown device is rejected with device-not-found listing the sources of the kind asked', async () => {
  const c = collector();
  await assert.rejects(openPulseCapture({ kind: 'mic', device: 'no-such-mic' }, c), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
    assert.equal(e.code, 'device-not-found');
    // Monitors are system audio, not microphones.
    assert.equal(e.message, 'No input named "no-such-mic". Available: virtmic.');
    return true;
  });
  await assert.rejects(openPulseCapture({ kind: 'system', device: 'no-such-sink' }, c), (e: unknown) => {
    assert.ok(e instanceof VoxnoteError);
    assert.equal(e.code, 'device-not-found');
    assert.match(e.message, /Available: virt\.monitor, micfeed\.monitor\./);
    return true;
  });
  assert.deepEqual(recorderPids(), []);
});

test('killing the recorder mid-stream reports capture-failed', async () => {
  const c = collector();
  const capture = await openPulseCapture({ kind: 'mic' }, c);
  await until(() => c.chunks.length > 0, 3000, 'first data');
  const [pid] = recorderPids();
  assert.ok(pid, 'parec is running');
  process.kill(pid, 'SIGKILL');
  await until(() => c.errors.length > 0, 2000, 'onError');
  assert.equal(c.errors.length, 1);
  assert.equal(c.errors[0].code, 'capture-failed');
  assert.match(c.errors[0].message, /parec.*virtmic.*SIGKILL/);
  assert.ok(c.errors[0].hint.length > 0);
  await capture.stop();
  assert.deepEqual(recorderPids(), []);
});

test('a recorder that stops delivering is reported as capture-stalled by the watchdog', async () => {
  const c = collector();
  const dog = watchCapture(c);
  const capture = await openPulseCapture({ kind: 'mic' }, dog.handlers);
  dog.start(capture.device);
  await until(() => c.chunks.length > 0, 3000, 'first data');
  const [pid] = recorderPids();
  process.kill(pid, 'SIGSTOP');
  const t = Date.now();
  await until(() => c.errors.length > 0, 5000, 'capture-stalled');
  const ms = Date.now() - t;
  console.log(`pulse stall reported ${ms} ms after SIGSTOP`);
  assert.equal(c.errors[0].code, 'capture-stalled');
  assert.match(c.errors[0].hint, /No audio from virtmic for 3 s/);
  assert.ok(ms >= 2500 && ms < 4000, `stall after ${ms} ms`);
  const t2 = Date.now();
  await capture.stop(); // SIGTERM+SIGCONT: a stopped child must still go
  dog.stop();
  console.log(`stop() of a SIGSTOPped parec took ${Date.now() - t2} ms`);
  assert.deepEqual(recorderPids(), []);
  assert.equal(c.errors.length, 1);
});

test('audio the recorder skips (its source suspended for 2 s) is reported once with its span, and capture goes on', async () => {
  const p = await recordThrough(openPulseCapture, () => suspendMic(2000));
  assertOneSkip(p, 'pulse');
  assert.deepEqual(recorderPids(), []);
});

test('a reader that falls behind and catches up loses nothing and reports nothing (parec stopped 2.5 s, then this process busy 2.5 s)', async () => {
  const p = await recordThrough(openPulseCapture, async () => {
    const [pid] = recorderPids();
    process.kill(pid, 'SIGSTOP');
    await sleep(2500);
    process.kill(pid, 'SIGCONT');
    await sleep(1000);
    blockEventLoop(2500);
  });
  console.log(`pulse behind: ${JSON.stringify(p)}`);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.drops, []);
  // The sound server held the audio meanwhile: all of it came.
  assert.ok(p.audioSeconds > p.wallSeconds - 0.3, `${p.audioSeconds} s of audio in ${p.wallSeconds} s`);
});

test('the recorder dies with the worker process', async () => {
  const script = `
    const { openPulseCapture } = require(${JSON.stringify(path.resolve(__dirname, '../../src/worker/capture/pulse.js'))});
    openPulseCapture({ kind: 'mic' }, { onData() {}, onEnd() {}, onError() {} }).then(() => {
      const fs = require('fs');
      const kids = fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p)).filter((p) => {
        try { return fs.readFileSync('/proc/' + p + '/stat', 'utf8').split(') ')[1].split(' ')[1] === String(process.pid); } catch { return false; }
      });
      // Stopped, parec cannot die of a broken pipe: only the exit hook can end it.
      for (const k of kids) process.kill(Number(k), 'SIGSTOP');
      console.log(kids.join(','));
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.on('exit', r));
  const pids = out.trim().split(',').filter(Boolean).map(Number);
  assert.equal(pids.length, 1, `one recorder child, got ${out}`);
  await sleep(100);
  const alive = fs.existsSync(`/proc/${pids[0]}`) && !/\) Z /.test(fs.readFileSync(`/proc/${pids[0]}/stat`, 'utf8'));
  if (alive) process.kill(pids[0], 'SIGKILL');
  assert.equal(alive, false, 'parec was killed on exit');
});

test('no parec or pw-record on PATH gives no-capture-tool with an install hint', async () => {
  const saved = process.env.PATH;
  process.env.PATH = fs.mkdtempSync(path.join(tmp, 'empty-'));
  try {
    await assert.rejects(openPulseCapture({ kind: 'mic' }, collector()), (e: unknown) => {
      assert.ok(e instanceof VoxnoteError);
      assert.equal(e.code, 'no-capture-tool');
      assert.match(e.hint, /apt install pulseaudio-utils/);
      return true;
    });
  } finally {
    process.env.PATH = saved;
  }
});

test('no reachable sound server gives capture-failed with a hint', async () => {
  const saved = process.env.PULSE_SERVER;
  process.env.PULSE_SERVER = `unix:${path.join(tmp, 'nothing-here')}`;
  try {
    await assert.rejects(openPulseCapture({ kind: 'mic' }, collector()), (e: unknown) => {
      assert.ok(e instanceof VoxnoteError);
      assert.equal(e.code, 'capture-failed');
      assert.match(e.message, /No sound server/);
      assert.match(e.hint, /pactl info/);
      return true;
    });
  } finally {
    process.env.PULSE_SERVER = saved;
  }
});

/** A PATH with pactl and a fake pw-record (a shell script) but no parec. */
function fakePwRecordPath(helpText: string, body: string): { dir: string; argsFile: string } {
  const dir = fs.mkdtempSync(path.join(tmp, 'pw-'));
  const argsFile = path.join(dir, 'args');
  fs.symlinkSync('/usr/bin/pactl', path.join(dir, 'pactl'));
  fs.writeFileSync(
    path.join(dir, 'pw-record'),
    `#!/bin/sh\nif [ "$1" = --help ]; then echo '${helpText}'; exit 0; fi\nprintf '%s\\n' "$@" > ${argsFile}\n${body}\n`,
    { mode: 0o755 },
  );
  return { dir, argsFile };
}

test('falls back to pw-record when parec is absent (raw 16 kHz mono s16 to stdout)', async () => {
  const parec = '/usr/bin/parec -d virtmic --raw --format=s16le --rate=16000 --channels=1 --latency-msec=50';
  const { dir, argsFile } = fakePwRecordPath('  -a, --raw   RAW mode', `exec ${parec}`);
  const saved = process.env.PATH;
  process.env.PATH = dir;
  const c = collector();
  try {
    const capture = await openPulseCapture({ kind: 'system' }, c);
    await until(() => c.chunks.length > 2, 3000, 'data through pw-record');
    await capture.stop();
  } finally {
    process.env.PATH = saved;
  }
  const args = fs.readFileSync(argsFile, 'utf8').trim().split('\n');
  assert.deepEqual(args, ['--rate', '16000', '--channels', '1', '--format', 's16', '--latency', '50ms',
    '--target', 'virt', '-P', '{ "stream.capture.sink": true }', '--raw', '-']);
  assert.deepEqual(c.errors, []);
  assert.deepEqual(recorderPids(), []);
});

test('an AU stream from an older pw-record is unwrapped to s16le', () => {
  const header = Buffer.alloc(24);
  header.write('.snd', 0, 'latin1');
  header.writeUInt32BE(24, 4);
  header.writeUInt32BE(0xffffffff, 8);
  header.writeUInt32BE(3, 12); // 16-bit linear PCM
  header.writeUInt32BE(16000, 16);
  header.writeUInt32BE(1, 20);
  const samples = Buffer.alloc(6);
  [258, -2, 1000].forEach((v, i) => samples.writeInt16BE(v, i * 2));
  const stream = Buffer.concat([header, samples]);
  const norm = pcmNormalizer();
  // Split at awkward places: inside the magic, inside the header, inside a sample.
  const out = Buffer.concat([norm(stream.subarray(0, 3)), norm(stream.subarray(3, 10)), norm(stream.subarray(10, 27)), norm(stream.subarray(27))]);
  assert.deepEqual([0, 1, 2].map((i) => out.readInt16LE(i * 2)), [258, -2, 1000]);

  const raw = Buffer.alloc(8);
  [1, 2, 3, 4].forEach((v, i) => raw.writeInt16LE(v, i * 2));
  const norm2 = pcmNormalizer();
  const out2 = Buffer.concat([norm2(raw.subarray(0, 3)), norm2(raw.subarray(3, 7)), norm2(raw.subarray(7))]);
  assert.deepEqual(out2, raw);
});

function assertPulseTone(rec: Recording, label: string): void {
  assertCapturedTone(rec, label, (n) => n % 2 === 0, 'whole s16 samples in every chunk');
  assert.deepEqual(recorderPids(), [], 'stop() left no recorder behind');
}
