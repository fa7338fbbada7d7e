/**
 * Model-based property test of dictation, a meeting's microphone and the
 * hand-over between them (issue 15): random interleavings of push-to-talk
 * presses and holds, toggle, cancel, stop, hand-over answers, worker crashes
 * and slow stops (0–8 s), run against the real DictationLifecycle, hold
 * detector, speech service, lanes, sessions and microphone arbiter, with fake
 * workers (test/support/fakeWorker.ts) on a fake clock.
 *
 * Invariants:
 * - every final a worker produced reaches its session exactly once, and every
 *   final of a dictation is delivered exactly once unless the person cancelled
 *   that dictation before it came;
 * - the meeting and dictation never capture the microphone at once, and once
 *   things settle the meeting captures whenever it runs and dictation does not
 *   hold the microphone;
 * - a press while dictation stops starts the next dictation at once;
 * - every stop completes within its bound (the slowest engine stop, 8 s);
 * - every worker started is stopped at the end.
 * A failing run prints its shrunk command sequence; the test prints its number
 * of runs and the longest sequence it explored.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Dictation, DictationLifecycle } from '../../src/dictation/dictationLifecycle';
import type { PushToTalkMode } from '../../src/shared/settings';
import type { SpeechSession } from '../../src/speech/speechSession';
import { SpeechLane, SpeechService } from '../../src/speech/speechService';
import { FakeClock } from '../support/fakeClock';
import { FakeWorker } from '../support/fakeWorker';

const ENGINE = { kind: 'vosk', model: '/models/fake' } as const;
const MAX_STOP_MS = 8000;
/** A stop completes within the slowest engine stop, plus the worker's own few milliseconds. */
const STOP_BOUND_MS = MAX_STOP_MS + 50;
const RUNS = 150;

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface TestDictation extends Dictation<typeof ENGINE> {
  id: number;
  /** When the person cancelled it (Escape). */
  cancelledAt?: number;
  stoppedAt?: number;
}

/** Everything one run touches: the real classes, their fake workers, and what they delivered. */
class World {
  readonly clock = new FakeClock();
  readonly workers: FakeWorker[] = [];
  stopMs: number;
  private words = 0;
  /** Finals as they reached sessions, and as dictation delivered them. */
  readonly arrived: Array<{ text: string; dictation?: TestDictation; at: number }> = [];
  readonly delivered: string[] = [];
  readonly dictations: TestDictation[] = [];
  private question?: (yes: boolean) => void;
  readonly service: SpeechService;
  readonly lifecycle: DictationLifecycle<typeof ENGINE, TestDictation>;
  /** The meeting's microphone track, in runs that have a meeting. */
  readonly meeting?: SpeechSession;
  private readonly lanes: Record<'meeting' | 'dictation', SpeechLane>;

  constructor(readonly mode: PushToTalkMode, stopMs: number, withMeeting: boolean) {
    this.stopMs = stopMs;
    this.service = new SpeechService({
      workerPath: '',
      clock: this.clock,
      restart: { initialBackoffMs: 200, maxBackoffMs: 1600 },
      confirmMicrophoneHandover: () => new Promise((resolve) => (this.question = resolve)),
      spawnWorker: () => {
        const worker = new FakeWorker(this.clock, { stopMs: () => this.stopMs });
        this.workers.push(worker);
        return worker;
      },
    });
    const meetingLane = this.service.createLane('meeting');
    const dictationLane = this.service.createLane('dictation');
    this.lanes = { meeting: meetingLane, dictation: dictationLane };
    if (withMeeting) {
      this.meeting = meetingLane.createSession({ engine: ENGINE, purpose: 'meeting', source: { kind: 'mic' } });
      this.meeting.onFinal((f) => this.arrived.push({ text: f.text, at: this.clock.now() }));
    }
    this.lifecycle = new DictationLifecycle<typeof ENGINE, TestDictation>(
      {
        choose: async () => ENGINE,
        open: (engine) => {
          const speech = dictationLane.createSession({ engine, purpose: 'dictation', source: { kind: 'mic' } });
          const d: TestDictation = { speech, engine, id: this.dictations.length };
          this.dictations.push(d);
          speech.onFinal((f) => this.arrived.push({ text: f.text, dictation: d, at: this.clock.now() }));
          speech.onStateChange((s) => s === 'stopping' && (d.stoppedAt ??= this.clock.now()));
          return d;
        },
        started: () => undefined,
        partial: () => undefined,
        level: () => undefined,
        deliver: (_d, f) => void this.delivered.push(f.text),
        discarded: (d) => void (d.cancelledAt = this.clock.now()),
        problem: () => undefined,
        ended: () => undefined,
        idle: () => undefined,
      },
      this.clock,
    );
  }

