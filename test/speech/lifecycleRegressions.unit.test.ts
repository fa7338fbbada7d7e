/**
 * Issue 15, items 1 and 2, as they were reproduced: the real speech service,
 * lanes, sessions and microphone arbiter, on fake workers and a fake clock.
 * Both failed before the lifecycles became state machines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancellationTokenSource } from '../../src/speech/lifecycle';
import type { SpeechFinal, SpeechSession } from '../../src/speech/speechSession';
import { SpeechService } from '../../src/speech/speechService';
import { FakeClock } from '../support/fakeClock';
import { FakeWorker } from '../support/fakeWorker';

const ENGINE = { kind: 'vosk', model: '/models/fake' } as const;
const MIC = { kind: 'mic' } as const;
/** Lets promise callbacks (the arbiter's, the sessions') run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A speech service whose workers are fakes on `clock` (spawn is the service's one way to start a worker). */
function fakeService(clock: FakeClock, stopMs: number, confirm?: () => Promise<boolean>) {
  const workers: FakeWorker[] = [];
  class Service extends SpeechService {
    override spawn() {
      const w = new FakeWorker(clock, { stopMs: () => stopMs });
      workers.push(w);
      return w as unknown as ReturnType<SpeechService['spawn']>;
    }
  }
  return { service: new Service({ workerPath: '', confirmMicrophoneHandover: confirm }), workers };
}

async function advance(clock: FakeClock, ms: number): Promise<void> {
  for (let i = 0; i < ms; i += 5) {
    await flush();
    clock.advanceTo(clock.now() + Math.min(5, ms - i));
  }
  await flush();
}

function finalsOf(session: SpeechSession): string[] {
  const finals: string[] = [];
  session.onFinal((f: SpeechFinal) => finals.push(f.text));
  return finals;
}

describe('lifecycle regressions (issue 15)', () => {
  it('item 1: a press while the previous dictation is stopping captures at once, and both dictations keep their words', async () => {
    const clock = new FakeClock();
    const { service, workers } = fakeService(clock, 3000);
    const lane = service.createLane('dictation');
    const first = lane.createSession({ engine: ENGINE, purpose: 'dictation', source: MIC });
    const firstFinals = finalsOf(first);
    await advance(clock, 10);
    workers[0].say('hello');
    void first.stop();
    // The press lands while the engine brings out "hello" (3 s, like AssemblyAI waiting for Termination).
    const next = lane.createSession({ engine: ENGINE, purpose: 'dictation', source: MIC });
    const nextFinals = finalsOf(next);
    await advance(clock, 10);
    assert.equal(next.state, 'running', 'the next dictation captures within 10 ms of the press');
    assert.ok(workers[0].capturing, 'its microphone is open');
    workers[0].say('world');
    workers[0].pause();
    await advance(clock, 3000);
    assert.deepEqual(firstFinals, ['hello'], 'the stopping dictation still brought out its last words');
    assert.deepEqual(nextFinals, ['world'], 'the next dictation heard what was said after the press');
    assert.equal(first.state, 'ended');
    assert.equal(workers.length, 1, 'on the same warm worker');
    void next.stop();
    await advance(clock, 3000);
    assert.equal(next.state, 'ended');
  });

  it('item 2: cancelling dictation during the microphone hand-over resumes the meeting once its suspend completes', async () => {
    const clock = new FakeClock();
    let answer!: (yes: boolean) => void;
    const { service, workers } = fakeService(clock, 2000, () => new Promise((resolve) => (answer = resolve)));
    const meeting = service.createLane('meeting mic').createSession({ engine: ENGINE, purpose: 'meeting', source: MIC });
    await advance(clock, 10);
    const meetingWorker = workers[0];
    assert.ok(meetingWorker.capturing);

    const cts = new CancellationTokenSource();
    const dictation = service.createLane('dictation').createSession({ engine: ENGINE, purpose: 'dictation', source: MIC }, cts.token);
    await flush();
    answer(true);
    await advance(clock, 10);
    assert.ok(!meetingWorker.capturing, 'the meeting is lending its microphone');
    // The person presses Escape while the meeting still writes its last words (its stop takes 2 s).
    cts.cancel();
    await advance(clock, 2100);
    assert.equal((await dictation.ended).reason, 'requested');
    assert.equal(service.microphone.user, 'meeting', 'the microphone is the meeting\'s again');
    assert.equal(meeting.state, 'running', 'the meeting runs again');
    assert.ok(meetingWorker.capturing, 'and captures its microphone');
    void meeting.stop();
    await advance(clock, 2000);
    assert.equal(meeting.state, 'ended');
  });
});
