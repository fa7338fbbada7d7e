/** New notes file names from the template setting. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { journalPathFor } from '../../src/notes/notesJournal';
import { createNotesFile, createTranscriptionNotes, notesTitle, renderName } from '../../src/notes/notesPath';
import { NotesWriter } from '../../src/notes/notesWriter';
import { inWorkspace, notesFolder, SETTING_DEFAULTS } from '../../src/shared/settings';
import { tempDir } from '../support/worker';

const DEFAULT_NAME_TEMPLATE = SETTING_DEFAULTS['notes.fileNameTemplate'];
const at = new Date(2025, 0, 31, 9, 5, 7);

describe('notes file names', () => {
  it('renders the default template in local time', () => {
    assert.equal(renderName(DEFAULT_NAME_TEMPLATE, at), '2025-01-31 0905 Meeting.md');
  });

  it('keeps text in brackets as written, replaces characters file systems refuse, and adds .md', () => {
    assert.equal(renderName('[Session MM] YYYY/MM/DD HH:mm', at), 'Session MM 2025-01-31 09-05.md');
  });

  it('never names an existing file', async () => {
    const dir = tempDir('names');
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, '2025-01-31 0905 Meeting.md'), 'notes someone wrote by hand');
    const created = await createNotesFile(dir, DEFAULT_NAME_TEMPLATE, at);
    assert.equal(created, path.join(dir, '2025-01-31 0905 Meeting (2).md'));
    assert.equal(fs.readFileSync(path.join(dir, '2025-01-31 0905 Meeting.md'), 'utf8'), 'notes someone wrote by hand');
    assert.equal(notesTitle(created), '2025-01-31 0905 Meeting (2)');
  });

  it('makes a notes folder not made yet, and uses the plain name there', async () => {
    const missing = path.join(tempDir('notes-missing'), 'notes');
    assert.equal(await createNotesFile(missing, DEFAULT_NAME_TEMPLATE, at), path.join(missing, '2025-01-31 0905 Meeting.md'));
    assert.equal(fs.statSync(path.join(missing, '2025-01-31 0905 Meeting.md')).size, 0);
  });

  it('two windows starting notes in the same minute get a file each (created exclusively), each with one header', async () => {
    const dir = path.join(tempDir('notes-race'), 'notes');
    after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    // Both claim a name before either has written anything, as two windows do.
    const paths = await Promise.all([1, 2, 3].map(() => createNotesFile(dir, DEFAULT_NAME_TEMPLATE, at)));
    assert.deepEqual([...paths].sort(), [
      path.join(dir, '2025-01-31 0905 Meeting (2).md'),
      path.join(dir, '2025-01-31 0905 Meeting (3).md'),
      path.join(dir, '2025-01-31 0905 Meeting.md'),
    ]);
    const writers = paths.map((p) => NotesWriter.create(p, { title: notesTitle(p), startedAt: at, sources: ['Me (microphone)'], model: 'tone' }));
    await Promise.all(writers.map((w) => w.flushed()));
    writers.forEach((w) => w.dispose());
    for (const p of paths) {
      assert.equal((fs.readFileSync(p, 'utf8').match(/^# /gm) ?? []).length, 1, `${p}:\n${fs.readFileSync(p, 'utf8')}`);
      assert.equal(fs.readFileSync(journalPathFor(p), 'utf8').split('\n').filter((l) => l.includes('"t":"start"')).length, 1);
    }
  });

  it('skips a name whose journal is left over from deleted notes, rather than appending to it', async () => {
    const dir = tempDir('notes-stale-journal');
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const stale = path.join(dir, '2025-01-31 0905 Meeting.md');
    fs.writeFileSync(journalPathFor(stale), '{"t":"start","v":1,"at":0,"title":"old","sources":[],"model":"x"}\n');
    const created = await createNotesFile(dir, DEFAULT_NAME_TEMPLATE, at);
    assert.equal(created, path.join(dir, '2025-01-31 0905 Meeting (2).md'));
    assert.equal(fs.existsSync(stale), false, 'the skipped name is not left behind as an empty file');
  });

  it('a folder that cannot be written (a file in its way) gives a name with the seconds', async () => {
    const blocked = path.join(tempDir('notes-blocked-create'), 'notes');
    fs.writeFileSync(blocked, 'a file in the way');
    assert.equal(await createNotesFile(blocked, DEFAULT_NAME_TEMPLATE, at), path.join(blocked, '2025-01-31 0905 Meeting 07s.md'));
  });

  it('names a transcription after its recording, never over an existing file', async () => {
    const dir = tempDir('transcriptions');
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const first = await createTranscriptionNotes(dir, '/rec/Interview 3.m4a', at);
    assert.equal(first, path.join(dir, 'Interview 3.md'));
    assert.equal(await createTranscriptionNotes(dir, '/rec/Interview 3.m4a', at), path.join(dir, 'Interview 3 (2).md'));
    assert.equal(await createTranscriptionNotes(dir, '/rec/talk: part?.wav', at), path.join(dir, 'talk- part-.md'));
  });

  it('puts the notes folder in the workspace, under home for ~, or in ~/Voxnote Notes with no folder open', () => {
    assert.equal(notesFolder('notes', '/ws', '/home/u'), path.join('/ws', 'notes'));
    assert.equal(notesFolder('', '/ws', '/home/u'), path.join('/ws', 'notes'));
    assert.equal(notesFolder('~/Meetings', '/ws', '/home/u'), path.join('/home/u', 'Meetings'));
    assert.equal(notesFolder('/srv/notes/', '/ws', '/home/u'), path.normalize('/srv/notes/'));
    assert.equal(notesFolder('notes', undefined, '/home/u'), path.join('/home/u', 'Voxnote Notes'));
  });

  it('tells a notes folder inside the workspace from one outside it (those count only from user settings)', () => {
    for (const inside of ['notes', '', 'docs/meetings', './notes', 'a/../b', 'notes\\2025']) assert.equal(inWorkspace(inside), true, inside);
    for (const outside of ['~', '~/Meetings', '~\\Meetings', '/srv/notes', 'C:\\Notes', '..', '../notes', 'a/../../b', '..\\notes']) {
      assert.equal(inWorkspace(outside), false, outside);
    }
    // The user may still choose one next to the workspace.
    assert.equal(notesFolder('../notes', '/ws/project', '/home/u'), path.join('/ws', 'notes'));
  });
});
