/**
 * The speech-server engine's pure pieces: which addresses may get plain http,
 * the 16 → 24 kHz upsampler of the realtime protocol (the same output however
 * the audio is chunked), the 413 split point, and the fault messages (each
 * with a next step, none with the key).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { APIConnectionError, APIError } from 'openai';
import { isPrivateHost, serverUrlProblem } from '../../../src/shared/serverUrl';
import { classify, notFound } from '../../../src/worker/engines/openai/faults';
import { Upsampler } from '../../../src/worker/engines/openai/realtimeStream';
import { quietestNearMiddle } from '../../../src/worker/engines/openai/transcriber';

const KEY = 'sk-unit-9f2c7d1e55aa';
const ctx = { baseUrl: 'https://speech.example.com/v1', model: 'whisper-1', credential: KEY };

describe('speech server addresses', () => {
  it('plain http only for loopback and private addresses', () => {
    for (const h of ['localhost', '127.0.0.1', '127.8.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.1', '192.168.1.20', '169.254.1.1', '[::1]', '[fd00::1]', '[fe80::1]']) assert.ok(isPrivateHost(h), h);
    for (const h of ['example.com', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2001:db8::1]', 'localhost.example.com']) assert.ok(!isPrivateHost(h), h);
    assert.equal(serverUrlProblem('http://127.0.0.1:8000/v1'), undefined);
    assert.equal(serverUrlProblem('https://api.openai.com/v1'), undefined);
    assert.match(serverUrlProblem('http://api.groq.com/openai/v1')!, /plain http:\/\/ to api\.groq\.com/);
    assert.match(serverUrlProblem('ftp://x/v1')!, /https:\/\//);
    assert.match(serverUrlProblem('127.0.0.1:8000')!, /https:\/\/|not a URL/);
  });
});

describe('Upsampler (16 kHz → 24 kHz)', () => {
  const pcm = (values: number[]) => Buffer.from(Int16Array.from(values).buffer);
  it('gives the same samples however the input is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 2, maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 20 }), (values, cuts) => {
        const whole = new Upsampler().push(pcm(values));
        const up = new Upsampler();
        const parts: Buffer[] = [];
        let at = 0;
        for (const c of cuts) {
          parts.push(up.push(pcm(values.slice(at, at + c))));
          at = Math.min(values.length, at + c);
        }
        parts.push(up.push(pcm(values.slice(at))));
        assert.deepEqual(Buffer.concat(parts), whole);
        // Three output samples per two input intervals; output that needs the next input sample waits for it.
        assert.equal(whole.length / 2, Math.ceil((3 * (values.length - 1)) / 2));
      }),
    );
  });
});

describe('the 413 split', () => {
  it('cuts in the quietest 50 ms of the middle third', () => {
    const s = new Float32Array(16000 * 3).fill(0.3);
    s.fill(0, 26000, 27000);
    const at = quietestNearMiddle(s);
    assert.ok(at >= 26000 && at <= 27000, String(at));
  });
});

describe('speech server faults', () => {
  const status = (code: number, message: string, headers: Record<string, string> = {}) => APIError.generate(code, { message }, message, new Headers(headers));
  it('401/403 name the key and how to set it, never the key itself', () => {
    for (const code of [401, 403]) {
      const c = classify(status(code, `Incorrect API key provided: ${KEY}`), ctx);
      assert.equal(c.kind, 'permanent');
      if (c.kind !== 'permanent') return;
      assert.equal(c.error.code, 'credential-rejected');
      assert.match(c.error.message, new RegExp(`refused the API key \\(${code}\\)`));
      assert.match(c.error.hint, /Voxnote: Set Server API Key/);
      assert.ok(!`${c.error.message} ${c.error.hint}`.includes(KEY));
    }
    const none = classify(status(401, 'no key'), { ...ctx, credential: undefined });
    assert.ok(none.kind === 'permanent' && none.error.code === 'credential-missing');
  });
  it('429 and 5xx are retried, honouring Retry-After; a lost connection too', () => {
    const limited = classify(status(429, 'slow down', { 'retry-after': '7' }), ctx);
    assert.ok(limited.kind === 'retry' && limited.retryAfterMs === 7000);
    assert.equal(classify(status(503, 'busy'), ctx).kind, 'retry');
    assert.equal(classify(new APIConnectionError({ message: 'Connection error.', cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }), ctx).kind, 'retry');
    assert.equal(classify(status(413, 'too big'), ctx).kind, 'too-large');
    assert.equal(classify(status(404, 'nope'), ctx).kind, 'not-found');
  });
  it('404 tells the base URL from the model', () => {
    assert.match(notFound(ctx, undefined).message, /base URL looks wrong/);
    const model = notFound(ctx, ['a', 'b']);
    assert.match(model.message, /has no model "whisper-1" \(404\)\. It has: a, b\./);
    assert.match(model.hint, /voxnote\.server\.model/);
  });
});
