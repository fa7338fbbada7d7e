/** New notes file names from the template setting. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { notesTitle, renderName, uniqueNotesPath } from '../../src/notes/notesPath';
import { SETTING_DEFAULTS } from '../../src/shared/settings';
import { tempDir } from '../support/worker';

const TEMPLATE = SETTING_DEFAULTS['notes.fileNameTemplate'];
const at = new Date(2025, 0, 31, 9, 5, 7);

describe('notes file names', () => {
  it('renders the default template in local time', () => {
    assert.equal(renderName(TEMPLATE, at), '2025-01-31 0905 Meeting.md');
  });

  it('keeps text in brackets as written, replaces characters file systems refuse, and adds .md', () => {
    assert.equal(renderName('[Session MM] YYYY/MM/DD HH:mm', at), 'Session MM 2025-01-31 09-05.md');
  });

  it('never names an existing file', () => {
    const dir = tempDir('names');
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const first = uniqueNotesPath(dir, TEMPLATE, at);
    assert.equal(first, path.join(dir, '2025-01-31 0905 Meeting.md'));
    fs.writeFileSync(first, '');
    assert.equal(uniqueNotesPath(dir, TEMPLATE, at), path.join(dir, '2025-01-31 0905 Meeting (2).md'));
    assert.equal(notesTitle(first), '2025-01-31 0905 Meeting');
  });

  it('adds the seconds when the folder cannot be listed, and keeps the plain name for a folder not made yet', () => {
    const TEMPLATE = SETTING_DEFAULTS['notes.fileNameTemplate'];
const at = new Date(2025, 0, 31, 9, 5, 7);
    const blocked = path.join(tempDir('notes-blocked'), 'notes');
    fs.writeFileSync(blocked, 'a file in the way');
    assert.equal(uniqueNotesPath(blocked, TEMPLATE, at), path.join(blocked, '2025-01-31 0905 Meeting 07s.md'));
    const missing = path.join(tempDir('notes-missing'), 'notes');
    assert.equal(uniqueNotesPath(missing, TEMPLATE, at), path.join(missing, '2025-01-31 0905 Meeting.md'));
  });
});
