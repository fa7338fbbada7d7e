// One decode-thread budget across every worker: dictation, both meeting
// tracks and file transcriptions together never ask for more cores than the
// machine has, whatever order they load and end in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkEngineSpec, ProtocolError } from '../../src/shared/protocol';
import { SpeechService } from '../../src/speech/speechService';
import { MAX_THREADS_PER_WORKER, ThreadLedger, threadBudget } from '../../src/speech/threadBudget';

const sherpa = { kind: 'sherpa', model: '/models/x' } as const;

test('any order of loads and ends: the grants together stay within the budget, each worker 1 to 4 threads', () => {
  const op = fc.record({ lane: fc.integer({ min: 0, max: 5 }), close: fc.boolean() });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (cores, lanes, ops) => {
      const budget = threadBudget(cores);
      const ledger = new ThreadLedger<number>(budget);
      const open = new Set(Array.from({ length: lanes }, (_, i) => i));
      open.forEach((l) => ledger.register(l));
      const holding = new Set<number>();
      for (const { lane, close } of ops) {
        if (!open.has(lane)) continue;
        if (close) {
          ledger.release(lane);
          open.delete(lane);
          holding.delete(lane);
          continue;
        }
        const threads = ledger.grant(lane);
        holding.add(lane);
        assert.ok(threads >= 1 && threads <= MAX_THREADS_PER_WORKER, `granted ${threads}`);
        // One thread each is the least a worker decodes on; beyond that, never past the budget.
        assert.ok(ledger.total <= Math.max(budget, holding.size), `${ledger.total} threads on ${cores} cores for ${holding.size} workers`);
      }
    }),
    { numRuns: 500 },
  );
});

test('on 2 cores, dictation and both meeting tracks decode on one thread each', () => {
  const service = new SpeechService({ workerPath: 'unused', cores: 2 });
  const lanes = ['dictation', 'meeting system', 'meeting mic'].map((n) => service.createLane(n));
  const threads = lanes.map((l) => service.withThreads(l, sherpa));
  assert.deepEqual(threads.map((s) => (s.kind === 'sherpa' ? s.threads : undefined)), [1, 1, 1]);
});

test('on 8 cores, dictation alone decodes on 4 threads; with a meeting\'s two tracks the three share 7', async () => {
  const service = new SpeechService({ workerPath: 'unused', cores: 8 });
  const dictation = service.createLane('dictation');
  const threadsOf = (spec: ReturnType<SpeechService['withThreads']>) => (spec.kind === 'sherpa' ? spec.threads : undefined);
  assert.equal(threadsOf(service.withThreads(dictation, sherpa)), 4);
  const system = service.createLane('meeting system');
  const mic = service.createLane('meeting mic');
  // Dictation still holds 4 until its next load: the tracks get what is left, 7 in all.
  assert.deepEqual([threadsOf(service.withThreads(system, sherpa)), threadsOf(service.withThreads(mic, sherpa))], [2, 1]);
  // Dictation's next session loads with its share of three.
  assert.equal(threadsOf(service.withThreads(dictation, sherpa)), 2);
  await dictation.shutdown();
  assert.equal(threadsOf(service.withThreads(mic, sherpa)), 3);
});

test('Test Model Speed measures with the threads dictation alone loads with, and takes none from the budget', async () => {
  const service = new SpeechService({ workerPath: 'unused', cores: 8 });
  const dictation = service.createLane('dictation');
  const speed = service.createLane('speed test', { measures: true });
  const threadsOf = (spec: ReturnType<SpeechService['withThreads']>) => (spec.kind === 'sherpa' ? spec.threads : undefined);
  assert.equal(threadsOf(service.withThreads(speed, sherpa)), 4);
  // Dictation's share is not split with the measurement.
  assert.equal(threadsOf(service.withThreads(dictation, sherpa)), 4);
  await speed.shutdown();
  await dictation.shutdown();
});

test('only sherpa-onnx specs carry threads: libvosk decodes on one, a cloud engine on none', () => {
  const service = new SpeechService({ workerPath: 'unused', cores: 8 });
  const lane = service.createLane('dictation');
  assert.deepEqual(service.withThreads(lane, { kind: 'vosk', model: '/m' }), { kind: 'vosk', model: '/m' });
});

test('the protocol carries a sherpa engine\'s threads and refuses a count that is not a whole number from 1 to 64', () => {
  assert.deepEqual(checkEngineSpec({ ...sherpa, threads: 2 }), { ...sherpa, threads: 2 });
  for (const threads of [0, 1.5, 65, '2']) {
    assert.throws(() => checkEngineSpec({ ...sherpa, threads }), (e: unknown) => e instanceof ProtocolError && /threads/.test(e.message));
  }
});

test('a two-pass lane splits its grant: the streaming model one thread, the offline final model the rest, within the budget', () => {
  const twoPass = { ...sherpa, twoPass: { model: '/models/whisper' } };
  for (const [cores, first, final] of [
    [8, 1, 3],
    [4, 1, 2],
    [3, 1, 1],
    // One thread of budget: each model one (they share the core; auto allows it only when both together keep up).
    [2, 1, 1],
  ]) {
    const service = new SpeechService({ workerPath: 'unused', cores });
    const spec = service.withThreads(service.createLane('dictation'), twoPass);
    assert.ok(spec.kind === 'sherpa');
    assert.deepEqual([spec.threads, spec.twoPass?.threads], [first, final], `${cores} cores`);
  }
  // A Vosk first pass decodes on libvosk's one thread; the final model gets the grant less one.
  const service = new SpeechService({ workerPath: 'unused', cores: 8 });
  assert.deepEqual(service.withThreads(service.createLane('dictation'), { kind: 'vosk', model: '/m', twoPass: { model: '/w' } }), { kind: 'vosk', model: '/m', twoPass: { model: '/w', threads: 3 } });
});

test('the protocol carries a two-pass final model on a local engine and refuses a malformed one', () => {
  const twoPass = { model: '/models/whisper', threads: 2 };
  assert.deepEqual(checkEngineSpec({ ...sherpa, twoPass }), { ...sherpa, twoPass });
  assert.deepEqual(checkEngineSpec({ kind: 'vosk', model: '/v', twoPass: { model: '/w', extra: 1 } }), { kind: 'vosk', model: '/v', twoPass: { model: '/w' } });
  for (const bad of ['/w', { threads: 2 }, { model: '' }, { model: '/w', threads: 0 }, ['/w']]) {
    assert.throws(() => checkEngineSpec({ ...sherpa, twoPass: bad }), (e: unknown) => e instanceof ProtocolError && /twoPass|threads/.test(e.message), JSON.stringify(bad));
  }
});
