/**
 * The two-pass queue (worker/engines/twoPass/twoPassStream.ts) under any
 * interleaving of streaming results, offline decodes ending or failing, Cancel
 * and the end of input. The first pass is driven through the sink it was given
 * and the offline decoder is a promise the test settles: this checks the
 * queue's rules; test/worker/twoPass.test.ts runs real models.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RecognitionStream, StreamSink } from '../../src/worker/engines/engine';
import type { SegmentResult } from '../../src/worker/engines/sherpa/vadStream';
import { LIVE_WAIT_MS, TwoPassStream } from '../../src/worker/engines/twoPass/twoPassStream';

type Op =
  | { op: 'audio'; seconds: number }
  | { op: 'partial' }
  | { op: 'endpoint' }
  | { op: 'settle'; fail: boolean; empty: boolean }
  | { op: 'cancel' }
  | { op: 'wait'; ms: number };

const OPS = fc.oneof(
  fc.record({ op: fc.constant('audio' as const), seconds: fc.double({ min: 0.1, max: 4, noNaN: true }) }),
  fc.record({ op: fc.constant('partial' as const) }),
  fc.record({ op: fc.constant('endpoint' as const) }),
  fc.record({ op: fc.constant('settle' as const), fail: fc.boolean(), empty: fc.boolean() }),
  fc.record({ op: fc.constant('cancel' as const) }),
  fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
);

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(ops: Op[], maxBacklogSeconds: number, live?: { clock: { ms: number } }) {
  const out: Array<{ type: 'partial' | 'final'; text: string }> = [];
  const notices: string[] = [];
  const sink: StreamSink = {
    partial: (text) => out.push({ type: 'partial', text }),
    final: (r) => out.push({ type: 'final', text: r.text }),
    error: (f) => assert.fail(`error ${f.message}`),
    notice: (f) => notices.push(f.message),
  };
  let first!: StreamSink;
  let utterance = 1;
  let partials = 0;
  const pending: Array<{ resolve(r: SegmentResult): void; reject(e: Error): void }> = [];
  const firstPass: RecognitionStream = {
    accept: () => undefined,
    endUtterance: () => first.final({ text: `s${utterance++}`, words: [] }),
    finish: async () => first.final({ text: `s${utterance++}`, words: [] }),
    close: () => undefined,
  };
  const stream = await TwoPassStream.open(
    async (s) => ((first = s), firstPass),
    () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
    { partials: true, live: !!live },
    sink,
    { maxSegmentSeconds: 30, maxBacklogSeconds, now: live && (() => live.clock.ms) },
  );
  let decodes = 0;
  let progress = 0;
  for (const o of ops) {
    if (o.op === 'audio') stream.accept(Buffer.alloc(2 * Math.round(o.seconds * 16000)));
    if (o.op === 'partial') first.partial(`p${utterance}.${++partials}`);
    if (o.op === 'endpoint') {
      partials = 0;
      stream.endUtterance();
    }
    if (o.op === 'cancel') stream.discardPending();
    if (o.op === 'wait' && live) live.clock.ms += o.ms;
    if (o.op === 'settle' && pending.length) {
      const d = pending.shift()!;
      decodes++;
      if (o.fail) d.reject(new Error('decode failed'));
      else d.resolve({ text: o.empty ? ' ' : `o${decodes}`, tokens: [], timestamps: [] });
      await flush();
    }
    assert.ok(pending.length <= 1, 'one offline decode at a time');
    // File progress counts what has its final, and never goes back.
    const decoded = stream.decodedSeconds();
    assert.ok(decoded >= progress, `progress went back from ${progress} to ${decoded}`);
    progress = decoded;
  }
  // The end of input: every pending decode ends (or Cancel made them unheard).
  const finished = stream.finish();
  while (pending.length) {
    const d = pending.shift()!;
    decodes++;
    d.resolve({ text: `o${decodes}`, tokens: [], timestamps: [] });
    await flush();
  }
  await finished;
  stream.close();
  return { out, notices, utterances: utterance - 1 };
}

test('any interleaving: every utterance gets one final, in order, from the offline model or else its streaming text; one partial shows at a time; progress never goes back', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(OPS, { maxLength: 40 }), fc.constantFrom(1, 4, 30), fc.boolean(), async (ops, maxBacklogSeconds, live) => {
      const { out, utterances } = await run(ops, maxBacklogSeconds, live ? { clock: { ms: 0 } } : undefined);
      const finals = out.filter((e) => e.type === 'final');
      // Nothing lost, nothing repeated: utterance k's final is o* (offline) or s<k> (its streaming text).
      assert.equal(finals.length, utterances);
      let k = 1;
      let shownFor = 1;
      for (const e of out) {
        if (e.type === 'final') {
          assert.ok(/^o\d+$/.test(e.text) || e.text === `s${k}`, `final ${k} is "${e.text}"`);
          k++;
          shownFor = k;
          continue;
        }
        // A partial always belongs to the utterance whose final comes next: its live partials or its streaming text.
        const belongs = e.text === `s${shownFor}` || e.text.startsWith(`p${shownFor}.`);
        assert.ok(belongs, `partial "${e.text}" shown while utterance ${shownFor} waits for its final: ${JSON.stringify(out)}`);
      }
    }),
    { numRuns: 300 },
  );
});

test('Cancel: what waits for the offline model keeps its streaming text at once, and nothing more is decoded', async () => {
  const { out } = await run(
    [{ op: 'audio', seconds: 1 }, { op: 'endpoint' }, { op: 'audio', seconds: 1 }, { op: 'endpoint' }, { op: 'audio', seconds: 1 }, { op: 'cancel' }],
    30,
  );
  assert.deepEqual(out.filter((e) => e.type === 'final').map((e) => e.text), ['s1', 's2', 's3']);
});

test('an offline failure keeps the streaming text and says so once; an empty offline text keeps it too', async () => {
  const { out, notices } = await run(
    [
      { op: 'audio', seconds: 1 },
      { op: 'endpoint' },
      { op: 'settle', fail: true, empty: false },
      { op: 'audio', seconds: 1 },
      { op: 'endpoint' },
      { op: 'settle', fail: true, empty: false },
      { op: 'audio', seconds: 1 },
      { op: 'endpoint' },
      { op: 'settle', fail: false, empty: true },
      { op: 'audio', seconds: 1 },
      { op: 'endpoint' },
      { op: 'settle', fail: false, empty: false },
    ],
    30,
  );
  assert.deepEqual(out.filter((e) => e.type === 'final').map((e) => e.text), ['s1', 's2', 's3', 'o4', 's5']);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /could not decode an utterance \(decode failed\): it keeps the live model's text/);
});

test('live audio cannot wait: past twice the bound, waiting utterances keep their streaming text (said once) and the queue stays bounded', async () => {
  const ops: Op[] = [];
  for (let i = 0; i < 10; i++) ops.push({ op: 'audio', seconds: 2 }, { op: 'endpoint' });
  const { out, notices } = await run(ops, 1);
  const finals = out.filter((e) => e.type === 'final').map((e) => e.text);
  assert.equal(finals.length, 11);
  // The first decode was under way throughout; the rest but the newest fell back to their streaming text.
  assert.deepEqual(finals.slice(1, 9), ['s2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']);
  assert.equal(notices.filter((n) => /decodes more slowly than you speak/.test(n)).length, 1);
});

test('live audio: an utterance that waited over LIVE_WAIT_MS for the offline model keeps its streaming text; a fresh one is decoded', async () => {
  const clock = { ms: 0 };
  const settle: Op = { op: 'settle', fail: false, empty: false };
  const { out, notices } = await run(
    [
      { op: 'audio', seconds: 2 },
      { op: 'endpoint' },
      { op: 'audio', seconds: 2 },
      { op: 'endpoint' },
      { op: 'wait', ms: LIVE_WAIT_MS + 1 },
      { op: 'audio', seconds: 2 },
      { op: 'endpoint' },
      // The first decode ends: the second utterance waited too long, the third is fresh.
      settle,
      settle,
    ],
    30,
    { clock },
  );
  // The end of input's utterance has no audio of its own: its (empty-handed) streaming text stands.
  assert.deepEqual(out.filter((e) => e.type === 'final').map((e) => e.text), ['o1', 's2', 'o2', 's4']);
  assert.equal(notices.length, 1);
});
