/**
 * The meeting under way, remembered in the workspace's state from start to stop,
 * so that a window reloaded or closed mid-meeting offers to resume it into the
 * same notes file. No VS Code API here (a Memento is anything with get and update).
 */
import type { TrackKind } from './meetingTrack';

const ACTIVE_KEY = 'voxnote.meeting.active';

export interface ActiveMeeting {
  notesPath: string;
  /** The notes file's URI (a remote workspace's notes are no local path); older records have none. */
  uri?: string;
  tracks: Array<{ kind: TrackKind; label: string }>;
}

interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export class MeetingResumeRecord {
  constructor(private readonly state: Memento) {}

  get(): ActiveMeeting | undefined {
    return this.state.get<ActiveMeeting>(ACTIVE_KEY);
  }

  async save(meeting: ActiveMeeting): Promise<void> {
    const record: ActiveMeeting = { notesPath: meeting.notesPath, uri: meeting.uri, tracks: meeting.tracks.map(({ kind, label }) => ({ kind, label })) };
    await this.state.update(ACTIVE_KEY, record);
  }

  async forget(): Promise<void> {
    await this.state.update(ACTIVE_KEY, undefined);
  }
}
