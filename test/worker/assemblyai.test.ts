/**
 * The AssemblyAI engine end to end: the real worker and the official SDK
 * against a local TLS mock of the v3 streaming endpoint that transcribes the
 * tone words it hears (test/support/assemblyaiMock.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AssemblyAIEngineSpec, WorkerEvent } from '../../src/shared/protocol';
import { AssemblyAIMock } from '../support/assemblyaiMock';
import { isType, TestWorker, toneWav } from '../support/worker';

const KEY = 'aai-test-key-5f0c2e9b7d41';
const SET_KEY = /"Voxnote: Set AssemblyAI API Key"/;
/** Word times from the mock (10 ms blocks, refined to the sample) against the script's truth. */
const TOLERANCE = 0.02;

const finals = (w: TestWorker) => w.of('final').map((f) => [f.utteranceId, f.text]);
const bare = (word: string) => word.toLowerCase().replace(/[.,]$/, '');

function worker(mock: AssemblyAIMock): TestWorker {
  return new TestWorker({ NODE_EXTRA_CA_CERTS: mock.caFile });
}

function assertTimes(w: TestWorker, truth: { word: string; start: number; end: number }[]): void {
  const words = w.of('final').flatMap((f) => f.words ?? []);
  assert.deepEqual(words.map((x) => bare(x.word)), truth.map((t) => t.word));
  truth.forEach((t, i) => {
    assert.ok(Math.abs(words[i].start - t.start) <= TOLERANCE, `${t.word} starts at ${words[i].start}, truth ${t.start}`);
    assert.ok(Math.abs(words[i].end - t.end) <= TOLERANCE, `${t.word} ends at ${words[i].end}, truth ${t.end}`);
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AssemblyAI engine against the local streaming mock', () => {
  let mock: AssemblyAIMock;
  let spec: AssemblyAIEngineSpec;
  before(async () => {
    mock = await AssemblyAIMock.start({ apiKey: KEY });
    spec = { kind: 'assemblyai', credential: KEY, url: mock.url };
  });
  after(() => mock.close());

  it('load checks the settings and connects to nothing', async () => {
    const w = worker(mock);
    const id = w.send({ type: 'load', engine: spec });
    const ready = await w.waitFor(isType('ready'));
    await w.close();
    assert.equal(ready.re, id);
    assert.equal(ready.engine, 'assemblyai');
    assert.equal(ready.key, `${mock.url} universal-streaming-english`);
    assert.equal(mock.connections.length, 0, 'nothing is sent before a session starts');
  });

  describe('a spoken file', () => {
    // The last utterance has no trailing silence: only Terminate ends its turn.
    const audio = toneWav([0.3, 'yes', 0.35, 'open', 1.2, 'save', 0.35, 'file', 0.3]);
    let w: TestWorker;
    let id = 0;
    let first = 0;
    before(async () => {
      first = mock.connections.length;
      w = worker(mock);
      id = w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path, realtime: true }, options: { words: true } });
      await w.waitFor(isType('stopped'), 20000);
    });
    after(() => w.close());

    it('comes back as formatted finals, one per turn, the last one flushed by Terminate', () => {
      assert.deepEqual(finals(w), [[1, 'Yes open.'], [2, 'Save file.']]);
      // A `pong` answers the host's liveness ping, not the session.
      const session = w.events.filter((e) => e.type !== 'pong');
      assert.deepEqual(session.at(-1), { type: 'stopped', re: id, reason: 'end-of-input' });
      assert.ok(session.every((e) => e.re === id));
    });

    it('gives word times in session seconds', () => assertTimes(w, audio.script.words));

    it('shows partials that grow before each final', () => {
      const partials = w.of('partial').map((p) => [p.utteranceId, p.text]);
      assert.deepEqual(partials, [[1, 'yes'], [1, 'yes open'], [2, 'save'], [2, 'save file']]);
    });

    it('streams 16 kHz pcm_s16le in 50 ms frames with a speech model, and terminates', () => {
      const conns = mock.connections.slice(first);
      assert.equal(conns.length, 1);
      const [conn] = conns;
      assert.equal(conn.url.searchParams.get('sample_rate'), '16000');
      assert.equal(conn.url.searchParams.get('encoding'), 'pcm_s16le');
      assert.equal(conn.url.searchParams.get('speech_model'), 'universal-streaming-english');
      assert.equal(conn.url.searchParams.get('format_turns'), 'true');
      assert.equal(conn.authorization, KEY, 'the key goes to the service in the Authorization header');
      const audioFrames = conn.received.filter((r) => r.type === 'audio');
      assert.ok(audioFrames.every((r) => r.type === 'audio' && r.bytes === 1600), 'every frame is 50 ms');
      const sent = audioFrames.length * 0.05;
      assert.ok(sent >= audio.script.duration && sent < audio.script.duration + 0.05, `${sent} s sent for ${audio.script.duration} s`);
      assert.deepEqual(conn.received.filter((r) => r.type === 'json').map((r) => r.type === 'json' && r.message.type), ['Terminate']);
    });
  });

  it('phrases become keyterms_prompt; unformatted finals without format_turns; the speech model is passed on', async () => {
    const w = worker(mock);
    const first = mock.connections.length;
    const audio = toneWav([0.3, 'run', 0.35, 'no', 1.0]);
    w.send({
      type: 'start',
      engine: { ...spec, formatTurns: false, speechModel: 'universal-streaming-multilingual' },
      source: { kind: 'file', path: audio.path, realtime: true },
      options: { phrases: ['Voxnote', 'run no'] },
    });
    await w.waitFor(isType('stopped'), 20000);
    await w.close();
    assert.deepEqual(finals(w), [[1, 'run no']]);
    assert.equal(w.of('error').length, 0, 'AssemblyAI honours phrases: no phrases-unsupported notice');
    const { searchParams } = mock.connections[first].url;
    assert.deepEqual(JSON.parse(searchParams.get('keyterms_prompt')!), ['Voxnote', 'run no']);
    assert.equal(searchParams.get('speech_model'), 'universal-streaming-multilingual');
    assert.equal(searchParams.get('format_turns'), null);
  });

  it('endUtterance sends ForceEndpoint and ends the turn there', async () => {
    const w = worker(mock);
    const first = mock.connections.length;
    const audio = toneWav([0.3, 'yes', 0.35, 'open', 0.45, 'run', 0.35, 'no', 1.2]);
    w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path, realtime: true } });
    await w.waitFor((e) => e.type === 'partial' && e.text === 'yes open');
    w.send({ type: 'endUtterance' });
    await w.waitFor(isType('stopped'), 20000);
    await w.close();
    // Without ForceEndpoint the 0.45 s pause would not end a turn: one final "Yes open run no."
    assert.deepEqual(finals(w), [[1, 'Yes open.'], [2, 'Run no.']]);
    const json = mock.connections[first].received.filter((r) => r.type === 'json').map((r) => r.type === 'json' && r.message.type);
    assert.deepEqual(json, ['ForceEndpoint', 'Terminate']);
  });

  it('a dropped connection mid-utterance reconnects and loses no words', async () => {
    const w = worker(mock);
    const first = mock.connections.length;
    const audio = toneWav([0.3, 'yes', 0.35, 'open', 1.2, 'run', 0.35, 'no', 0.35, 'close', 0.35, 'save', 0.35, 'file', 1.5]);
    // Cut after "run"; then 1 s offline, while "no" and "close" are spoken.
    mock.dropOnce(3, 1000);
    w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path, realtime: true }, options: { words: true } });
    await w.waitFor(isType('stopped'), 25000);
    await w.close();
    assert.deepEqual(finals(w), [[1, 'Yes open.'], [2, 'Run no close save file.']]);
    assertTimes(w, audio.script.words);
    const notices = w.of('error');
    assert.deepEqual(notices.map((e) => [e.code, e.fatal]), [['connection-lost', false]]);
    assert.match(notices[0].hint, /60 s of audio is kept/);
    const conns = mock.connections.slice(first);
    assert.equal(conns[0].endedBy, 'dropped');
    assert.ok(conns.length >= 2, 'it reconnected');
  });

  it('when the connection does not come back before stop, the gap is reported with its time span', async () => {
    const w = worker(mock);
    const audio = toneWav([0.3, 'yes', 0.35, 'open', 1.2, 'run', 0.35, 'no', 4]);
    mock.dropOnce(3, 60000);
    w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path, realtime: true } });
    await w.waitFor((e) => e.type === 'error' && e.code === 'connection-lost');
    w.send({ type: 'stop' });
    const stopped = await w.waitFor(isType('stopped'), 15000);
    await w.close();
    mock.endOutage();
    assert.equal(stopped.reason, 'requested');
    assert.deepEqual(finals(w), [[1, 'Yes open.']]);
    const gap = w.of('error').find((e) => e.code === 'audio-gap');
    assert.ok(gap, JSON.stringify(w.of('error')));
    assert.equal(gap.fatal, false);
    const [, open, run] = audio.script.words;
    assert.ok(gap.span && gap.span.start >= open.end - 0.05 && gap.span.start <= run.start, JSON.stringify(gap.span));
    assert.ok(gap.span.end > run.end, JSON.stringify(gap.span));
    assert.match(gap.message, new RegExp(`from ${gap.span.start.toFixed(1)} s to ${gap.span.end.toFixed(1)} s`));
  });

  it('audio beyond the 60 s backlog while offline is reported as a gap; the rest is transcribed at its session time', async () => {
    const w = worker(mock);
    // A fast file is all captured while the first two connection attempts fail.
    const audio = toneWav([0.3, 'yes', 0.35, 'no', 70, 'save', 0.35, 'file', 1]);
    mock.refuseNext(2);
    w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path }, options: { words: true } });
    await w.waitFor(isType('stopped'), 20000);
    await w.close();
    assert.deepEqual(finals(w), [[1, 'Save file.']]);
    assertTimes(w, audio.script.words.slice(2));
    const gaps = w.of('error').filter((e) => e.code === 'audio-gap');
    assert.equal(gaps.length, 1, JSON.stringify(w.of('error')));
    const kept = 60;
    // The script is a whole number of 50 ms frames (72.9 s): all but the last 60 s is dropped.
    assert.deepEqual(gaps[0].span, { start: 0, end: Math.round((audio.script.duration - kept) * 20) / 20 });
    assert.equal(gaps[0].fatal, false);
  });

  it('a rejected key (4001) is a clear fatal error naming the command to set it, not retried', async () => {
    const w = worker(mock);
    const first = mock.connections.length;
    const wrong = 'aai-wrong-key-1234567890';
    const audio = toneWav([0.3, 'yes', 1]);
    w.send({ type: 'start', engine: { ...spec, credential: wrong }, source: { kind: 'file', path: audio.path, realtime: true } });
    const error = await w.waitFor(isType('error'), 10000);
    const stopped = await w.waitFor(isType('stopped'), 5000);
    await w.close();
    assert.equal(error.code, 'credential-rejected');
    assert.ok(error.fatal);
    assert.match(error.message, /rejected the API key/);
    assert.match(error.hint, SET_KEY);
    assert.equal(stopped.reason, 'error');
    assert.equal(mock.connections.length - first, 1, 'a rejected key is not retried');
    assert.equal(mock.connections[first].endedBy, 4001);
    assert.ok(!JSON.stringify(w.events).includes(wrong) && !w.stderr.join('\n').includes(wrong));
  });

  it('a temporary token goes in place of the key', async () => {
    const withToken = await AssemblyAIMock.start({ apiKey: KEY, token: 'tmp-token-0123456789' });
    const w = worker(withToken);
    const audio = toneWav([0.3, 'save', 1.0]);
    w.send({
      type: 'start',
      engine: { kind: 'assemblyai', credential: 'tmp-token-0123456789', credentialKind: 'token', url: withToken.url },
      source: { kind: 'file', path: audio.path, realtime: true },
    });
    await w.waitFor(isType('stopped'), 20000);
    await w.close();
    await withToken.close();
    assert.deepEqual(finals(w), [[1, 'Save.']]);
    assert.equal(withToken.connections[0].authorization, undefined, 'no key header with a token');
    assert.ok(!JSON.stringify(w.events).includes('tmp-token-0123456789'));
  });

  it('a missing key says how to set one', async () => {
    const w = worker(mock);
    w.send({ type: 'load', engine: { ...spec, credential: '' } });
    const error = await w.waitFor(isType('error'));
    await w.close();
    assert.equal(error.code, 'credential-missing');
    assert.match(error.hint, SET_KEY);
  });

  it('no Begin from the server: a clear error after the connect attempts, no hang', async () => {
    const silent = await AssemblyAIMock.start({ apiKey: KEY, sendBegin: false });
    const w = worker(silent);
    const audio = toneWav([0.3, 'yes', 20]);
    w.send({ type: 'start', engine: { ...spec, url: silent.url }, source: { kind: 'file', path: audio.path, realtime: true } });
    const error = await w.waitFor(isType('error'), 20000);
    const stopped = await w.waitFor(isType('stopped'), 5000);
    assert.equal(error.code, 'service-unresponsive');
    assert.ok(error.fatal);
    assert.match(error.message, /Begin/);
    assert.equal(stopped.reason, 'error');
    assert.equal(silent.connections.length, 3, 'three attempts');
    assert.ok(w.client.alive, 'the worker is intact and answers');
    w.send({ type: 'listDevices' });
    await w.waitFor(isType('devices'));
    await w.close();
    await silent.close();
  });

  it('no server at the address: service-unreachable', async () => {
    const w = worker(mock);
    const audio = toneWav([0.3, 'yes', 5]);
    w.send({ type: 'start', engine: { ...spec, url: `wss://127.0.0.1:${await closedPort()}/v3/ws` }, source: { kind: 'file', path: audio.path, realtime: true } });
    const error = await w.waitFor(isType('error'), 15000);
    await w.waitFor(isType('stopped'), 5000);
    await w.close();
    assert.equal(error.code, 'service-unreachable');
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(error.hint, /network/);
  });

  it('an untrusted certificate names NODE_EXTRA_CA_CERTS', async () => {
    const w = new TestWorker();
    const audio = toneWav([0.3, 'yes', 5]);
    w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path, realtime: true } });
    const error = await w.waitFor(isType('error'), 15000);
    await w.close();
    assert.equal(error.code, 'service-unreachable');
    assert.match(error.message, /certificate/);
    assert.match(error.hint, /NODE_EXTRA_CA_CERTS/);
  });

  for (const [code, reason, expected, words] of [
    [4002, 'Insufficient funds', 'insufficient-funds', /no credit left/],
    [4003, 'This feature is paid-only', 'insufficient-funds', /paid AssemblyAI account/],
    [4101, 'Bad schema', 'service-refused', /refused the session settings/],
  ] as const) {
    it(`close code ${code} reads as plain words (${expected})`, async () => {
      const refusing = await AssemblyAIMock.start({ apiKey: KEY, refuse: { code, reason } });
      const w = worker(refusing);
      const audio = toneWav([0.3, 'yes', 3]);
      w.send({ type: 'start', engine: { ...spec, url: refusing.url }, source: { kind: 'file', path: audio.path, realtime: true } });
      const error = await w.waitFor(isType('error'), 10000);
      await w.close();
      await refusing.close();
      assert.equal(error.code, expected);
      assert.ok(error.fatal);
      assert.match(error.message, words);
      assert.ok(error.hint.length > 20);
      assert.equal(refusing.connections.length, 1, 'not retried');
    });
  }

  it('the key is in no stderr line, no event, no process argument and not in the environment', async () => {
    const w = new TestWorker({ NODE_EXTRA_CA_CERTS: mock.caFile, VOXNOTE_DEBUG: '1' });
    const audio = toneWav([0.3, 'yes', 0.35, 'no', 1.0]);
    w.send({ type: 'start', engine: spec, source: { kind: 'file', path: audio.path, realtime: true } });
    await w.waitFor(isType('started'));
    const pid = w.client.pid!;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    await w.waitFor(isType('stopped'), 20000);
    await w.close();
    assert.deepEqual(finals(w), [[1, 'Yes no.']], 'the session ran with the key');
    assert.ok(cmdline.includes('worker.js') && !cmdline.includes(KEY), 'argv');
    assert.ok(!environ.includes(KEY), 'environment');
    assert.ok(w.stderr.every((l) => !l.includes(KEY)), 'stderr');
    const events: WorkerEvent[] = w.events;
    assert.ok(!JSON.stringify(events).includes(KEY), 'events');
  });
});
