/** The policy for an open, edited notes document during a meeting, alone and with the real writer. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { appendition, missingBlocks, NotesBufferSync } from '../../src/notes/notesReconcile';
import { NotesWriter } from '../../src/notes/notesWriter';
import { tempDir } from '../support/worker';

const block = (s: number, text: string) => `[00:00:0${s}] **Me:** ${text}\n\n`;
const B = [block(1, 'yes'), block(2, 'no'), block(3, 'open'), block(4, 'close')];

describe('missingBlocks', () => {
  it('is empty when the text has every block', () => {
    assert.deepEqual(missingBlocks('# Notes\n\n' + B.join(''), B), []);
  });

  it('gives the blocks after the last one the text has', () => {
    assert.deepEqual(missingBlocks('# Notes\n\n' + B[0] + B[1], B), [B[2], B[3]]);
  });

  it('leaves alone a block the person edited or deleted before a later one', () => {
    const text = B[0].replace('yes', 'yes indeed') + B[2] + B[3];
    assert.deepEqual(missingBlocks(text, B), []);
  });

  it('counts identical lines instead of finding one for both', () => {
    const twice = [block(1, 'yes'), block(1, 'yes')];
    assert.deepEqual(missingBlocks(twice[0], twice), [twice[1]]);
  });

  it('reads CRLF text and ignores trailing spaces', () => {
    assert.deepEqual(missingBlocks(B[0].replace(/\n/g, '\r\n') + '[00:00:02] **Me:** no   \r\n', B), [B[2], B[3]]);
  });

  it('gives every block for empty text', () => {
    assert.deepEqual(missingBlocks('', B), B);
  });
});

describe('appendition', () => {
  it('starts the blocks on a paragraph of their own', () => {
    assert.equal(appendition('', [B[0]]), B[0]);
    assert.equal(appendition('notes\n\n', [B[0]]), B[0]);
    assert.equal(appendition('notes\n', [B[0], B[1]]), '\n' + B[0] + B[1]);
    assert.equal(appendition('my note', [B[0]]), '\n\n' + B[0]);
    assert.equal(appendition('my note', []), '');
  });
});

describe('NotesBufferSync', () => {
  it('leaves a clean document to VS Code, which reloads it from disk', () => {
    const sync = new NotesBufferSync();
    sync.onWritten([B[0]]);
    assert.equal(sync.edit({ text: '', isDirty: false }), undefined);
  });

  it('mirrors into a dirty document the blocks it lacks, after the person’s text', () => {
    const sync = new NotesBufferSync();
    sync.onWritten([B[0], B[1]]);
    assert.equal(sync.edit({ text: B[0] + 'my own note', isDirty: true }), '\n\n' + B[1]);
    assert.equal(sync.edit({ text: B[0] + 'my own note\n\n' + B[1], isDirty: true }), undefined);
  });
});

describe('editing the notes during a meeting (writer on disk, a simulated VS Code document)', () => {
  const root = tempDir('reconcile');
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** VS Code's behaviour for one text document, as far as the policy depends on it. */
  class Doc {
    text: string;
    isDirty = false;
    constructor(readonly file: string) {
      this.text = fs.readFileSync(file, 'utf8');
    }
    /** A clean document follows the file on disk; a dirty one does not. */
    fileChanged(): void {
      if (!this.isDirty) this.text = fs.readFileSync(this.file, 'utf8');
    }
    type(edit: (t: string) => string): void {
      this.text = edit(this.text);
      this.isDirty = true;
    }
    /** Saving overwrites the file with the buffer ("Overwrite" when VS Code sees the file changed). */
    save(): void {
      fs.writeFileSync(this.file, this.text);
      this.isDirty = false;
    }
  }

  it('keeps both the person’s unsaved and saved edits and every line, each line once, earlier content never rewritten by Voxnote', async () => {
    const file = path.join(root, 'Meeting.md');
    const sync = new NotesBufferSync();
    let doc: Doc | undefined;
    const writer = NotesWriter.create(
      file,
      { title: 'Standup', startedAt: new Date(0), sources: ['Me (microphone)'], model: 'tone' },
      {
        onWritten: (blocks) => {
          sync.onWritten(blocks);
          doc?.fileChanged();
          // The controller inserts what the policy says at the document's end.
          const insert = doc && sync.edit(doc);
          if (doc && insert) doc.text += insert;
        },
      },
    );
    await writer.append({ start: 1, end: 2, text: 'yes', speaker: 'Me' });
    doc = new Doc(file);

    await writer.append({ start: 3, end: 4, text: 'no', speaker: 'Me' });
    assert.match(doc.text, /\*\*Me:\*\* no\n\n$/, 'a clean document follows the disk');

    doc.type((t) => t.replace('# Standup', '# Standup\n\nAgenda: budget'));
    await writer.append({ start: 5, end: 6, text: 'open', speaker: 'Me' });
    await writer.append({ start: 7, end: 8, text: 'close', speaker: 'Me' });
    assert.match(doc.text, /Agenda: budget/);
    assert.match(doc.text, /\*\*Me:\*\* open\n\n\[00:00:07\] \*\*Me:\*\* close\n\n$/, 'a dirty document gets the lines too');

    doc.type((t) => t + 'Action: Ann sends the figures');
    const insert = sync.edit(doc); // before saving: nothing is missing
    assert.equal(insert, undefined);
    doc.save();
    assert.equal(await writer.restoreMissing(), 0);

    await writer.append({ start: 9, end: 10, text: 'save', speaker: 'Me' });
    await writer.finish(11);
    const disk = fs.readFileSync(file, 'utf8');
    assert.equal(doc.text, disk);
    assert.equal(
      disk,
      '# Standup\n\nAgenda: budget\n\n' +
        '- **Date:** ' + disk.split('- **Date:** ')[1].split('\n')[0] + '\n' +
        '- **Sources:** Me (microphone)\n- **Model:** tone\n\n' +
        '[00:00:01] **Me:** yes\n\n[00:00:03] **Me:** no\n\n[00:00:05] **Me:** open\n\n[00:00:07] **Me:** close\n\n' +
        'Action: Ann sends the figures\n\n' +
        '[00:00:09] **Me:** save\n\n---\n\n- **Duration:** 00:00:11\n- **Words:** Me 5\n\n',
    );
  });

  it('appends again on disk a line that a stale buffer saved over', async () => {
    const file = path.join(root, 'Stale.md');
    const writer = NotesWriter.create(file, { title: 'T', startedAt: new Date(0), sources: ['x'], model: 'm' });
    await writer.append({ start: 1, end: 2, text: 'yes' });
    const stale = fs.readFileSync(file, 'utf8') + 'my edit';
    await writer.append({ start: 3, end: 4, text: 'no' });
    fs.writeFileSync(file, stale);
    assert.equal(await writer.restoreMissing(), 1);
    await writer.flushed();
    writer.dispose();
    assert.equal(fs.readFileSync(file, 'utf8'), stale + '\n\n[00:00:03] no\n\n');
  });
});
