/** The worker end to end with the real sherpa-onnx and the sherpa tone models (streaming NeMo CTC, offline TDNN CTC + Silero VAD). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EventOf } from '../../src/shared/protocol';
import type { ToneWord } from '../support/toneAudio';
import { sherpaModel, sherpaToneWav, vadWav } from '../support/sherpaWorker';
import { isType, TestWorker } from '../support/worker';

const TOKEN_TOLERANCE = 0.05;

function assertStarts(final: EventOf<'final'>, truth: readonly ToneWord[]): void {
  assert.deepEqual(final.words?.map((w) => w.word), truth.map((t) => t.word));
  truth.forEach((t, i) => {
    const got = final.words![i];
    assert.ok(Math.abs(got.start - t.start) <= TOKEN_TOLERANCE, `${t.word} starts at ${got.start}, truly at ${t.start}`);
    assert.ok(got.end >= got.start && got.end <= final.end + 1e-9, `${t.word} ends at ${got.end}`);
  });
}

/** Runs a file through the worker and returns its events once stopped. */
async function transcribe(model: string, file: string, opts: { realtime?: boolean } = {}): Promise<TestWorker> {
  const w = new TestWorker();
  w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: file, realtime: opts.realtime }, options: { words: true } });
  await w.waitFor(isType('stopped'), 60000);
  return w;
}

/** Words of the truth between two times. */
const wordsIn = (truth: readonly ToneWord[], from: number, to: number) => truth.filter((t) => t.start >= from && t.start < to);

describe('sherpa-onnx streaming model', () => {
  let model: string;
  before(() => {
    model = sherpaModel('streaming');
  });

  // Three utterances, 2 s apart: longer than rule 2's 1.2 s of trailing silence.
  const SCRIPT = [0.5, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 2, 'hello', 3];

  for (const rate of [16000, 44100, 48000]) {
    describe(`a ${rate / 1000} kHz file`, () => {
      let w: TestWorker;
      let truth: ToneWord[];
      before(async () => {
        const audio = sherpaToneWav(SCRIPT, rate);
        truth = audio.script.words;
        w = await transcribe(model, audio.path);
      });
      after(() => w.close());

      it('loads the sherpa engine from the folder', () => {
        const ready = w.of('ready')[0];
        assert.equal(ready.engine, 'sherpa');
        assert.equal(ready.key, model);
      });

      it('splits finals at the pauses, with token times within 50 ms of the truth', () => {
        const finals = w.of('final');
        assert.deepEqual(finals.map((f) => f.text), ['yes no', 'open file', 'hello']);
        assert.deepEqual(finals.map((f) => f.utteranceId), [1, 2, 3]);
        assertStarts(finals[0], truth.slice(0, 2));
        assertStarts(finals[1], truth.slice(2, 4));
        assertStarts(finals[2], truth.slice(4));
        finals.forEach((f, i) => {
          const last = [truth[1], truth[3], truth[4]][i];
          assert.ok(Math.abs(f.end - last.end) <= 0.1, `final ${i + 1} ends at ${f.end}, its speech at ${last.end}`);
          assert.equal(f.start, f.words![0].start);
        });
      });

      it('grows partials token by token inside each utterance', () => {
        const byUtterance = new Map<number, string[]>();
        for (const p of w.of('partial')) byUtterance.set(p.utteranceId, [...(byUtterance.get(p.utteranceId) ?? []), p.text]);
        assert.deepEqual(byUtterance.get(1), ['yes', 'yes no']);
        assert.deepEqual(byUtterance.get(2), ['open', 'open file']);
        assert.deepEqual(byUtterance.get(3), ['hel', 'hello']);
        // Every partial comes before its utterance's final.
        const order = w.events.filter((e) => e.type === 'partial' || e.type === 'final').map((e) => `${e.type}:${(e as { utteranceId: number }).utteranceId}`);
        assert.deepEqual(order, ['partial:1', 'partial:1', 'final:1', 'partial:2', 'partial:2', 'final:2', 'partial:3', 'partial:3', 'final:3']);
      });
    });
  }

  it('ignores the empty endpoints of silence', async () => {
    const w = await transcribe(model, sherpaToneWav([7]).path);
    await w.close();
    assert.deepEqual(w.of('final'), []);
    assert.deepEqual(w.of('error'), []);
    assert.equal(w.of('stopped')[0].reason, 'end-of-input');
  });

  it('endUtterance ends the utterance at once, and stop flushes the last one', async () => {
    // One pause of 1 s: shorter than rule 2, so without endUtterance "yes no" would be one final.
    const audio = sherpaToneWav([0.3, 'yes', 1.0, 'no', 0.3, 'save', 3]);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: audio.path, realtime: true }, options: { words: true } });
    await w.waitFor((e) => e.type === 'partial' && e.text === 'yes');
    w.send({ type: 'endUtterance' });
    const first = await w.waitFor(isType('final'), 2000);
    assert.equal(first.text, 'yes');
    await w.waitFor((e) => e.type === 'partial' && e.text === 'no save');
    w.send({ type: 'stop' });
    const stopped = await w.waitFor(isType('stopped'));
    assert.equal(stopped.reason, 'requested');
    const finals = w.of('final');
    assert.deepEqual(finals.map((f) => f.text), ['yes', 'no save']);
    assertStarts(finals[0], audio.script.words.slice(0, 1));
    assertStarts(finals[1], audio.script.words.slice(1));
    await w.close();
  });
});