  /** Moves fake time on, letting every promise settle between timers. */
  async advance(ms: number): Promise<void> {
    const until = this.clock.now() + ms;
    await flush();
    for (let next = this.clock.nextDue(); next !== undefined && next <= until; next = this.clock.nextDue()) {
      this.clock.advanceTo(next);
      await flush();
    }
    this.clock.advanceTo(until);
    await flush();
  }

  press(): void {
    this.lifecycle.pushToTalk({ mode: this.mode, releaseTailMs: 300 });
  }

  answer(yes: boolean): boolean {
    const q = this.question;
    this.question = undefined;
    if (q && yes) seen.handovers++;
    q?.(yes);
    return !!q;
  }

  /** The lane's live worker. */
  live(lane: 'meeting' | 'dictation'): FakeWorker | undefined {
    const pid = this.lanes[lane].pid;
    return this.workers.find((w) => w.pid === pid && w.alive);
  }

  /** The person says a word: whichever worker captures the microphone hears it. */
  say(): void {
    const word = `w${++this.words}`;
    for (const w of this.workers) if (w.alive && w.capturing) w.say(word);
  }

  pause(): void {
    for (const w of this.workers) w.pause();
  }

  /** Invariants that hold at every moment. */
  checkAlways(): void {
    const capturing = this.workers.filter((w) => w.alive && w.capturing);
    assert.ok(capturing.length <= 1, `the microphone is captured ${capturing.length} times at once`);
    for (const d of this.dictations) {
      if (d.stoppedAt === undefined || d.speech.state === 'ended') continue;
      assert.ok(this.clock.now() - d.stoppedAt <= STOP_BOUND_MS, `dictation ${d.id} stopped at ${d.stoppedAt} ms and has not ended at ${this.clock.now()} ms`);
    }
  }

  /** Once nothing is in flight: the meeting captures whenever it runs and dictation does not hold the microphone. */
  checkSettled(): void {
    this.checkAlways();
    const meetingWorker = this.live('meeting');
    if (this.meeting && this.meeting.state !== 'ended' && this.service.microphone.user !== 'dictation' && !this.service.microphone.state.handover) {
      assert.equal(this.meeting.state, 'running', 'the meeting runs');
      assert.ok(meetingWorker?.capturing, 'the meeting captures its microphone');
    }
  }

  /** Every final produced reached its session once; dictation's were delivered once unless cancelled first. */
  checkFinals(): void {
    const produced = this.workers.flatMap((w) => w.produced).sort();
    assert.deepEqual(this.arrived.map((a) => a.text).sort(), produced, 'every final produced reached its session exactly once');
    const expected = this.arrived.filter((a) => a.dictation && (a.dictation.cancelledAt === undefined || a.at < a.dictation.cancelledAt)).map((a) => a.text);
    assert.deepEqual([...this.delivered].sort(), expected.sort(), 'every dictation final delivered exactly once (none dropped unless cancelled)');
  }

  async end(): Promise<void> {
    this.answer(false);
    const shutdown = Promise.all([this.lifecycle.shutdown(60_000), this.meeting?.stop()]).then(() => this.service.shutdown());
    await this.advance(30_000);
    await shutdown;
    await this.advance(1000);
    assert.deepEqual(this.workers.filter((w) => w.alive).map((w) => w.pid), [], 'every worker started is stopped');
  }
}

