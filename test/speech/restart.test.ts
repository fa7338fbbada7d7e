/**
 * The speech service's one restart policy, with the REAL worker and the tone
 * model: a crashed session restarts a bounded number of times, then ends with
 * one clear error; a final resets the count; an idle worker that dies is not
 * started again until something needs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SpeechError, SpeechFinal, SpeechSession } from '../../src/speech/speechSession';
import { ABORTED, escapeRegExp, linuxOnly } from '../support/platform';
import { workers } from '../support/processes';
import { buildToneModel, MODEL_FAULTS } from '../support/toneModel';
import { speechService, tempDir, toneModel, toneWav, vosk } from '../support/worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(session: SpeechSession) {
  const errors: SpeechError[] = [];
  const finals: SpeechFinal[] = [];
  const starts: number[] = [];
  session.onError((e) => errors.push(e));
  session.onFinal((f) => finals.push(f));
  session.onStarted((s) => starts.push(s.attempt));
  return { errors, finals, starts };
}

const nextFinal = (session: SpeechSession) => new Promise<SpeechFinal>((resolve) => {
  const sub = session.onFinal((f) => {
    sub.dispose();
    resolve(f);
  });
});

describe('restart policy (real worker)', () => {
  let model: string;
  const speech = speechService({ restart: { initialBackoffMs: 50 } });
  before(() => (model = toneModel()));
  after(() => speech.shutdown());

  it('a model that crashes libvosk at every start restarts maxRestarts times, then ends with one error saying so', async () => {
    const broken = tempDir('crash-model');
    buildToneModel(broken);
    MODEL_FAULTS.find((f) => f.name === 'HCLG start = -1')!.apply(broken);
    const lane = speech.createLane('crashing');
    const session = lane.createSession({
      engine: vosk(broken),
      purpose: 'meeting',
      source: { kind: 'file', path: toneWav([0.3, 'yes', 1]).path, realtime: true },
      restart: { maxRestarts: 2 },
    });
    const r = record(session);
    const end = await session.ended;

    assert.equal(end.reason, 'error');
    assert.deepEqual(r.errors.map((e) => [e.code, e.restarting]), [
      ['worker-crashed', true],
      ['worker-crashed', true],
      ['worker-crashed', false],
    ]);
    assert.match(end.error!.message, new RegExp(`^The speech engine crashed \\(${escapeRegExp(ABORTED)}\\) while loading the model at .* Voxnote restarted it 2 times in a row and has stopped trying\\.$`));
    assert.equal(end.error, r.errors[2], 'the error that ended it is the last one reported');
    assert.deepEqual(r.starts, [], 'it never started');
    await sleep(500);
    assert.equal(lane.pid, undefined, 'no worker is started again once it gave up');
    await lane.shutdown();
  });

  it('a final resets the count: a session killed more often than the cap, with words between, goes on to the end', async () => {
    const audio = toneWav([0.3, 'yes', 1.6, 'no', 1.6, 'open', 1.6, 'file', 1.2]);
    const lane = speech.createLane('killed');
    let n = 0;
    // Each capture plays the file from the start: after each kill the words come again.
    const session = lane.createSession({
      engine: vosk(model),
      purpose: 'meeting',
      source: () => ({ kind: 'file', path: n++ < 3 ? audio.path : toneWav([0.3, 'run', 1]).path, realtime: true }),
      restart: { maxRestarts: 1 },
    });
    const r = record(session);
    for (let kill = 0; kill < 3; kill++) {
      await nextFinal(session);
      process.kill(lane.pid!, 'SIGKILL');
    }
    const end = await session.ended;

    assert.equal(end.reason, 'end-of-input');
    assert.deepEqual(r.errors.map((e) => [e.code, e.restarting]), [
      ['worker-crashed', true],
      ['worker-crashed', true],
      ['worker-crashed', true],
    ]);
    assert.deepEqual(r.starts, [0, 1, 2, 3]);
    assert.deepEqual(r.finals.map((f) => f.text), ['yes', 'yes', 'yes', 'run']);
    await lane.shutdown();
  });

  it('an idle worker that dies is not started again until a session needs it', linuxOnly('finds the worker processes in /proc'), async () => {
    const lane = speech.createLane('warm');
    await lane.warm(vosk(model));
    const warm = lane.pid!;
    assert.ok(workers(process.pid).some((w) => w.pid === warm), 'a warm worker runs');
    process.kill(warm, 'SIGKILL');
    await sleep(1500);
    assert.equal(lane.pid, undefined);
    assert.deepEqual(workers(process.pid).map((w) => w.pid), [], 'no worker was started in its place');

    const session = lane.createSession({ engine: vosk(model), purpose: 'transcription', source: { kind: 'file', path: toneWav([0.3, 'open', 0.35, 'file', 1]).path } });
    const r = record(session);
    assert.equal((await session.ended).reason, 'end-of-input');
    assert.deepEqual(r.finals.map((f) => f.text), ['open file']);
    assert.deepEqual(r.errors, []);
    await lane.shutdown();
  });

  it('files do not restart by default: a crash ends the session at once', async () => {
    const broken = tempDir('crash-model');
    buildToneModel(broken);
    MODEL_FAULTS.find((f) => f.name === 'HCLG start = -1')!.apply(broken);
    const session = speech.createSession({ engine: vosk(broken), purpose: 'transcription', source: { kind: 'file', path: toneWav([0.3, 'yes', 1]).path } });
    const r = record(session);
    const end = await session.ended;
    assert.equal(end.reason, 'error');
    assert.deepEqual(r.errors.map((e) => [e.code, e.restarting]), [['worker-crashed', false]]);
  });
});