describe('sherpa-onnx offline model with Silero VAD', () => {
  let model: string;
  before(() => {
    model = sherpaModel('offline');
  });
  const UTTERANCES = [['yes'], ['open', 'file'], ['hello', 'no']];

  for (const rate of [16000, 48000] as const) {
    it(`gives one final per speech segment (${rate / 1000} kHz), with token times mapped to session time`, async () => {
      const audio = vadWav(UTTERANCES, rate);
      const w = await transcribe(model, audio.path);
      await w.close();
      assert.equal(w.of('ready')[0].engine, 'sherpa');
      const finals = w.of('final');
      assert.deepEqual(finals.map((f) => f.text), ['yes', 'open file', 'hello no']);
      finals.forEach((f, i) => {
        const span = audio.script.utterances[i];
        // Silero's segment: from within 30 ms of the speech onset to 0.03-0.1 s after its end (doc §6).
        assert.ok(Math.abs(f.start - span.start) <= 0.05, `segment ${i + 1} starts at ${f.start}, speech at ${span.start}`);
        assert.ok(f.end - span.end >= 0 && f.end - span.end <= 0.15, `segment ${i + 1} ends at ${f.end}, speech at ${span.end}`);
        assertStarts(f, wordsIn(audio.script.words, span.start, span.end));
      });
    });
  }

  it('shows partials of the open segment about once a second, then its final', async () => {
    const audio = vadWav([['yes', 'no', 'open', 'close', 'file', 'save']]);
    const w = await transcribe(model, audio.path, { realtime: true });
    await w.close();
    const partials = w.of('partial').map((p) => p.text);
    assert.ok(partials.length >= 3, `partials: ${JSON.stringify(partials)}`);
    for (let i = 1; i < partials.length; i++) assert.ok(partials[i].startsWith(partials[i - 1]), `partial ${partials[i - 1]} -> ${partials[i]}`);
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes no open close file save']);
    const finalAt = w.events.findIndex((e) => e.type === 'final');
    assert.ok(w.events.findIndex((e) => e.type === 'partial') < finalAt);
  });

  it('endUtterance closes the open segment at once; stop flushes the rest; nothing is lost or repeated', async () => {
    const audio = vadWav([['yes', 'no', 'open', 'close', 'file', 'save', 'run', 'stop']]);
    const words = audio.script.words;
    const w = new TestWorker();
    // Realtime: one level event per 100 ms chunk tells how far the audio has played.
    const playedPast = (seconds: number) => w.waitFor(() => w.of('level').length * 0.1 >= seconds, 15000);
    w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: audio.path, realtime: true }, options: { words: true } });
    // Cut inside the speech after "no" (a cut inside a tone would split that word).
    await playedPast(words[1].end + 0.2);
    w.send({ type: 'endUtterance' });
    const first = await w.waitFor(isType('final'), 3000);
    assert.equal(first.text, 'yes no');
    assert.ok(first.end < words[2].start, `the first final ends at ${first.end}, before "open" starts`);
    await playedPast(words[4].end + 0.2);
    w.send({ type: 'stop' });
    await w.waitFor(isType('stopped'), 15000);
    await w.close();
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes no', 'open close file']);
    assertStarts(w.of('final')[1], words.slice(2, 5));
  });

  it('closes a segment at the configured maximum length', async () => {
    // One long segment: 8 words (about 7 s of speech) with a 3 s cap.
    const audio = vadWav([['yes', 'no', 'open', 'close', 'file', 'save', 'run', 'stop']]);
    const w = new TestWorker();
    w.send({ type: 'start', engine: { kind: 'sherpa', model, maxSegmentSeconds: 3 }, source: { kind: 'file', path: audio.path }, options: { words: true } });
    await w.waitFor(isType('stopped'), 30000);
    await w.close();
    const finals = w.of('final');
    assert.ok(finals.length >= 3, `finals: ${JSON.stringify(finals.map((f) => f.text))}`);
    for (const f of finals) assert.ok(f.end - f.start <= 3.05, `a segment of ${f.end - f.start} s`);
    assert.deepEqual(finals.flatMap((f) => f.words!.map((x) => x.word)), audio.script.words.map((t) => t.word));
  });
});
