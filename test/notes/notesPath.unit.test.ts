/** New notes file names from the template setting. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { notesTitle, renderName, transcriptionNotesPath, uniqueNotesPath } from '../../src/notes/notesPath';
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
    const first = await uniqueNotesPath(dir, DEFAULT_NAME_TEMPLATE, at);
    assert.equal(first, path.join(dir, '2025-01-31 0905 Meeting.md'));
    fs.writeFileSync(first, '');
    assert.equal(await uniqueNotesPath(dir, DEFAULT_NAME_TEMPLATE, at), path.join(dir, '2025-01-31 0905 Meeting (2).md'));
    assert.equal(notesTitle(first), '2025-01-31 0905 Meeting');
  });

  it('adds the seconds when the folder cannot be listed, and keeps the plain name for a folder not made yet', async () => {
    const at = new Date(2025, 0, 31, 9, 5, 7);
    const blocked = path.join(tempDir('notes-blocked'), 'notes');
    fs.writeFileSync(blocked, 'a file in the way');
    assert.equal(await uniqueNotesPath(blocked, DEFAULT_NAME_TEMPLATE, at), path.join(blocked, '2025-01-31 0905 Meeting 07s.md'));
    const missing = path.join(tempDir('notes-missing'), 'notes');
    assert.equal(await uniqueNotesPath(missing, DEFAULT_NAME_TEMPLATE, at), path.join(missing, '2025-01-31 0905 Meeting.md'));
  });

  it('names a transcription after its recording, never over an existing file', async () => {
    const dir = tempDir('transcriptions');
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const first = await transcriptionNotesPath(dir, '/rec/Interview 3.m4a', at);
    assert.equal(first, path.join(dir, 'Interview 3.md'));
    fs.writeFileSync(first, '');
    assert.equal(await transcriptionNotesPath(dir, '/rec/Interview 3.m4a', at), path.join(dir, 'Interview 3 (2).md'));
    assert.equal(await transcriptionNotesPath(dir, '/rec/talk: part?.wav', at), path.join(dir, 'talk- part-.md'));
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
