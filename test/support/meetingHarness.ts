/**
 * A meeting on fakes, for the lifecycle tests: fake speech lanes and a fake clock
 * (test/support/fakeSpeech.ts, fakeClock.ts), the real Meeting, MeetingTrack and
 * NotesWriter, notes in memory that can refuse writes (memoryNotes.ts).
 */
import { Meeting, type MeetingFinal, type MeetingSetup } from '../../src/notes/meeting';
import { MeetingClock } from '../../src/notes/meetingClock';
import type { TrackSpec } from '../../src/notes/meetingTrack';
import { NotesWriter } from '../../src/notes/notesWriter';
import { FakeClock } from './fakeClock';
import { FakeSpeech } from './fakeSpeech';
import { MemoryNotes } from './memoryNotes';

export const TRACKS: TrackSpec[] = [
  { kind: 'mic', label: 'Me' },
  { kind: 'system', label: 'Others' },
];

/** Lets promise chains run (the writes to memory, the runners' feedback). */
export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Never retried by a timer of its own in these tests: a finish or close tries again. */
export const WRITER_OPTIONS = { retryMs: 3_600_000 };

export class MeetingWorld {
  readonly clock = new FakeClock();
  readonly speech = new FakeSpeech(this.clock);
  readonly storage = new MemoryNotes();
  /** Every final each meeting gave, with how its write ended (undefined while unsettled). */
  readonly finals: Array<{ final: MeetingFinal; written?: boolean }> = [];
  readonly meetings: Meeting[] = [];
  private files = 0;

  /** Advances the fake clock by `ms` in small steps, letting promises run between them. */
  async advance(ms: number, step = 50): Promise<void> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      this.clock.advanceTo(Math.min(end, this.clock.now() + step));
      await settle();
    }
  }

  /** A new meeting into a new notes file; opening it takes `openMs` of the fake clock. */
  meeting(openMs = 0, tracks = TRACKS): Meeting {
    const file = `/notes/Meeting ${++this.files}.md`;
    return this.track(
      new Meeting({ speech: this.speech, timers: this.clock }, async () => {
        await this.sleep(openMs);
        const writer = NotesWriter.create(file, { title: 'M', startedAt: new Date(0), sources: tracks.map((t) => t.label), model: 'm' }, { ...WRITER_OPTIONS, storage: this.storage });
        return { engine: { kind: 'vosk', model: '/m' }, tracks, writer } as MeetingSetup;
      }),
    );
  }

  /** The meeting resumed into `file` after a reload, its clock continued from the journal. */
  resumed(file: string, openMs = 0, tracks = TRACKS): Meeting {
    return this.track(
      new Meeting({ speech: this.speech, timers: this.clock }, async () => {
        await this.sleep(openMs);
        const { writer, journal } = await NotesWriter.resume(file, { ...WRITER_OPTIONS, storage: this.storage });
        return { engine: { kind: 'vosk', model: '/m' }, tracks, writer, clock: new MeetingClock(() => this.clock.now(), journal.clock), resumed: true } as MeetingSetup;
      }),
    );
  }

  /** The notes files (not the journals). */
  notesText(): string {
    return [...this.storage.files].filter(([f]) => f.endsWith('.md')).map(([, t]) => t).join('\n');
  }

  private track(meeting: Meeting): Meeting {
    this.meetings.push(meeting);
    meeting.onFinal((final) => {
      const entry: { final: MeetingFinal; written?: boolean } = { final };
      this.finals.push(entry);
      void final.written.then((w) => (entry.written = w));
    });
    return meeting;
  }

  private sleep(ms: number): Promise<void> {
    return ms ? new Promise((resolve) => this.clock.setTimeout(resolve, ms)) : Promise.resolve();
  }
}
