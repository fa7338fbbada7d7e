/**
 * Model-based property test of the meeting's lifecycles (issue 15): random
 * interleavings of speech, pause, resume, Start Meeting, Stop, a worker crash,
 * a slow engine stop (0–8 s), dictation taking the microphone and giving it
 * back, a notes disk that refuses writes (and takes them again) and a window reload, run against the real Meeting, MeetingTrack,
 * MeetingSlot and NotesWriter with fake speech lanes, a fake clock and notes in
 * memory. Invariants:
 * - at most one meeting at a time;
 * - every final the engine produced comes out of the meeting once, and is
 *   written to the notes exactly once or kept (never both, never neither);
 * - while a meeting runs, every source captures (or is on its way to), unless
 *   dictation holds the microphone;
 * - every worker started is stopped;
 * - Stop completes within 5 s.
 * A failure prints the shrunk sequence; the run prints how many runs and the
 * longest sequence explored.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Meeting } from '../../src/notes/meeting';
import { MeetingSlot } from '../../src/notes/meetingSlot';
import { parseJournal, journalPathFor } from '../../src/notes/notesJournal';
import { MeetingWorld, TRACKS } from '../support/meetingHarness';

type Action =
  | { a: 'say'; track: 0 | 1; final: boolean }
  | { a: 'pause' }
  | { a: 'resume' }
  | { a: 'start'; openMs: number }
  | { a: 'stop' }
  | { a: 'crash'; track: 0 | 1 }
  | { a: 'dictate'; on: boolean }
  | { a: 'slowStop'; ms: number }
  | { a: 'refuse'; on: boolean }
  | { a: 'reload' }
  | { a: 'wait'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ a: fc.constant('say' as const), track: fc.constantFrom(0 as const, 1 as const), final: fc.boolean() }), weight: 4 },
  fc.constant({ a: 'pause' as const }),
  fc.constant({ a: 'resume' as const }),
  { arbitrary: fc.record({ a: fc.constant('start' as const), openMs: fc.constantFrom(0, 300, 1500) }), weight: 2 },
  fc.constant({ a: 'stop' as const }),
  fc.record({ a: fc.constant('crash' as const), track: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({ a: fc.constant('dictate' as const), on: fc.boolean() }),
  { arbitrary: fc.record({ a: fc.constant('slowStop' as const), ms: fc.integer({ min: 0, max: 8000 }) }), weight: 2 },
  fc.record({ a: fc.constant('refuse' as const), on: fc.boolean() }),
  fc.constant({ a: 'reload' as const }),
  fc.record({ a: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
);

/** Phases of a track that capture, or are on their way to capturing again. */
const CAPTURING = new Set(['starting', 'running', 'restarting', 'resuming']);
const STOP_LIMIT_MS = 5000;

interface Entry {
  meeting: Meeting;
}

