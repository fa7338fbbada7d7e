/**
 * Two-pass recognition in the real worker with real sherpa-onnx: a streaming
 * tone model shows the partials, an offline tone model with another word table
 * (FRENCH_TOKENS: the same tones decode to "oui non" where the streaming model
 * hears "yes no") gives the finals, so every text says which model made it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EngineSpec, WorkerEvent } from '../../src/shared/protocol';
import { FRENCH_TOKENS, retoken, SHERPA_TONE_VOCABULARY, sherpaToneScript } from '../support/sherpaToneModel';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { encodeWav, toneScript } from '../support/toneAudio';
import { isType, tempDir, TestWorker, toneModel } from '../support/worker';
import { sherpaCostLayers } from '../support/costCalibration';

/** Three utterances, 2 s apart: longer than the streaming model's 1.2 s endpoint rule. */
const SCRIPT = [0.5, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 2, 'hello', 3];
const ENGLISH = ['yes no', 'open file', 'hello'];
const FRENCH = ENGLISH.map((t) => retoken(t, FRENCH_TOKENS));
const ENGLISH_WORDS = new Set(['yes', 'no', 'open', 'file', 'hel', 'hello']);

type Shown = { type: 'partial' | 'final'; utteranceId: number; text: string };
const shown = (events: readonly WorkerEvent[]): Shown[] =>
  events.filter((e): e is Extract<WorkerEvent, { type: 'partial' | 'final' }> => e.type === 'partial' || e.type === 'final').map((e) => ({ type: e.type, utteranceId: e.utteranceId, text: e.text }));

/**
 * What the person sees, utterance by utterance: partials from the streaming
 * model only, the last one its whole text, then the final in place of it;
 * no partial of a later utterance before an earlier one's final.
 */
function assertTwoPass(events: readonly WorkerEvent[], finals: readonly string[]): void {
  const seen = shown(events);
  assert.deepEqual(seen.filter((e) => e.type === 'final').map((e) => [e.utteranceId, e.text]), finals.map((t, i) => [i + 1, t]));
  let utterance = 1;
  let last = '';
  for (const e of seen) {
    assert.equal(e.utteranceId, utterance, `${e.type} "${e.text}" belongs to utterance ${utterance}`);
    if (e.type === 'partial') {
      for (const word of e.text.split(' ')) assert.ok(ENGLISH_WORDS.has(word), `partial "${e.text}" is the streaming model's`);
      last = e.text;
    } else {
      assert.equal(last, ENGLISH[utterance - 1], `the streaming text of utterance ${utterance} shows until its final`);
      utterance++;
      last = '';
    }
  }
}

