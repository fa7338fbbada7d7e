// The notes writer on a whole-file storage (how a remote workspace is written
// through vscode.workspace.fs): the same text, journal, resume and export as on
// a local disk, the new-batch separator, and a refused write losing nothing.
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { exportSubtitles } from '../../src/notes/notesExport';
import { journalPathFor, parseJournal, readJournal } from '../../src/notes/notesJournal';
import { createNotesFile } from '../../src/notes/notesPath';
import { wholeFileStorage, type WholeFileSystem } from '../../src/notes/notesStorage';
import type { VoxnoteError } from '../../src/shared/errors';
import { NotesWriter } from '../../src/notes/notesWriter';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

/** An in-memory remote: POSIX paths (a Windows UI host's path.join backslashes are turned around), folders made explicitly, writes that can be refused. */
function memoryFs() {
  const key = (p: string) => p.replace(/\\/g, '/');
  const files = new Map<string, string>();
  const folders = new Set<string>(['/']);
  let refuse: string | undefined;
  const fsApi: WholeFileSystem = {
    async read(file) {
      const text = files.get(key(file));
      if (text === undefined) throw errno('ENOENT', `${file} not found`);
      return new TextEncoder().encode(text);
    },
    async write(file, data) {
      if (refuse) throw errno(refuse, 'refused');
      if (!folders.has(path.posix.dirname(key(file)))) throw errno('ENOENT', `no folder for ${file}`);
      files.set(key(file), new TextDecoder().decode(data));
    },
    async makeFolder(folder) {
      for (let f = key(folder); f !== '/' && f !== '.'; f = path.posix.dirname(f)) {
        if (files.has(f)) throw errno('EEXIST', `a file in the way: ${f}`);
        folders.add(f);
      }
    },
    async create(file, data) {
      if (refuse) throw errno(refuse, 'refused');
      if (files.has(key(file))) throw errno('EEXIST', `${file} exists`);
      if (!folders.has(path.posix.dirname(key(file)))) throw errno('ENOENT', `no folder for ${file}`);
      files.set(key(file), new TextDecoder().decode(data));
    },
    async delete(file) {
      if (!files.delete(key(file))) throw errno('ENOENT', `${file} not found`);
    },
    exists: async (file) => files.has(key(file)) || folders.has(key(file)),
    async list(folder) {
      if (files.has(key(folder))) throw errno('ENOTDIR', 'a file');
      if (!folders.has(key(folder))) throw errno('ENOENT', 'missing');
    },
  };
  return {
    fsApi,
    text: (file: string) => files.get(key(file)),
    set: (file: string, text: string) => files.set(key(file), text),
    refuseWith: (code: string | undefined) => (refuse = code),
  };
}

const HEADER = { title: 'Standup', startedAt: new Date(Date.UTC(2025, 0, 31, 14, 5)), sources: ['Me (microphone)'], model: 'tone-model' };

