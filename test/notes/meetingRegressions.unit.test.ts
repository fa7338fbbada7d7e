/**
 * Issue 15, items 3, 4 and 5, on the real Meeting, MeetingTrack, MeetingSlot and
 * NotesWriter with fake speech lanes, a fake clock and notes in memory. Items 3
 * and 4 failed on the code before the lifecycles became state machines (the
 * track stayed "paused"; Stop never resolved); item 5 is the race the slot closes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LINE_ORDER_TIMING } from '../../src/notes/lineOrder';
import { MeetingClock } from '../../src/notes/meetingClock';
import { STOP_BOUNDS } from '../../src/notes/meetingLifecycle';
import { MeetingSlot } from '../../src/notes/meetingSlot';
import { MeetingTrack, type TrackState } from '../../src/notes/meetingTrack';
import type { Meeting } from '../../src/notes/meeting';
import { MeetingWorld } from '../support/meetingHarness';

describe('issue 15 regressions: the meeting and its tracks', () => {
  it('item 3: Pause then Resume before a track has finished stopping: the track captures again once its stop ends', async () => {
    const world = new MeetingWorld();
    const lane = world.speech.createLane('meeting mic');
    const track = new MeetingTrack({
      spec: { kind: 'mic', label: 'Me' },
      engine: { kind: 'vosk', model: '/m' },
      clock: new MeetingClock(() => world.clock.now()),
      lane,
      recognizer: {},
      sourceFor: () => ({ kind: 'mic' }),
    });
    const states: TrackState[] = [];
    track.onState((s) => states.push(s));
    track.start();
    await world.advance(100);
    assert.equal(track.current, 'running');
    lane.stopMs = 1500; // an engine that takes its time to stop (AssemblyAI, a Whisper-class model)
    const paused = track.pause();
    track.start();
    assert.equal(track.current, 'resuming', 'resumed while the old session still stops');
    await world.advance(2000);
    await paused;
    assert.equal(track.current, 'running', `the source is back on: ${states.join(' → ')}`);
    assert.ok(lane.session, 'a new session captures');
    const stopped = track.stop();
    await world.advance(2000);
    await stopped;
    assert.equal(lane.workersStarted, lane.workersStopped);
  });

  it('item 4: Stop with a notes folder that refuses writes ends within 5 s; the lines it refused come out kept, none written twice', async () => {
    const world = new MeetingWorld();
    const meeting = world.meeting();
    await world.advance(100);
    assert.equal(meeting.current, 'running');
    const [mic] = world.speech.lanes;
    mic.session!.hear('before');
    mic.session!.endUtterance();
    // Past the time order's grace (the other source is quiet): the line is on disk before the disk refuses.
    await world.advance(LINE_ORDER_TIMING.graceMs + 100);
    world.storage.refusing = true;
    mic.session!.hear('during');
    mic.session!.endUtterance();
    mic.session!.hear('underway'); // the utterance under way when Stop is pressed
    await world.advance(100);
    const t0 = world.clock.now();
    let stoppedAt: number | undefined;
    const outcome = meeting.stop().then((o) => ((stoppedAt = world.clock.now()), o));
    await world.advance(6000);
    assert.ok(stoppedAt !== undefined, 'Stop completed');
    assert.ok(stoppedAt - t0 <= 5000, `within 5 s: ${stoppedAt - t0} ms`);
    assert.ok(STOP_BOUNDS.tracksMs + STOP_BOUNDS.finishMs + STOP_BOUNDS.closeMs < 5000);
    const o = await outcome;
    assert.equal(o.complete, false);
    assert.equal(o.kept, 2);
    assert.equal(o.error?.code, 'EACCES');
    assert.equal(meeting.current, 'stopped');
    assert.deepEqual(
      world.finals.map((f) => [f.final.text, f.written]),
      [
        ['before', true],
        ['during', false],
        ['underway', false],
      ],
    );
    const notes = world.notesText();
    assert.match(notes, /\*\*Me:\*\* before/);
    assert.doesNotMatch(notes, /during|underway/);
    assert.equal(mic.workersStarted, mic.workersStopped, 'the worker was stopped');
  });

  it('item 5: Start Meeting while one is resuming into its notes focuses that one and never starts a second', async () => {
    const world = new MeetingWorld();
    // A meeting whose notes file exists, interrupted by a reload.
    const first = world.meeting();
    await world.advance(100);
    const file = first.writer!.path;
    const interrupted = first.interrupt();
    await world.advance(1000);
    await interrupted;
    const slot = new MeetingSlot<{ meeting: Meeting }>();
    // Resume: opening takes a while (the engine, the journal).
    const resumed = slot.begin(() => ({ meeting: world.resumed(file, 1000) }));
    assert.equal(resumed.created, true);
    await world.advance(100);
    assert.equal(resumed.entry.meeting.current, 'opening');
    let made = 0;
    const second = slot.begin(() => ({ meeting: (made++, world.meeting()) }));
    assert.equal(second.created, false, 'no second meeting');
    assert.equal(second.entry, resumed.entry);
    assert.equal(made, 0);
    await world.advance(1500);
    assert.equal(resumed.entry.meeting.current, 'running');
    let shown = 0;
    resumed.entry.meeting.onShow(() => shown++);
    assert.equal(slot.begin(() => ({ meeting: (made++, world.meeting()) })).created, false);
    assert.equal(shown, 1, 'Start Meeting again shows the one meeting');
    assert.equal(made, 0);
    const stopped = resumed.entry.meeting.stop();
    await world.advance(5000);
    await stopped;
    assert.equal(slot.current, undefined, 'stopped: the next Start makes a new meeting');
  });
});