type Cmd = fc.AsyncCommand<object, World>;

const cmd = (name: string, run: (w: World) => Promise<void> | void): Cmd => ({
  check: () => true,
  run: async (_m, w) => {
    await run(w);
    await w.advance(1);
    w.checkAlways();
  },
  toString: () => name,
});

/** A press: while a dictation is stopping it must start the next at once. */
const startAtOnce = (w: World, act: () => void) => {
  const before = w.lifecycle.state;
  // A press the hold detector takes for the held key's repeat (a double tap) is no new press.
  const repeat = w.lifecycle.keyDown;
  act();
  if (before !== 'stopping' || repeat) return;
  assert.equal(w.lifecycle.state, 'dictating', 'a press while stopping starts the next dictation at once');
  seen.pressWhileStopping++;
};

/** How often the interesting interleavings happened, printed with the run count. */
const seen = { pressWhileStopping: 0, handovers: 0, crashes: 0 };

const commands = [
  fc.constant(cmd('press', (w) => startAtOnce(w, () => w.press()))),
  fc.integer({ min: 100, max: 2000 }).map((ms) =>
    cmd(`hold(${ms})`, async (w) => {
      startAtOnce(w, () => w.press());
      // OS key repeat: the first after 500 ms, then every 40 ms.
      await w.advance(500);
      for (let t = 500; t < ms; t += 40) {
        w.press();
        await w.advance(40);
      }
    }),
  ),
  fc.constant(
    cmd('toggle', (w) => {
      const before = w.lifecycle.state;
      w.lifecycle.toggle();
      if (before === 'stopping') assert.equal(w.lifecycle.state, 'dictating', 'a toggle while stopping starts the next dictation at once');
    }),
  ),
  fc.constant(cmd('stop', (w) => w.lifecycle.stop())),
  fc.constant(cmd('cancel', (w) => w.lifecycle.cancel())),
  fc.constant(cmd('say', (w) => w.say())),
  fc.constant(cmd('pause', (w) => w.pause())),
  fc.boolean().map((yes) => cmd(`answer(${yes ? 'yes' : 'no'})`, (w) => void w.answer(yes))),
  fc.constantFrom<'dictation' | 'meeting'>('dictation', 'meeting').map((lane) => cmd(`crash(${lane})`, (w) => {
    const worker = w.live(lane);
    if (worker) seen.crashes++;
    worker?.crash();
  })),
  fc.integer({ min: 0, max: MAX_STOP_MS }).map((ms) => cmd(`slowStop(${ms})`, (w) => void (w.stopMs = ms))),
  fc.integer({ min: 0, max: 3000 }).map((ms) => cmd(`wait(${ms})`, (w) => w.advance(ms))),
  fc.constant(
    cmd('settle', async (w) => {
      await w.advance(MAX_STOP_MS + 5000);
      w.checkSettled();
    }),
  ),
];

describe('dictation, meeting microphone and hand-over: model-based (fast-check)', () => {
  it(`keeps every final, the meeting's microphone and every stop bound over ${RUNS} random interleavings`, async () => {
    let runs = 0;
    let longest = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<PushToTalkMode>('hold', 'toggle', 'auto'),
        fc.integer({ min: 0, max: MAX_STOP_MS }),
        fc.boolean(),
        fc.commands(commands, { maxCommands: 60, size: 'max' }),
        async (mode, stopMs, withMeeting, cmds) => {
        runs++;
        const world = new World(mode, stopMs, withMeeting);
        await world.advance(10);
        await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
        longest = Math.max(longest, [...cmds].length);
        await world.advance(MAX_STOP_MS + 5000);
        world.checkSettled();
        await world.end();
        world.checkFinals();
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
    console.log(
      `lifecycle model: ${runs} runs, longest sequence explored: ${longest} commands; ` +
        `presses while stopping: ${seen.pressWhileStopping}, hand-overs accepted: ${seen.handovers}, worker crashes: ${seen.crashes}`,
    );
  });
});
