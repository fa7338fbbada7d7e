/** The meeting under way in workspaceState: what a reloaded window reads back to offer a resume. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MeetingResumeRecord } from '../../src/notes/meetingResumeRecord';

/** A Memento as VS Code's workspaceState behaves: values stored by key, undefined removes. */
function memento(): { values: Map<string, unknown>; get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key, value) => void (value === undefined ? values.delete(key) : values.set(key, JSON.parse(JSON.stringify(value)))),
  };
}

describe('meeting resume record', () => {
  it('keeps the notes file, its URI and the sources (kind and label only) until forgotten', async () => {
    const state = memento();
    const record = new MeetingResumeRecord(state);
    assert.equal(record.get(), undefined);
    const tracks = [
      { kind: 'mic' as const, label: 'Me', device: 'hw:1', backend: undefined },
      { kind: 'system' as const, label: 'Them', device: undefined, backend: undefined },
    ];
    await record.save({ notesPath: '/notes/Meeting 2026-12-01 10-00.md', uri: 'file:///notes/Meeting%202026-12-01%2010-00.md', tracks });
    const saved = {
      notesPath: '/notes/Meeting 2026-12-01 10-00.md',
      uri: 'file:///notes/Meeting%202026-12-01%2010-00.md',
      tracks: [
        { kind: 'mic', label: 'Me' },
        { kind: 'system', label: 'Them' },
      ],
    };
    assert.deepEqual(record.get(), saved);
    // Under the key earlier versions used, so a window reloaded across an update still offers the resume.
    assert.deepEqual(state.values.get('voxnote.meeting.active'), saved);
    await record.forget();
    assert.equal(record.get(), undefined);
    assert.equal(state.values.size, 0);
  });

  it('reads a record from before remote notes, which has no URI', () => {
    const state = memento();
    state.values.set('voxnote.meeting.active', { notesPath: '/notes/old.md', tracks: [{ kind: 'mic', label: 'Me' }] });
    assert.deepEqual(new MeetingResumeRecord(state).get(), { notesPath: '/notes/old.md', tracks: [{ kind: 'mic', label: 'Me' }] });
  });
});