describe('two-pass recognition (streaming partials, offline finals)', () => {
  let streaming: string;
  let french: string;
  const spec = (extra: Partial<Extract<EngineSpec, { kind: 'sherpa' }>> = {}, final = french): EngineSpec => ({ kind: 'sherpa', model: streaming, twoPass: { model: final, threads: 1 }, threads: 1, ...extra });
  before(() => {
    streaming = sherpaModel('streaming');
    french = sherpaModel('offline', { tokenNames: FRENCH_TOKENS, vad: false });
  });

  describe('a file', () => {
    const w = new TestWorker();
    before(async () => {
      w.send({ type: 'start', engine: spec(), source: { kind: 'file', path: sherpaToneWav(SCRIPT).path }, options: { words: true } });
      await w.waitFor(isType('stopped'), 60000);
    });
    after(() => w.close());

    it('names both models in the engine key', () => {
      assert.equal(w.of('ready')[0].key, `${streaming} + ${french}`);
    });

    it('shows the streaming model\'s partials and replaces each with the offline model\'s final, in order', () => {
      assertTwoPass(w.events, FRENCH);
      assert.equal(w.of('error').length, 0, JSON.stringify(w.of('error')));
    });

    it('gives final words and times from the offline decode, within the utterance', () => {
      const finals = w.of('final');
      assert.deepEqual(finals.map((f) => f.words?.map((x) => x.word).join(' ')), FRENCH);
      for (const f of finals) for (const word of f.words!) assert.ok(word.start >= f.start - 0.35 && word.end <= f.end + 0.35, `${word.word} ${word.start}-${word.end} in ${f.start}-${f.end}`);
    });
  });

  it('live: stop in the middle of an utterance still gives its offline final', async () => {
    const w = new TestWorker();
    try {
      w.send({ type: 'start', engine: spec(), source: { kind: 'file', path: sherpaToneWav([0.5, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 5]).path, realtime: true } });
      await w.waitFor((e) => e.type === 'partial' && e.text === 'open');
      w.send({ type: 'stop' });
      await w.waitFor(isType('stopped'), 15000);
      assert.deepEqual(w.of('final').map((f) => f.text), [FRENCH[0], retoken('open', FRENCH_TOKENS)]);
    } finally {
      await w.close();
    }
  });

  it('Cancel while the offline model decodes loses nothing: what it has not decoded keeps the streaming text, at once', async () => {
    // An offline model at 3 s of decode per audio second: the first utterance's decode is still running at Cancel.
    const slow = sherpaModel('offline', { tokenNames: FRENCH_TOKENS, vad: false, costLayers: sherpaCostLayers(3, 'offline') });
    const w = new TestWorker();
    try {
      w.send({ type: 'start', engine: spec({}, slow), source: { kind: 'file', path: sherpaToneWav(SCRIPT).path } });
      // The first utterance waits for the offline model; the streaming model has heard it.
      await w.waitFor((e) => e.type === 'partial' && e.text === ENGLISH[0], 30000);
      const t0 = performance.now();
      w.send({ type: 'stop', discard: true });
      await w.waitFor(isType('stopped'), 15000);
      const took = performance.now() - t0;
      assert.ok(took < 1500, `stopped ${Math.round(took)} ms after Cancel`);
      const finals = w.of('final').map((f) => f.text);
      // Every utterance that showed a partial has its final: the offline text where it was decoded, else the streaming text.
      const withPartials = new Set(w.of('partial').map((p) => p.utteranceId));
      assert.ok(finals.length >= withPartials.size && finals.length >= 1, JSON.stringify(shown(w.events)));
      finals.forEach((text, i) => assert.ok(text === ENGLISH[i] || text === FRENCH[i], `final ${i + 1}: "${text}"`));
      assert.equal(finals[0], ENGLISH[0], 'the decode under way at Cancel is not waited for');
    } finally {
      await w.close();
    }
  });

  it('an utterance longer than the offline model decodes keeps the streaming text, and says so', async () => {
    const w = new TestWorker();
    try {
      // maxSegmentSeconds 1: the final model decodes at most 1 s; "yes no" with its margins is longer.
      w.send({ type: 'start', engine: spec({ maxSegmentSeconds: 1 }), source: { kind: 'file', path: sherpaToneWav([0.5, 'yes', 0.3, 'no', 0.3, 'open', 2, 'file', 2]).path } });
      await w.waitFor(isType('stopped'), 30000);
      assert.deepEqual(w.of('final').map((f) => f.text), ['yes no open', retoken('file', FRENCH_TOKENS)]);
      const notice = w.of('error');
      assert.equal(notice.length, 1);
      assert.equal(notice[0].fatal, false);
      assert.match(notice[0].message, /longer than the final model decodes at once \(1 s\)/);
    } finally {
      await w.close();
    }
  });

  it('a streaming folder as the final model is refused with a next step', async () => {
    const w = new TestWorker();
    try {
      w.send({ type: 'start', engine: spec({}, streaming), source: { kind: 'file', path: sherpaToneWav([0.5, 'yes', 1]).path } });
      const error = await w.waitFor((e) => e.type === 'error' && e.fatal, 15000);
      assert.ok(error.type === 'error');
      assert.equal(error.code, 'bad-model');
      assert.match(error.message, /final model .* is a streaming model/);
      assert.match(error.hint, /voxnote\.twoPass\.model/);
    } finally {
      await w.close();
    }
  });

  it('a Vosk first pass: partials from libvosk, finals from the offline model, in order', async () => {
    // Vosk's tone words and the sherpa tones of the same words, started together: each model hears its own
    // (and some of the other's: the offline model reads two tones of a Vosk word as words too), so the check
    // is which word table each text comes from.
    const sherpa = sherpaToneScript([0.5, 'yes', 0.3, 'no', 2, 'no', 0.3, 'yes', 2]);
    const vosk = toneScript([0.5, 'yes', 0.35, 'no', 2.05, 'no', 0.35, 'yes', 2.05]);
    const mix = new Float32Array(Math.max(sherpa.samples.length, vosk.samples.length));
    for (let i = 0; i < mix.length; i++) mix[i] = 0.5 * ((sherpa.samples[i] ?? 0) + (vosk.samples[i] ?? 0));
    const wav = path.join(tempDir('mix'), 'mix.wav');
    fs.writeFileSync(wav, encodeWav(mix, 16000, 'pcm16'));
    const w = new TestWorker();
    try {
      w.send({ type: 'start', engine: { kind: 'vosk', model: toneModel(), twoPass: { model: french, threads: 1 } }, source: { kind: 'file', path: wav } });
      await w.waitFor(isType('stopped'), 30000);
      const frenchWords = new Set(Object.keys(SHERPA_TONE_VOCABULARY).map((word) => retoken(word, FRENCH_TOKENS)));
      const finals = w.of('final');
      assert.deepEqual(finals.map((f) => f.utteranceId), [1, 2]);
      for (const f of finals) for (const word of f.text.split(' ')) assert.ok(frenchWords.has(word), `final "${f.text}" is the offline model's`);
      for (const p of w.of('partial')) for (const word of p.text.split(' ')) assert.ok(['yes', 'no'].includes(word), `partial "${p.text}" is libvosk's`);
      assert.deepEqual([...new Set(w.of('partial').map((p) => p.utteranceId))], [1, 2]);
      assert.equal(w.of('error').length, 0);
    } finally {
      await w.close();
    }
  });
});
