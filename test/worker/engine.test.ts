/** The worker end to end with the real libvosk and the tone model. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isType, TestWorker, toneModel, toneWav } from '../support/worker';

const SENTENCE = ['yes', 'open', 'run', 'no', 'close'];
const SCRIPT = [0.5, 'yes', 0.35, 'open', 0.35, 'run', 0.35, 'no', 0.35, 'close', 2.5];

describe('worker with the real libvosk', () => {
  let model: string;
  before(() => {
    model = toneModel();
  });

  describe('a file with one utterance and trailing silence', () => {
    const w = new TestWorker();
    const audio = toneWav(SCRIPT);
    let id = 0;
    after(() => w.close());

    it('loads the model and starts', async () => {
      id = w.send({ type: 'start', source: { kind: 'file', path: audio.path }, engine: { kind: 'vosk', model }, options: { words: true } });
      const ready = await w.waitFor(isType('ready'));
      assert.equal(ready.engine, 'vosk');
      assert.equal(ready.key, model);
      assert.ok(ready.loadMs >= 0);
      const started = await w.waitFor(isType('started'));
      assert.deepEqual({ ...started }, { type: 'started', re: id, source: 'file', backend: 'file', device: audio.path });
      await w.waitFor(isType('stopped'));
    });

    it('names the start command in every event of the session', () => {
      assert.ok(w.events.length > 10);
      // A `pong` answers the host's liveness ping, not the session.
      assert.deepEqual([...new Set(w.events.filter((e) => e.type !== 'pong').map((e) => e.re))], [id]);
    });

    it('grows partials word by word before the final', () => {
      const partials = w.of('partial').map((p) => p.text);
      assert.ok(partials.length >= 4, `partials: ${JSON.stringify(partials)}`);
      for (let i = 1; i < partials.length; i++) {
        const prev = partials[i - 1].split(' ');
        const cur = partials[i].split(' ');
        assert.ok(cur.length >= prev.length, `partial ${i} shrank: ${partials[i - 1]} -> ${partials[i]}`);
      }
      assert.equal(partials.at(-1), SENTENCE.join(' '));
      assert.ok(w.of('partial').every((p) => p.utteranceId === 1));
    });

    it('emits one final with word timings within 30 ms of the truth', () => {
      const finals = w.of('final');
      assert.equal(finals.length, 1);
      const final = finals[0];
      assert.equal(final.text, SENTENCE.join(' '));
      assert.equal(final.utteranceId, 1);
      assert.equal(final.source, 'file');
      assert.deepEqual(final.words?.map((x) => x.word), SENTENCE);
      audio.script.words.forEach((truth, i) => {
        const got = final.words![i];
        assert.ok(Math.abs(got.start - truth.start) <= 0.03, `${truth.word} start ${got.start} vs ${truth.start}`);
        assert.ok(Math.abs(got.end - truth.end) <= 0.03, `${truth.word} end ${got.end} vs ${truth.end}`);
        assert.ok(got.conf > 0 && got.conf <= 1);
      });
      assert.equal(final.start, final.words![0].start);
      assert.equal(final.end, final.words!.at(-1)!.end);
    });

    it('ends the utterance on trailing silence, not at the end of the file', () => {
      const finalAt = w.events.findIndex((e) => e.type === 'final');
      const laterProgress = w.events.slice(finalAt).filter((e) => e.type === 'progress');
      assert.ok(laterProgress.length >= 1, 'the final came only with the end of input');
      const stopped = w.events.at(-1);
      assert.deepEqual(stopped, { type: 'stopped', re: id, reason: 'end-of-input' });
    });

    it('reports progress against the file length', () => {
      const progress = w.of('progress');
      assert.ok(progress.length >= 5);
      assert.ok(Math.abs(progress[0].totalSeconds - audio.script.duration) < 0.01);
      const seconds = progress.map((p) => p.seconds);
      assert.deepEqual(seconds, [...seconds].sort((a, b) => a - b));
    });
  });

  it('numbers utterances and gives session times across several utterances', async () => {
    const w = new TestWorker();
    const audio = toneWav([0.4, 'yes', 0.35, 'no', 1.5, 'save', 0.35, 'file', 1.5]);
    w.send({ type: 'start', source: { kind: 'file', path: audio.path }, engine: { kind: 'vosk', model }, options: { words: true } });
    await w.waitFor(isType('stopped'));
    await w.close();
    const finals = w.of('final');
    assert.deepEqual(finals.map((f) => [f.utteranceId, f.text]), [[1, 'yes no'], [2, 'save file']]);
    const truth = audio.script.words;
    assert.ok(Math.abs(finals[1].start - truth[2].start) <= 0.03, `second utterance starts at ${finals[1].start}, truth ${truth[2].start}`);
    assert.ok(Math.abs(finals[1].end - truth[3].end) <= 0.03);
  });

  it('endUtterance forces a final now and keeps listening', async () => {
    const w = new TestWorker();
    const audio = toneWav([0.3, 'yes', 0.35, 'open', 0.45, 'run', 0.35, 'no', 1.2]);
    w.send({ type: 'start', source: { kind: 'file', path: audio.path, realtime: true }, engine: { kind: 'vosk', model } });
    await w.waitFor((e) => e.type === 'partial' && e.text === 'yes open');
    w.send({ type: 'endUtterance' });
    await w.waitFor(isType('stopped'), 15000);
    await w.close();
    assert.deepEqual(w.of('final').map((f) => [f.utteranceId, f.text]), [[1, 'yes open'], [2, 'run no']]);
  });

  it('stop flushes what was heard into a last final, then stops', async () => {
    const w = new TestWorker();
    const audio = toneWav([0.3, 'yes', 0.35, 'open', 0.35, 'run', 3]);
    w.send({ type: 'start', source: { kind: 'file', path: audio.path, realtime: true }, engine: { kind: 'vosk', model } });
    await w.waitFor((e) => e.type === 'partial' && e.text === 'yes open run');
    w.send({ type: 'stop' });
    const stopped = await w.waitFor(isType('stopped'), 5000);
    assert.equal(stopped.reason, 'requested');
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes open run']);
    assert.equal(w.events.at(-1), stopped, 'nothing after stopped');
    assert.ok(w.of('level').length >= 5, 'a real-time source reports levels');
    await w.close();
  });

  it('reports levels in dBFS at about 10 per second for a real-time source', async () => {
    const w = new TestWorker();
    const audio = toneWav([0.5, 'yes', 0.5]);
    w.send({ type: 'start', source: { kind: 'file', path: audio.path, realtime: true }, engine: { kind: 'vosk', model } });
    await w.waitFor(isType('stopped'));
    await w.close();
    const levels = w.of('level').map((l) => l.dbfs);
    // One level per whole 100 ms chunk.
    assert.equal(levels.length, Math.floor(audio.script.duration * 10 + 1e-9));
    assert.equal(levels[0], -100, 'digital silence');
    // A 0.3-amplitude sine fills part of a chunk: well above silence, below full scale.
    assert.ok(Math.max(...levels) > -25 && Math.max(...levels) < -10, `levels ${levels}`);
  });

  describe('WAV input at any rate and channel count gives the same words', () => {
    for (const sampleRate of [8000, 16000, 44100, 48000]) {
      for (const stereo of [false, true]) {
        it(`${sampleRate} Hz ${stereo ? 'stereo' : 'mono'}`, async () => {
          const w = new TestWorker();
          const audio = toneWav([0.4, 'open', 0.35, 'file', 0.35, 'save', 1.0], { sampleRate, stereo });
          w.send({ type: 'start', source: { kind: 'file', path: audio.path }, engine: { kind: 'vosk', model }, options: { words: true } });
          await w.waitFor(isType('stopped'));
          await w.close();
          const finals = w.of('final');
          assert.deepEqual(finals.map((f) => f.text), ['open file save']);
          audio.script.words.forEach((truth, i) => {
            assert.ok(Math.abs(finals[0].words![i].start - truth.start) <= 0.03, `${truth.word} at ${finals[0].words![i].start} vs ${truth.start}`);
          });
        });
      }
    }
  });

  it('reuses a loaded model across sessions and refuses a second session', async () => {
    const w = new TestWorker();
    const load = w.send({ type: 'load', engine: { kind: 'vosk', model } });
    assert.equal((await w.waitFor(isType('ready'))).re, load);
    const audio = toneWav([0.3, 'yes', 0.35, 'no', 3]);
    const start = w.send({ type: 'start', source: { kind: 'file', path: audio.path, realtime: true }, engine: { kind: 'vosk', model } });
    await w.waitFor(isType('started'));
    const second = w.send({ type: 'start', source: { kind: 'file', path: audio.path }, engine: { kind: 'vosk', model } });
    const busy = await w.waitFor(isType('error'));
    assert.equal(busy.code, 'busy');
    assert.equal(busy.fatal, false);
    assert.equal(busy.re, second, 'the refusal answers the second start');
    w.send({ type: 'stop' });
    const stopped = await w.waitFor(isType('stopped'));
    assert.equal(stopped.re, start, 'stopped belongs to the session the first start opened');
    const again = w.send({ type: 'load', engine: { kind: 'vosk', model } });
    const reply = await w.waitFor((e) => e.type === 'ready' && e.re === again);
    await w.close();
    assert.equal(reply.type === 'ready' && reply.key, model);
    assert.equal(w.of('ready').length, 2, 'the model is loaded once; each load is answered');
  });
});
