/**
 * A speech session's life, with the REAL worker and tone model: stop() brings
 * out the last final first; a cancelled token stops the session and frees its
 * lane for the next at once; a lane captures for one session at a time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from '../../src/speech/lifecycle';
import type { SessionState, SpeechFinal } from '../../src/speech/speechSession';
import { speechService, toneModel, toneWav, vosk } from '../support/worker';

describe('speech session (real worker)', () => {
  let model: string;
  const speech = speechService();
  before(() => (model = toneModel()));
  after(() => speech.shutdown());

  it('stop() mid-utterance resolves after its final, and the session ends as requested', async () => {
    const lane = speech.createLane('stop');
    const audio = toneWav([0.3, 'open', 0.35, 'file', 0.35, 'save', 0.35, 'run', 10]);
    const session = lane.createSession({ engine: vosk(model), purpose: 'meeting', source: { kind: 'file', path: audio.path, realtime: true } });
    const finals: SpeechFinal[] = [];
    const states: SessionState[] = [];
    session.onFinal((f) => finals.push(f));
    session.onStateChange((s) => states.push(s));
    await new Promise<void>((resolve) => {
      const sub = session.onPartial((p) => p.text.split(' ').length >= 2 && (sub.dispose(), resolve()));
    });
    const end = await session.stop();
    assert.equal(end.reason, 'requested');
    assert.equal(finals.length, 1, 'the utterance under way came out');
    assert.match(finals[0].text, /^open \w+/, 'what had been said so far');
    assert.deepEqual(states, ['running', 'stopping', 'ended']);
    assert.equal(lane.active, undefined);
    await lane.shutdown();
  });

  it('a cancelled token stops the session: nothing more reaches it, and the lane takes the next one at once', async () => {
    const lane = speech.createLane('cancel');
    const long = toneWav([0.3, 'yes', 0.35, 'no', 0.35, 'open', 10]);
    const cts = new CancellationTokenSource();
    const first = lane.createSession({ engine: vosk(model), purpose: 'meeting', source: { kind: 'file', path: long.path, realtime: true } }, cts.token);
    const late: string[] = [];
    await new Promise<void>((resolve) => first.onPartial(() => resolve()));
    first.onPartial((p) => late.push(`partial ${p.text}`));
    first.onFinal((f) => late.push(`final ${f.text}`));
    const pid = lane.pid;
    cts.cancel();
    // The first is still finishing in the worker: the next starts beside it, on the same loaded model.
    const next = lane.createSession({ engine: vosk(model), purpose: 'transcription', source: { kind: 'file', path: toneWav([0.3, 'close', 1]).path } });
    const finals: string[] = [];
    next.onFinal((f) => finals.push(f.text));
    assert.equal((await next.ended).reason, 'end-of-input');
    assert.equal((await first.ended).reason, 'requested');
    assert.deepEqual(finals, ['close']);
    assert.deepEqual(late, [], 'the cancelled session got nothing after the cancel');
    assert.equal(lane.pid, pid, 'the same warm worker');
    await lane.shutdown();
  });
});
