/**
 * The worker with cost-realistic test models: tone models whose decode costs
 * about as much as a real model's (a side branch that changes nothing), so
 * the behaviours that depend on decode time are exercised for real.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'path';
import { before, describe, it } from 'node:test';
import type { EventOf, WorkerEvent } from '../../src/shared/protocol';
import { sherpaModel, sherpaToneWav, vadWav } from '../support/sherpaWorker';
import { buildToneModel } from '../support/toneModel';
import { CLI, isType, tempDir, TestWorker, toneWav } from '../support/worker';
import { sherpaCostLayers, voskCostLayers } from '../support/costCalibration';

const WORDS = ['yes', 'no', 'open', 'close', 'file', 'save', 'run', 'stop'];

describe('costly models', () => {
  let offline: string;
  before(() => {
    offline = sherpaModel('offline', { costLayers: sherpaCostLayers(0.3, 'offline') });
  });

  it('costly sherpa models (offline, streaming) and a costly Vosk model decode exactly what the plain ones do', async () => {
    const vosk = path.join(tempDir('vosk-cost'), 'model');
    buildToneModel(vosk, { costLayers: voskCostLayers(0.1) });
    const streaming = sherpaModel('streaming', { costLayers: sherpaCostLayers(0.1, 'streaming') });
    const tones = toneWav([0.5, 'yes', 0.3, 'open', 1, 'run', 0.3, 'file', 1]);
    const sherpaTones = sherpaToneWav([0.5, 'hello', 0.3, 'no', 2, 'save', 0.3, 'stop', 2]);
    const speech = vadWav([['yes', 'no'], ['open', 'file']]);
    const runs: Array<[string, string, string[]]> = [
      [vosk, tones.path, ['yes open', 'run file']],
      [streaming, sherpaTones.path, ['hello no', 'save stop']],
      [offline, speech.path, ['yes no', 'open file']],
    ];
    for (const [model, file, want] of runs) {
      const w = new TestWorker();
      const kind = model === vosk ? 'vosk' : 'sherpa';
      w.send({ type: 'start', engine: { kind, model }, source: { kind: 'file', path: file } });
      await w.waitFor(isType('stopped'), 60000);
      await w.close();
      assert.deepEqual(w.of('final').map((f) => f.text), want, kind);
    }
  });

  it('cuts long speech within the limit at quiet points: no word split, lost or repeated', async () => {
    // About 13 s of unbroken speech, a 4 s limit.
    const audio = vadWav([[...WORDS, ...WORDS.slice(0, 5)]]);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model: offline, maxSegmentSeconds: 4 }, source: { kind: 'file', path: audio.path }, options: { words: true } });
    await w.waitFor(isType('stopped'), 90000);
    await w.close();
    const finals = w.of('final');
    assert.ok(finals.length >= 3, `finals: ${JSON.stringify(finals.map((f) => f.text))}`);
    for (const f of finals) assert.ok(f.end - f.start <= 4 + 1e-6, `a segment of ${(f.end - f.start).toFixed(3)} s`);
    // Every word once, in order, inside the final that holds the whole of its tone.
    assert.deepEqual(finals.flatMap((f) => f.words!.map((x) => x.word)), audio.script.words.map((t) => t.word));
    for (const t of audio.script.words) {
      assert.ok(finals.some((f) => f.start <= t.start && t.end <= f.end), `"${t.word}" (${t.start.toFixed(2)}-${t.end.toFixed(2)}) is split by a cut`);
    }
    // Consecutive segments meet: nothing between them was dropped.
    for (let i = 1; i < finals.length; i++) assert.ok(finals[i].start - finals[i - 1].end <= 0.001 || finals[i].start - finals[i - 1].end > 0.5, `gap between segments ${i} and ${i + 1}`);
  });

  it('live: partials never belong to an utterance already final, and each leads to its final', async () => {
    const audio = vadWav([['yes', 'no', 'open', 'close', 'file'], ['save', 'run', 'stop']]);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model: offline }, source: { kind: 'file', path: audio.path, realtime: true } });
    await w.waitFor(isType('stopped'), 90000);
    await w.close();
    const results = w.events.filter((e): e is EventOf<'partial'> | EventOf<'final'> => e.type === 'partial' || e.type === 'final');
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes no open close file', 'save run stop']);
    results.forEach((e, i) => {
      if (e.type !== 'partial') return;
      const next = results.slice(i + 1).find((x) => x.type === 'final');
      assert.ok(next && next.text.startsWith(e.text), `partial "${e.text}" is not the start of the next final "${next?.text}"`);
    });
  });

  it('live speech faster than the model decodes: a notice says so once, and nothing is lost', async () => {
    // 1.5 s of decode per audio second, 1 s segments: the backlog passes 4 s within the 13 s of speech.
    const slow = sherpaModel('offline', { costLayers: sherpaCostLayers(1.5, 'offline') });
    const words = [...WORDS, ...WORDS.slice(0, 5)];
    const audio = vadWav([words]);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model: slow, maxSegmentSeconds: 1 }, source: { kind: 'file', path: audio.path, realtime: true } });
    await w.waitFor(isType('stopped'), 120000);
    await w.close();
    const notices = w.of('error');
    assert.equal(notices.length, 1, JSON.stringify(notices));
    assert.equal(notices[0].code, 'decoding-behind');
    assert.equal(notices[0].fatal, false);
    assert.deepEqual(w.of('final').map((f) => f.text).join(' '), words.join(' '));
  });

  it('a decode longer than the watchdog is not taken for a hang: the worker answers pings', async () => {
    // One 13 s utterance at 0.3 s per audio second: its final decodes for about 4 s with no event, the watchdog is 1.5 s.
    const audio = vadWav([[...WORDS, ...WORDS.slice(0, 5)]]);
    const w = new TestWorker(undefined, 1500);
    w.send({ type: 'start', engine: { kind: 'sherpa', model: offline }, source: { kind: 'file', path: audio.path } });
    const stopped = await w.waitFor(isType('stopped'), 90000);
    await w.close();
    assert.equal(stopped.reason, 'end-of-input');
    assert.deepEqual(w.of('error'), []);
    assert.deepEqual(w.of('final').map((f) => f.text), [[...WORDS, ...WORDS.slice(0, 5)].join(' ')]);
  });

  it('a file is read as fast as it decodes: progress never counts audio not decoded yet', async () => {
    const utterances = Array.from({ length: 8 }, (_, i) => [WORDS[i % 8], WORDS[(i + 3) % 8]]);
    const audio = vadWav(utterances);
    const w = new TestWorker();
    // A 4 s limit: at most 8 s of audio waits for decoding.
    w.send({ type: 'start', engine: { kind: 'sherpa', model: offline, maxSegmentSeconds: 4 }, source: { kind: 'file', path: audio.path } });
    await w.waitFor(isType('stopped'), 90000);
    await w.close();
    assert.deepEqual(w.of('final').map((f) => f.text).join(' '), utterances.flat().join(' '));
    w.events.forEach((e: WorkerEvent, i) => {
      if (e.type !== 'progress') return;
      const next = w.events.slice(i + 1).find((x): x is EventOf<'final'> => x.type === 'final');
      if (next) assert.ok(e.seconds <= next.start, `progress ${e.seconds} s before the final that starts at ${next.start} s was decoded`);
    });
  });

  it('Cancel (stop with discard) ends at once, keeping the finals decoded before it', async () => {
    // About 4 minutes: far more than the 60 s the reader may run ahead of decoding.
    const utterances = Array.from({ length: 40 }, (_, i) => [WORDS[i % 8], WORDS[(i + 3) % 8], WORDS[(i + 5) % 8]]);
    const audio = vadWav(utterances);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model: offline }, source: { kind: 'file', path: audio.path } });
    await w.waitFor(isType('final'), 60000);
    const t0 = performance.now();
    w.send({ type: 'stop', discard: true });
    const stopped = await w.waitFor(isType('stopped'), 5000);
    const took = performance.now() - t0;
    assert.equal(stopped.reason, 'requested');
    assert.ok(took < 2000, `stopped ${took.toFixed(0)} ms after Cancel`);
    const finals = w.of('final').map((f) => f.text);
    assert.ok(finals.length >= 1 && finals.length < utterances.length, `finals: ${JSON.stringify(finals)}`);
    assert.deepEqual(finals, utterances.slice(0, finals.length).map((u) => u.join(' ')));
    // The worker takes the next session.
    w.send({ type: 'start', engine: { kind: 'sherpa', model: offline }, source: { kind: 'file', path: vadWav([['yes']]).path } });
    await w.waitFor((e) => e.type === 'final' && e.text === 'yes', 60000);
    await w.close();
  });

  it('Ctrl+C in a terminal during `voxnote transcribe`: the CLI ends within a second, printing what was decoded', async () => {
    const utterances = Array.from({ length: 40 }, (_, i) => [WORDS[i % 8], WORDS[(i + 3) % 8]]);
    const audio = vadWav(utterances);
    // Its own process group, as in a terminal: Ctrl+C reaches the CLI and the worker alike.
    const cli = spawn(process.execPath, [CLI, 'transcribe', audio.path, '--model', offline], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      cli.stdout.on('data', (d: Buffer) => {
        stdout += d;
        if (stdout.includes('\n')) resolve();
      }),
    );
    const t0 = performance.now();
    process.kill(-cli.pid!, 'SIGINT');
    const code = await exited;
    const took = performance.now() - t0;
    assert.equal(code, 0, stderr);
    assert.ok(took < 2000, `the CLI ended ${took.toFixed(0)} ms after Ctrl+C`);
    const lines = stdout.trim().split('\n');
    assert.ok(lines.length < utterances.length, `it decoded the whole file: ${lines.length} lines`);
    assert.deepEqual(lines, utterances.slice(0, lines.length).map((u) => u.join(' ')));
  });
});
