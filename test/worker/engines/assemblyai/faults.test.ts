/** AssemblyAI faults in plain words, and credentials scrubbed from text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, scrub } from '../../../../src/worker/engines/assemblyai/faults';

describe('classify', () => {
  const cases: [number | undefined, string, string, boolean][] = [
    [4001, 'Not Authorized', 'credential-rejected', true],
    [4002, 'Insufficient funds', 'insufficient-funds', true],
    [4003, 'paid-only', 'insufficient-funds', true],
    [4000, 'Sample rate must be a positive integer', 'service-refused', true],
    [4101, 'Bad schema', 'service-refused', true],
    [3006, 'Input validation error', 'service-refused', true],
    [3007, 'Audio chunk duration violation', 'service-refused', true],
    [4029, 'Rate limited', 'service-refused', false],
    [3009, 'Too many concurrent sessions', 'service-refused', false],
    [3005, 'Server error', 'service-refused', false],
    [1006, '', 'service-refused', false],
    [1008, 'Invalid API key', 'credential-rejected', true],
    [undefined, 'Unexpected server response: 401', 'credential-rejected', true],
    [undefined, 'Streaming connection timed out after 3000ms', 'service-unresponsive', false],
    [undefined, 'self-signed certificate', 'service-unreachable', true],
    [undefined, 'connect ECONNREFUSED 127.0.0.1:443', 'service-unreachable', false],
  ];
  for (const [code, reason, expected, permanent] of cases) {
    it(`${code ?? 'no code'} ${reason || '(no reason)'} -> ${expected}${permanent ? ', not retried' : ''}`, () => {
      const { error, permanent: p } = classify({ code, reason }, false);
      assert.equal(error.code, expected);
      assert.equal(p, permanent);
      assert.ok(error.fatal);
      assert.ok(error.message.length > 20 && error.hint.length > 20, `${error.message} / ${error.hint}`);
    });
  }

  it('a rejected key names the command that sets it; a rejected token says to start again', () => {
    assert.match(classify({ code: 4001, reason: '' }, false).error.hint, /"Voxnote: Set AssemblyAI API Key"/);
    assert.match(classify({ code: 4001, reason: '' }, true).error.message, /token/);
  });
});

describe('scrub', () => {
  it('removes a credential as written and URL-encoded', () => {
    const secret = 'ab+c/d=ef0123456789';
    assert.equal(scrub(`wss://h/v3/ws?token=${encodeURIComponent(secret)} and ${secret}`, secret), 'wss://h/v3/ws?token=*** and ***');
  });
  it('leaves text alone for a credential too short to be real', () => {
    assert.equal(scrub('keep it', 'k'), 'keep it');
  });
});
