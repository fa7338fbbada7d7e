/** The command parser: ids and engine specs are checked, and errors never quote a credential. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand, parseEvent, ProtocolError } from '../../src/shared/protocol';

const SOURCE = { kind: 'file', path: '/a.wav' };
const line = (o: unknown) => JSON.stringify(o);
const rejects = (o: unknown, pattern: RegExp, id: number | null) => {
  assert.throws(() => parseCommand(line(o)), (e: unknown) => {
    assert.ok(e instanceof ProtocolError);
    assert.match(e.message, pattern);
    assert.equal(e.id, id);
    return true;
  });
};

describe('parseCommand', () => {
  it('needs a positive integer id on every command', () => {
    rejects({ type: 'stop' }, /"id"/, null);
    rejects({ id: 0, type: 'stop' }, /"id"/, null);
    rejects({ id: 1.5, type: 'stop' }, /"id"/, null);
    rejects({ id: '3', type: 'stop' }, /"id"/, null);
    assert.deepEqual(parseCommand(line({ id: 7, type: 'stop', extra: 1 })), { id: 7, type: 'stop' });
  });

  it('takes stop with discard (Cancel) and ping (liveness)', () => {
    assert.deepEqual(parseCommand(line({ id: 3, type: 'stop', discard: true })), { id: 3, type: 'stop', discard: true });
    assert.deepEqual(parseCommand(line({ id: 3, type: 'stop', discard: false })), { id: 3, type: 'stop' });
    rejects({ id: 3, type: 'stop', discard: 'yes' }, /"discard"/, 3);
    assert.deepEqual(parseCommand(line({ id: 9, type: 'ping' })), { id: 9, type: 'ping' });
    assert.deepEqual(parseEvent(line({ type: 'pong', re: 9 })), { type: 'pong', re: 9 });
  });

  it('keeps the id of a command that is otherwise bad, so the error can answer it', () => {
    rejects({ id: 4, type: 'fly' }, /unknown command type "fly"/, 4);
    rejects({ id: 5, type: 'start', engine: { kind: 'vosk', model: '/m' } }, /source/, 5);
  });

  it('checks engine specs', () => {
    rejects({ id: 1, type: 'load' }, /"engine"/, 1);
    rejects({ id: 1, type: 'load', engine: { kind: 'whisper', model: '/m' } }, /"kind"/, 1);
    rejects({ id: 1, type: 'load', engine: { kind: 'vosk' } }, /"model"/, 1);
    rejects({ id: 1, type: 'load', engine: { kind: 'sherpa', model: '' } }, /"model"/, 1);
    assert.deepEqual(parseCommand(line({ id: 2, type: 'load', engine: { kind: 'sherpa', model: '/s', junk: true } })), {
      id: 2,
      type: 'load',
      engine: { kind: 'sherpa', model: '/s' },
    });
    assert.deepEqual(parseCommand(line({ id: 3, type: 'start', engine: { kind: 'vosk', model: '/v' }, source: SOURCE })), {
      id: 3,
      type: 'start',
      engine: { kind: 'vosk', model: '/v' },
      source: SOURCE,
      options: {},
    });
  });

  it('checks diarization options: a model path, a threshold from 0 to 1, a positive number of speakers, a kept track', () => {
    const start = (diarization: unknown) => ({ id: 6, type: 'start', engine: { kind: 'sherpa', model: '/s' }, source: SOURCE, options: { diarization } });
    rejects(start({}), /"embeddingModel"/, 6);
    rejects(start({ embeddingModel: '/e.onnx', segmentationModel: 3 }), /"segmentationModel"/, 6);
    rejects(start({ embeddingModel: '/e.onnx', threshold: 1.5 }), /"threshold"/, 6);
    rejects(start({ embeddingModel: '/e.onnx', speakers: 0 }), /"speakers"/, 6);
    rejects(start({ embeddingModel: '/e.onnx', track: 'yes' }), /"track"/, 6);
    const ok = { embeddingModel: '/e.onnx', segmentationModel: '/s.onnx', threshold: 0.6, speakers: 3, track: true };
    assert.deepEqual((parseCommand(line(start(ok))) as { options: unknown }).options, { diarization: ok });
    assert.deepEqual(parseCommand(line({ id: 7, type: 'recluster' })), { id: 7, type: 'recluster' });
    assert.equal(parseEvent(line({ type: 'speakers', labels: [{ utteranceId: 2, speaker: 'Speaker 1', session: 6 }], re: 7 })).type, 'speakers');
  });

  it('checks AssemblyAI specs without quoting the credential', () => {
    const secret = 'sk-0123456789abcdef';
    const bad = [
      { kind: 'assemblyai' },
      { kind: 'assemblyai', credential: 42 },
      { kind: 'assemblyai', credential: secret, url: 'https://example.com/v3/ws' },
      { kind: 'assemblyai', credential: secret, url: 'wss://' },
      { kind: 'assemblyai', credential: secret, credentialKind: 'password' },
      { kind: 'assemblyai', credential: secret, formatTurns: 'yes' },
    ];
    for (const engine of bad) {
      assert.throws(() => parseCommand(line({ id: 9, type: 'load', engine })), (e: unknown) => {
        assert.ok(e instanceof ProtocolError);
        assert.ok(!e.message.includes(secret), e.message);
        return true;
      });
    }
    const engine = { kind: 'assemblyai', credential: secret, credentialKind: 'token', url: 'wss://127.0.0.1:8443/v3/ws', speechModel: 'universal-streaming-multilingual', formatTurns: false };
    assert.deepEqual(parseCommand(line({ id: 10, type: 'load', engine })), { id: 10, type: 'load', engine });
  });
});

describe('parseEvent', () => {
  it('needs a type and an re (an id or null)', () => {
    assert.deepEqual(parseEvent(line({ type: 'stopped', re: 3, reason: 'requested' })), { type: 'stopped', re: 3, reason: 'requested' });
    assert.equal(parseEvent(line({ type: 'error', re: null, code: 'internal', message: 'm', hint: 'h', fatal: true })).re, null);
    assert.throws(() => parseEvent(line({ type: 'stopped', reason: 'requested' })), /"re"/);
    assert.throws(() => parseEvent(line({ type: 'nope', re: 1 })), /unknown event type/);
  });
});
