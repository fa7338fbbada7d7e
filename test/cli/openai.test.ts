/**
 * `voxnote transcribe FILE --engine openai` as a person runs it: the bundled CLI
 * and the real worker (Silero VAD segments, the official `openai` client)
 * against the loopback stand-in server (test/support/openaiServer.ts), which
 * decodes with sherpa-onnx and the offline tone model. Under every fault the
 * words come out once each, in order; the key is in no argument list, no
 * worker environment and no output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { voxnote } from '../support/cliRun';
import { OpenAIStandIn, STAND_IN_MODEL, transcribeDirect } from '../support/openaiServer';
import { encodeWav } from '../support/toneAudio';
import { sherpaModel, vadWav } from '../support/sherpaWorker';

const KEY = `sk-standin-${Math.random().toString(36).slice(2)}`;
const WORDS = [['yes', 'no'], ['open', 'file']];
const FINALS = WORDS.map((u) => u.join(' '));

describe('voxnote --engine openai (loopback stand-in server)', () => {
  let server: OpenAIStandIn;
  const audio = vadWav(WORDS);
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ OPENAI_BASE_URL: server.baseUrl, OPENAI_API_KEY: KEY, VOXNOTE_SERVER_PROTOCOL: 'batch', ...extra });
  /** Text output: no partials (stdout is no terminal), so each request is a segment's final. */
  const transcribe = (extra: NodeJS.ProcessEnv = {}, format = 'text') =>
    voxnote(['transcribe', audio.path, '--engine', 'openai', '--server-model', STAND_IN_MODEL, '--format', format], env(extra));
  const finals = (stdout: string) =>
    stdout.startsWith('{') ? stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text: string }).filter((e) => e.type === 'final').map((e) => e.text) : stdout.trim().split('\n');

  before(async () => {
    server = await OpenAIStandIn.start(sherpaModel('offline'), { apiKey: KEY });
  });
  after(() => server.close());

  it('transcribes one request per speech segment, the key only in the Authorization header', async () => {
    const before = server.requests.length;
    const r = await transcribe();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(finals(r.stdout), FINALS);
    assert.equal(r.stderr, '');
    const mine = server.requests.slice(before);
    assert.ok(mine.every((q) => q.authorization === `Bearer ${KEY}`));
    assert.equal(mine.filter((q) => q.path.endsWith('/audio/transcriptions')).length, 2, 'files need no partials: a request per segment');
    assert.ok(r.argv.length > 0 && r.argv.every((a) => !a.join(' ').includes(KEY)), 'no argument list holds the key');
    assert.ok(r.environ.length > 0 && r.environ.every((e) => !e.includes(KEY)), 'no worker environment holds the key');
    assert.ok(!r.stdout.includes(KEY));
  });

  for (const [name, faults] of [
    ['the first 3 requests answer 500', { fail500: 3 }],
    ['the first 3 connections are reset', { reset: 3 }],
    ['the server answers 429 with Retry-After: 1', { rateLimit: { count: 2, retryAfter: 1 } }],
  ] as const) {
    it(`${name}: retried with the audio kept, every word once`, async () => {
      server.faults = { apiKey: KEY, ...structuredClone(faults) };
      const before = server.requests.length;
      const r = await transcribe();
      server.faults = { apiKey: KEY };
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(finals(r.stdout), FINALS);
      assert.ok(!r.stderr.includes(KEY) && !r.stdout.includes(KEY));
      const mine = server.requests.slice(before).filter((q) => q.path.endsWith('/audio/transcriptions'));
      assert.ok(mine.length > 2, 'the failed requests were sent again');
      if ('rateLimit' in faults) {
        const refused = mine.find((q) => q.status === 429)!;
        const next = mine[mine.indexOf(refused) + 1];
        assert.ok(next.at - refused.answeredAt >= 950, `waited as Retry-After asked: ${(next.at - refused.answeredAt).toFixed(0)} ms`);
      }
    });
  }

  it('413: the audio is split and sent again in parts, no word lost or doubled', async () => {
    const sizes = server.transcriptions.map((q) => q.bytes);
    server.faults = { apiKey: KEY, maxBodyBytes: Math.floor(Math.max(...sizes) * 0.7) };
    const before = server.requests.length;
    const r = await transcribe();
    server.faults = { apiKey: KEY };
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(finals(r.stdout), FINALS);
    assert.ok(server.requests.slice(before).some((q) => q.status === 413));
  });

  it('a wrong key: says the server refused it and how to set it, without the key', async () => {
    const wrong = `sk-wrong-${Math.random().toString(36).slice(2)}`;
    const r = await transcribe({ OPENAI_API_KEY: wrong });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the API key \(401\)/);
    assert.match(r.stderr, /Voxnote: Set Server API Key.*OPENAI_API_KEY/);
    assert.ok(!r.stderr.includes(wrong) && !r.stdout.includes(wrong));
  });

  it('404: says whether the model or the base URL is wrong', async () => {
    const model = await voxnote(['transcribe', audio.path, '--engine', 'openai', '--server-model', 'no-such-model'], env());
    assert.equal(model.code, 1);
    assert.match(model.stderr, /has no model "no-such-model" \(404\)\. It has: tone-whisper\./);
    const url = await transcribe({ OPENAI_BASE_URL: server.baseUrl.replace(/\/v1$/, '/nope') });
    assert.equal(url.code, 1);
    assert.match(url.stderr, /the base URL looks wrong/);
  });

  it('a server that is down: named by its URL before any audio is read', async () => {
    const down = await OpenAIStandIn.start(sherpaModel('offline'));
    const baseUrl = down.baseUrl;
    await down.close();
    const r = await transcribe({ OPENAI_BASE_URL: baseUrl });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`Nothing answers at ${baseUrl}`), r.stderr);
  });

  it('plain http to a public host is refused before anything is sent', async () => {
    const r = await transcribe({ OPENAI_BASE_URL: 'http://203.0.113.9/v1' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /OPENAI_BASE_URL uses plain http:\/\/ to 203\.0\.113\.9.*use https:\/\//);
  });

  it('the realtime protocol: server VAD turns, deltas as partials, finals in order', async () => {
    const before = server.realtimeConnections.length;
    const r = await transcribe({ VOXNOTE_SERVER_PROTOCOL: 'realtime' }, 'ndjson');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(finals(r.stdout), FINALS);
    const [conn] = server.realtimeConnections.slice(before);
    assert.equal(conn.authorization, `Bearer ${KEY}`);
    assert.ok(conn.events.includes('input_audio_buffer.speech_started') && conn.events.includes('conversation.item.input_audio_transcription.delta'));
    assert.ok(r.stdout.includes('"type":"partial"'), 'deltas are partials');
  });

  it('auto: probes once and uses realtime where the server has it, batch where not', async () => {
    const rt = server.realtimeConnections.length;
    const r = await transcribe({ VOXNOTE_SERVER_PROTOCOL: 'auto' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(finals(r.stdout), FINALS);
    assert.ok(server.realtimeConnections.length > rt, 'realtime was used');
    server.faults = { apiKey: KEY, realtime: false };
    const before = server.transcriptions.length;
    const b = await transcribe({ VOXNOTE_SERVER_PROTOCOL: 'auto' });
    server.faults = { apiKey: KEY };
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(finals(b.stdout), FINALS);
    assert.equal(server.transcriptions.length - before, 2, 'batch requests instead');
  });

  it("answers in OpenAI's shapes: json, text, verbose_json with segments", async () => {
    const wav = encodeWav(audio.script.samples.subarray(0, Math.round(audio.script.utterances[0].end * 16000) + 8000), 16000, 'pcm16');
    const ask = (format: string) => transcribeDirect(server.baseUrl, wav, { model: STAND_IN_MODEL, response_format: format }, KEY);
    assert.deepEqual(await (await ask('json')).json(), { text: 'yes no' });
    assert.equal(await (await ask('text')).text(), 'yes no\n');
    const verbose = (await (await ask('verbose_json')).json()) as { text: string; segments: Array<{ text: string; start: number; end: number }> };
    assert.equal(verbose.text, 'yes no');
    assert.equal(verbose.segments[0].text, 'yes no');
  });
});