async function run(actions: Action[]): Promise<void> {
  const world = new MeetingWorld();
  const slot = new MeetingSlot<Entry>();
  const stops: Array<{ asked: number; done?: number }> = [];
  let words = 0;
  const current = () => slot.current?.meeting;

  const checkRunning = (when: string) => {
    const live = world.meetings.filter((m) => m.current !== 'stopped');
    assert.ok(live.length <= 1, `${when}: ${live.length} meetings at once`);
    const m = current();
    if (m?.current === 'running') {
      for (const t of TRACKS) {
        const state = m.trackState(t.kind);
        // Unless dictation holds the microphone.
        const lent = t.kind === 'mic' && state === 'suspended';
        assert.ok(state && (CAPTURING.has(state) || lent), `${when}: the meeting runs but ${t.kind} is ${state}`);
      }
    }
    for (const s of stops) {
      if (s.done === undefined) assert.ok(world.clock.now() - s.asked <= STOP_LIMIT_MS, `${when}: Stop asked at ${s.asked} ms not done at ${world.clock.now()} ms`);
    }
  };
  const stop = (m: Meeting) => {
    const s: { asked: number; done?: number } = { asked: world.clock.now() };
    stops.push(s);
    void m.stop().then(() => (s.done = world.clock.now()));
  };

  for (const [i, act] of actions.entries()) {
    const m = current();
    switch (act.a) {
      case 'say': {
        const session = m && world.speech.lanes.filter((l) => l.name === `meeting ${TRACKS[act.track].kind}`).at(-1)?.session;
        session?.hear(`w${++words}`);
        if (act.final) session?.endUtterance();
        break;
      }
      case 'pause':
        void m?.pause();
        break;
      case 'resume':
        m?.resume();
        break;
      case 'start':
        slot.begin(() => ({ meeting: world.meeting(act.openMs) }));
        break;
      case 'stop':
        if (m) stop(m);
        break;
      case 'dictate': {
        // Dictation takes the meeting's microphone (on) or gives it back (off).
        const session = world.speech.lanes.filter((l) => l.name === 'meeting mic').at(-1)?.session;
        if (act.on) session?.lend();
        else session?.giveBack();
        break;
      }
      case 'crash':
        world.speech.lanes.filter((l) => l.name === `meeting ${TRACKS[act.track].kind}`).at(-1)?.session?.crash();
        break;
      case 'slowStop':
        world.speech.stopMs = act.ms;
        for (const lane of world.speech.lanes) lane.stopMs = act.ms;
        break;
      case 'refuse':
        world.storage.refusing = act.on;
        break;
      case 'reload': {
        // As the window closing does: interrupt within VS Code's 5 s, then the next window resumes notes without an end.
        if (!m) break;
        const file = m.writer?.path;
        const interrupted = m.interrupt();
        await world.advance(STOP_LIMIT_MS);
        await interrupted;
        const text = file && world.storage.files.get(journalPathFor(file));
        if (file && text && !parseJournal(text).end) slot.begin(() => ({ meeting: world.resumed(file) }));
        break;
      }
      case 'wait':
        await world.advance(act.ms);
        break;
    }
    await world.advance(60);
    checkRunning(`after action ${i} (${JSON.stringify(act)})`);
  }

  // The end: Stop whatever runs, and let every slow stop finish.
  const m = current();
  if (m) stop(m);
  for (let t = 0; t < 10_000; t += 500) {
    await world.advance(500);
    checkRunning('at the end');
  }
  for (const s of stops) assert.ok(s.done !== undefined && s.done - s.asked <= STOP_LIMIT_MS, `Stop took ${(s.done ?? Infinity) - s.asked} ms`);
  for (const lane of world.speech.lanes) assert.equal(lane.workersStopped, lane.workersStarted, `${lane.name}: every worker started is stopped`);

  // Every final produced came out once, and is written exactly once or kept.
  const produced = world.speech.lanes.flatMap((l) => l.produced.map((p) => p.text));
  const given = world.finals.map((f) => f.final.text);
  assert.deepEqual([...given].sort(), [...produced].sort(), 'every final the engine produced came out of the meeting once');
  const notes = world.notesText();
  for (const f of world.finals) {
    assert.notEqual(f.written, undefined, `"${f.final.text}": its write never settled`);
    for (const word of f.final.text.split(' ')) {
      const times = notes.split(new RegExp(`\\b${word}\\b`)).length - 1;
      assert.equal(times, f.written ? 1 : 0, `"${word}" ${f.written ? 'written' : 'kept'}, and ${times} times in the notes`);
    }
  }
}

describe('meeting lifecycles: model-based (fast-check)', () => {
  it('random interleavings keep every final, one meeting, capture while running, workers stopped, Stop within 5 s', async () => {
    let runs = 0;
    let longest = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30, size: 'max' }), async (actions) => {
        runs++;
        longest = Math.max(longest, actions.length);
        await run(actions);
      }),
      { numRuns: Number(process.env.VOXNOTE_FC_RUNS ?? 60), verbose: 1 },
    );
    console.log(`# meeting model: ${runs} runs, longest sequence ${longest} actions`);
  });
});