describe('notes on a whole-file storage (remote workspace)', () => {
  it('writes the same notes and journal, creates files exclusively, resumes and exports', async () => {
    const mem = memoryFs();
    const storage = wholeFileStorage(mem.fsApi);
    const folder = '/home/dev/project/notes';
    const notes = await createNotesFile(folder, 'YYYY-MM-DD [Standup]', HEADER.startedAt, storage);
    assert.equal(notes, path.join(folder, '2025-01-31 Standup.md'));
    assert.equal(mem.text(notes), '', 'created, empty');
    assert.equal(mem.text(journalPathFor(notes)), '', 'with its journal');
    const writer = NotesWriter.create(notes, HEADER, { storage });
    await writer.append({ start: 1, end: 2, text: 'yes open', speaker: 'Me' });
    await writer.append({ start: 3, end: 4, text: 'run', speaker: 'Me' });
    const text = mem.text(notes)!;
    assert.match(text, /^# Standup\n\n- \*\*Date:\*\* 2025-01-31 14:05\n/);
    assert.match(text, /\n\n\[00:00:01\] \*\*Me:\*\* yes open\n\n\[00:00:03\] \*\*Me:\*\* run\n\n$/);
    assert.deepEqual(parseJournal(mem.text(journalPathFor(notes))!).utterances.map((u) => u.text), ['yes open', 'run']);
    // The next file of the same name gets a number.
    assert.equal(await createNotesFile(folder, 'YYYY-MM-DD [Standup]', HEADER.startedAt, storage), path.join(folder, '2025-01-31 Standup (2).md'));

    // Someone saved the notes without the last line and its paragraph break: resuming puts it back.
    mem.set(notes, text.replace('[00:00:03] **Me:** run\n\n', '').trimEnd());
    writer.dispose();
    const { writer: again, journal } = await NotesWriter.resume(notes, { storage });
    assert.equal(journal.utterances.length, 2);
    assert.match(mem.text(notes)!, /yes open\n\n\[00:00:03\] \*\*Me:\*\* run\n\n$/);
    await again.finish(5);
    assert.match(mem.text(notes)!, /run\n\n---\n\n- \*\*Duration:\*\* /);
    assert.ok((await readJournal(notes, storage)).end);

    const srt = await exportSubtitles(notes, 'srt', storage);
    assert.equal(srt, path.join(folder, '2025-01-31 Standup.srt'));
    assert.match(mem.text(srt)!, /^1\n00:00:01,000 --> 00:00:02,000\nMe: yes open\n/);
  });

  it('a refused write keeps every line and is reported once; they are written when it works again', async () => {
    const mem = memoryFs();
    const storage = wholeFileStorage(mem.fsApi);
    const errors: VoxnoteError[] = [];
    let recovered = 0;
    const notes = '/ws/notes/Meeting.md';
    const writer = NotesWriter.create(notes, HEADER, { storage, retryMs: 20, onError: (e) => errors.push(e), onRecovered: () => recovered++ });
    await writer.flushed();
    mem.refuseWith('EACCES');
    const a = writer.append({ start: 1, end: 2, text: 'yes', speaker: 'Me' });
    const b = writer.append({ start: 3, end: 4, text: 'no', speaker: 'Me' });
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'EACCES');
    assert.match(errors[0].message, /permission denied/);
    assert.deepEqual(writer.pendingBlocks.length, 2);
    mem.refuseWith(undefined);
    await Promise.all([a, b]);
    assert.equal(recovered, 1);
    assert.match(mem.text(notes)!, /\[00:00:01\] \*\*Me:\*\* yes\n\n\[00:00:03\] \*\*Me:\*\* no\n\n$/);
    assert.equal(parseJournal(mem.text(journalPathFor(notes))!).utterances.length, 2);
    writer.dispose();
  });

  it('a folder that cannot be written gets the seconds in the name and nothing created; a missing one is made, with the plain name', async () => {
    const mem = memoryFs();
    const storage = wholeFileStorage(mem.fsApi);
    mem.set('/ws/notes', 'a file in the way');
    const at = new Date(2025, 0, 31, 9, 5, 7);
    assert.equal(await createNotesFile('/ws/notes', 'YYYY-MM-DD HHmm', at, storage), path.join('/ws/notes', '2025-01-31 0905 07s.md'));
    assert.equal(await createNotesFile('/ws/other', 'YYYY-MM-DD HHmm', at, storage), path.join('/ws/other', '2025-01-31 0905.md'));
    assert.equal(mem.text('/ws/other/2025-01-31 0905.md'), '');
  });

  it('two windows starting notes in the same minute get a file each; a left-over journal is skipped', async () => {
    const mem = memoryFs();
    const storage = wholeFileStorage(mem.fsApi);
    const at = new Date(2025, 0, 31, 9, 5, 7);
    await mem.fsApi.makeFolder('/ws/notes');
    mem.set(journalPathFor('/ws/notes/2025-01-31 0905.md'), '{"t":"start"}\n');
    const paths = await Promise.all([1, 2].map(() => createNotesFile('/ws/notes', 'YYYY-MM-DD HHmm', at, storage)));
    assert.deepEqual([...paths].sort(), [path.join('/ws/notes', '2025-01-31 0905 (2).md'), path.join('/ws/notes', '2025-01-31 0905 (3).md')]);
    assert.equal(mem.text('/ws/notes/2025-01-31 0905.md'), undefined, 'the skipped name is not left behind');
  });
});
