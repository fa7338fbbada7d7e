/** The notes file and its journal on a real disk: exact text, durability, write failures, resuming. */
process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { journalPathFor, parseJournal, readJournal, recordSpeakerCorrections, recordSpeakerRename, speakerRenameRecords } from '../../src/notes/notesJournal';
import { NotesWriter } from '../../src/notes/notesWriter';
import type { VoxnoteError } from '../../src/shared/errors';
import { exportSubtitles, subtitlesFor } from '../../src/notes/notesExport';
import { linuxOnly } from '../support/platform';
import { tempDir } from '../support/worker';

const root = tempDir('notes');
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `case${++n}`, 'notes', 'Meeting.md');

const HEADER = {
  title: '2025-01-31 1405 Meeting',
  startedAt: new Date(Date.UTC(2025, 0, 31, 14, 5, 30)),
  sources: ['Me (microphone)', 'Others (system audio)'],
  model: 'tone-model',
};
const HEADER_TEXT =
  '# 2025-01-31 1405 Meeting\n\n' +
  '- **Date:** 2025-01-31 14:05\n' +
  '- **Sources:** Me (microphone), Others (system audio)\n' +
  '- **Model:** tone-model\n\n';

const me = (start: number, text: string) => ({ start, end: start + 1.2, text, speaker: 'Me' });
const others = (start: number, text: string) => ({ start, end: start + 0.8, text, speaker: 'Others' });

/** Until the first error is reported: a loaded machine (or Wine) can take longer than a fixed pause. */
async function reported(errors: unknown[]): Promise<void> {
  for (const end = Date.now() + 10000; !errors.length && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
}

/** Reads through a descriptor of its own, not the writer's. */
function readFresh(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Counts fsync calls on any FileHandle while `run` runs. */
async function countingSyncs<T>(run: (count: () => number) => Promise<T>): Promise<T> {
  const probe = await fsp.open(__filename, 'r');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const original = proto.sync;
  let calls = 0;
  proto.sync = function (this: unknown) {
    calls++;
    return original.call(this);
  };
  try {
    return await run(() => calls);
  } finally {
    proto.sync = original;
  }
}

describe('notes writer', () => {
  it('writes the header, one paragraph per final with its label, and the footer with words per source', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    void writer.append(me(1.4, 'open file'));
    void writer.append(others(3.9, 'yes no'));
    await writer.append(me(3723.2, 'save'));
    await writer.finish(3754.6);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      HEADER_TEXT +
        '[00:00:01] **Me:** open file\n\n' +
        '[00:00:03] **Others:** yes no\n\n' +
        '[01:02:03] **Me:** save\n\n' +
        '---\n\n' +
        '- **Duration:** 01:02:34\n' +
        '- **Words:** Me 3, Others 2\n\n',
    );
  });

  it('speaker corrections after the meeting go to the journal: utterances, words and export read them, the notes bytes stay', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    void writer.append({ start: 1, end: 2, text: 'open file', speaker: 'Speaker 1' });
    void writer.append({ start: 3, end: 4, text: 'yes no', speaker: 'Speaker 2' });
    await writer.append({ start: 5, end: 6, text: 'save', speaker: 'Speaker 3' });
    await writer.finish(7);
    writer.dispose();
    const notes = fs.readFileSync(file, 'utf8');
    const journal = await recordSpeakerCorrections(file, [
      { start: 3, from: 'Speaker 2', to: 'Speaker 1' },
      { start: 9, from: 'Speaker 3', to: 'Speaker 1' },
    ]);
    assert.deepEqual(journal.utterances.map((u) => u.speaker), ['Speaker 1', 'Speaker 1', 'Speaker 3'], 'a correction of no utterance changes nothing');
    assert.deepEqual([...journal.words], [['Speaker 1', 4], ['Speaker 3', 1]]);
    assert.deepEqual(parseJournal(fs.readFileSync(journalPathFor(file), 'utf8')).utterances, journal.utterances);
    assert.match(await subtitlesFor(file, 'vtt'), /<v Speaker 1>yes no/);
    assert.equal(fs.readFileSync(file, 'utf8'), notes, 'the notes text is the controller\'s to edit');
  });

  it('Rename Speaker in the journal: every line of that speaker (a corrected one too) exports under the new name', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    void writer.append({ start: 1, end: 2, text: 'open file', speaker: 'Speaker 1' });
    void writer.append({ start: 3, end: 4, text: 'yes no', speaker: 'Speaker 2' });
    void writer.append({ start: 5, end: 6, text: 'save', speaker: 'Speaker 3' });
    await writer.append({ start: 5, end: 6.5, text: 'close it', speaker: 'Speaker 1' });
    await writer.finish(7);
    writer.dispose();
    await recordSpeakerCorrections(file, [{ start: 3, from: 'Speaker 2', to: 'Speaker 1' }]);
    assert.equal(await recordSpeakerRename(file, 'Speaker 1', 'Alice'), 3);
    assert.equal(await recordSpeakerRename(file, 'Nobody', 'Bob'), 0);
    const vtt = await subtitlesFor(file, 'vtt');
    assert.deepEqual(vtt.match(/<v [^>]+>[^\n]+/g), ['<v Alice>open file', '<v Alice>yes no', '<v Speaker 3>save', '<v Alice>close it']);
    assert.match(await subtitlesFor(file, 'srt'), /Alice: yes no/);
    assert.deepEqual([...parseJournal(fs.readFileSync(journalPathFor(file), 'utf8')).words], [['Alice', 6], ['Speaker 3', 1]]);
  });

  it('Rename Speaker during the meeting goes through its writer: the lines so far and the footer take the new name', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    void writer.append({ start: 1, end: 2, text: 'open file', speaker: 'Speaker 1' });
    await writer.append({ start: 3, end: 4, text: 'yes no', speaker: 'Speaker 2' });
    assert.equal(await writer.renameSpeaker('Speaker 1', 'Alice', speakerRenameRecords(await readJournal(file), 'Speaker 1', 'Alice')), true);
    // A line after the rename keeps its live label, as the notes text does.
    await writer.append({ start: 5, end: 6, text: 'save', speaker: 'Speaker 1' });
    await writer.finish(7);
    writer.dispose();
    assert.deepEqual((await subtitlesFor(file, 'vtt')).match(/<v [^>]+>[^\n]+/g), ['<v Alice>open file', '<v Speaker 2>yes no', '<v Speaker 1>save']);
    assert.match(fs.readFileSync(file, 'utf8'), /- \*\*Words:\*\* Alice 2, Speaker 2 2, Speaker 1 1\n/);
  });

  it('has each final on disk, fsynced, when its append resolves', async () => {
    const file = fresh();
    await countingSyncs(async (syncs) => {
      const writer = NotesWriter.create(file, HEADER);
      await writer.flushed();
      for (const [i, word] of ['yes', 'no', 'run'].entries()) {
        const before = syncs();
        await writer.append(others(10 + i * 5, word));
        // Both files (notes and journal) were synced before the promise resolved.
        assert.ok(syncs() >= before + 2, `fsync calls: ${syncs() - before}`);
        assert.ok(readFresh(file).endsWith(`**Others:** ${word}\n\n`));
        const journal = parseJournal(readFresh(journalPathFor(file)));
        assert.equal(journal.utterances.at(-1)!.text, word);
      }
      writer.dispose();
    });
  });

  it('groups finals that arrive while a write is under way into one write, in order', async () => {
    const file = fresh();
    await countingSyncs(async (syncs) => {
      const writer = NotesWriter.create(file, HEADER);
      await writer.flushed();
      const before = syncs();
      const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
      await Promise.all(words.map((w, i) => writer.append(me(i, w))));
      const lines = readFresh(file).split('\n').filter((l) => l.startsWith('['));
      assert.deepEqual(lines.map((l) => l.split(' ').pop()), words);
      assert.ok(syncs() - before < words.length, `${syncs() - before} fsyncs for ${words.length} finals`);
      writer.dispose();
    });
  });

  it('dispose writes every block queued before it, none dropped, then closes the files', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    await writer.flushed();
    // The first starts a write; the rest queue behind it, as the last finals do when the window closes.
    for (const [i, w] of ['yes', 'no', 'open', 'close'].entries()) void writer.append(me(1 + i, w));
    writer.dispose();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(readFresh(file).split('\n').filter((l) => l.startsWith('[')).map((l) => l.split(' ').pop()), ['yes', 'no', 'open', 'close']);
    assert.deepEqual(parseJournal(readFresh(journalPathFor(file))).utterances.map((u) => u.text), ['yes', 'no', 'open', 'close']);
    assert.equal(parseJournal(readFresh(journalPathFor(file))).end, undefined, 'no footer: the meeting can be resumed');
  });

  it('close() resolves once everything queued is on disk, and tries once more a write that was waiting to retry', async () => {
    const file = fresh();
    const errors: VoxnoteError[] = [];
    const writer = NotesWriter.create(file, HEADER, { retryMs: 60_000, onError: (e) => errors.push(e) });
    await writer.append(me(1, 'yes'));
    fs.renameSync(file, `${file}.moved`);
    fs.mkdirSync(file);
    void writer.append(others(2, 'no'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(errors.length, 1, 'writing failed and waits a minute to retry');
    fs.rmdirSync(file);
    fs.renameSync(`${file}.moved`, file);
    const t0 = performance.now();
    await writer.close();
    assert.ok(performance.now() - t0 < 5000, 'close did not wait for the retry timer');
    assert.equal(readFresh(file), HEADER_TEXT + '[00:00:01] **Me:** yes\n\n[00:00:02] **Others:** no\n\n');
    assert.deepEqual(writer.pendingBlocks, []);
  });

  it('close() on a disk that still refuses resolves, keeping the blocks in pendingBlocks', async () => {
    const folder = path.join(root, `refuses${++n}`);
    fs.writeFileSync(folder, 'not a folder');
    const writer = NotesWriter.create(path.join(folder, 'Meeting.md'), HEADER, { retryMs: 20 });
    void writer.append(me(1, 'run'));
    await writer.close();
    assert.equal(writer.pendingBlocks.length, 2, 'the header and the line');
    assert.match(writer.pendingBlocks[1], /\*\*Me:\*\* run/);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.statSync(folder).isFile(), 'no retries after close');
  });

  it('creates a notes folder that does not exist', async () => {
    const file = path.join(root, 'deep', 'er', 'Meeting.md');
    const writer = NotesWriter.create(file, HEADER);
    await writer.flushed();
    writer.dispose();
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER_TEXT);
  });

  it('keeps finals in memory while a folder stands where the file should be, reports once, then writes them all in order', async () => {
    const file = fresh();
    const errors: VoxnoteError[] = [];
    let recovered = 0;
    const writer = NotesWriter.create(file, HEADER, { retryMs: 30, onError: (e) => errors.push(e), onRecovered: () => recovered++ });
    await writer.append(me(1, 'yes'));
    const earlier = fs.readFileSync(file);
    fs.renameSync(file, `${file}.moved`);
    fs.mkdirSync(file);
    const pending = ['no', 'open', 'close', 'file'].map((w, i) => writer.append(others(2 + i, w)));
    await reported(errors);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(errors.length, 1, 'reported once, not on every retry');
    assert.equal(errors[0].code, 'EISDIR');
    assert.match(errors[0].message, new RegExp(`cannot be written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a folder of that name is in the way\\. 4 utterances are kept in memory`));
    assert.equal(writer.error, errors[0]);
    assert.deepEqual(writer.pendingBlocks, ['[00:00:02] **Others:** no\n\n', '[00:00:03] **Others:** open\n\n', '[00:00:04] **Others:** close\n\n', '[00:00:05] **Others:** file\n\n']);

    fs.rmdirSync(file);
    // On Windows the removed folder stays "delete pending" while the writer's retry still holds it open: rename once it is gone.
    for (let tries = 0; ; tries++) {
      try {
        fs.renameSync(`${file}.moved`, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EPERM' || tries >= 100) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await Promise.all(pending);
    assert.equal(recovered, 1);
    assert.equal(writer.error, undefined);
    assert.equal(writer.pendingBlocks.length, 0);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(fs.readFileSync(file).subarray(0, earlier.length).equals(earlier), 'earlier bytes untouched');
    assert.equal(
      text.slice(earlier.length),
      '[00:00:02] **Others:** no\n\n[00:00:03] **Others:** open\n\n[00:00:04] **Others:** close\n\n[00:00:05] **Others:** file\n\n',
    );
    assert.deepEqual(parseJournal(fs.readFileSync(journalPathFor(file), 'utf8')).utterances.map((u) => u.text), ['yes', 'no', 'open', 'close', 'file']);
    writer.dispose();
  });

  it('reports a notes folder that cannot be created (a file is in its place) and writes once it can', async () => {
    const folder = path.join(root, `blocked${++n}`);
    fs.writeFileSync(folder, 'not a folder');
    const file = path.join(folder, 'Meeting.md');
    const errors: VoxnoteError[] = [];
    const writer = NotesWriter.create(file, HEADER, { retryMs: 30, onError: (e) => errors.push(e) });
    const line = writer.append(me(1, 'run'));
    await reported(errors);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'ENOTDIR');
    assert.match(errors[0].message, /part of its path is a file, not a folder\. 1 utterance is kept in memory/);
    fs.rmSync(folder);
    await line;
    writer.dispose();
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER_TEXT + '[00:00:01] **Me:** run\n\n');
  });

  it('says the disk is full on ENOSPC and loses nothing once there is space', linuxOnly('a full disk is simulated with a link to /dev/full, which only Linux has'), async () => {
    const dir = path.dirname(fresh());
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'Meeting.md');
    fs.symlinkSync('/dev/full', file);
    const errors: VoxnoteError[] = [];
    const writer = NotesWriter.create(file, HEADER, { retryMs: 30, onError: (e) => errors.push(e) });
    const lines = [writer.append(me(1, 'yes')), writer.append(others(2, 'no'))];
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(errors[0]?.code, 'ENOSPC');
    assert.match(errors[0].message, /^The disk is full: the meeting notes cannot be written to .*Meeting\.md\. 2 utterances are kept in memory/);
    assert.match(errors[0].hint, /Free some disk space/);
    fs.unlinkSync(file);
    await Promise.all(lines);
    writer.dispose();
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER_TEXT + '[00:00:01] **Me:** yes\n\n[00:00:02] **Others:** no\n\n');
  });

  it('starts its next line on a paragraph of its own after a person saved the file without a final newline', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    await writer.append(me(1, 'yes'));
    const edited = fs.readFileSync(file, 'utf8').replace('yes\n\n', 'yes, agreed');
    fs.writeFileSync(file, edited);
    await writer.append(others(5, 'no'));
    writer.dispose();
    assert.equal(fs.readFileSync(file, 'utf8'), edited + '\n\n[00:00:05] **Others:** no\n\n');
  });

  it('follows the name when an editor saves by replacing the file', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    await writer.append(me(1, 'yes'));
    const saved = fs.readFileSync(file, 'utf8') + 'my note\n\n';
    fs.writeFileSync(`${file}.tmp`, saved);
    fs.renameSync(`${file}.tmp`, file);
    await writer.append(others(2, 'no'));
    writer.dispose();
    assert.equal(fs.readFileSync(file, 'utf8'), saved + '[00:00:02] **Others:** no\n\n');
  });

  it('resumes an unfinished file: earlier bytes untouched, words counted across, lines a stale save dropped appended again', async () => {
    const file = fresh();
    const first = NotesWriter.create(file, HEADER);
    void first.append(me(1, 'open file'));
    await first.append(others(4, 'yes'));
    first.dispose(); // the extension host died: no footer
    // A buffer loaded before the last line was saved over the file.
    const stale = HEADER_TEXT + '[00:00:01] **Me:** open file\n\n';
    fs.writeFileSync(file, stale);

    const { writer, journal } = await NotesWriter.resume(file);
    assert.deepEqual(journal.utterances.map((u) => u.text), ['open file', 'yes']);
    assert.equal(journal.end, undefined);
    await writer.flushed();
    const restored = stale + '[00:00:04] **Others:** yes\n\n';
    assert.equal(fs.readFileSync(file, 'utf8'), restored);

    await writer.append(me(9, 'save'));
    await writer.finish(12);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.startsWith(restored));
    assert.equal(text.slice(restored.length), '[00:00:09] **Me:** save\n\n---\n\n- **Duration:** 00:00:12\n- **Words:** Me 3, Others 1\n\n');
  });

  it('exports SRT and WebVTT from the journal of an unfinished meeting, cues in time order, a torn last record ignored', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    void writer.append(me(1.25, 'open file'));
    void writer.append(others(0.5, 'yes'));
    await writer.append(others(62.004, 'no'));
    writer.dispose();
    fs.appendFileSync(journalPathFor(file), '{"t":"u","start":70,"en');
    assert.equal(
      await subtitlesFor(file, 'srt'),
      '1\n00:00:00,500 --> 00:00:01,300\nOthers: yes\n\n' +
        '2\n00:00:01,250 --> 00:00:02,450\nMe: open file\n\n' +
        '3\n00:01:02,004 --> 00:01:02,804\nOthers: no\n\n',
    );
    const vtt = await exportSubtitles(file, 'vtt');
    assert.equal(vtt, file.replace(/\.md$/, '.vtt'));
    assert.equal(
      fs.readFileSync(vtt, 'utf8'),
      'WEBVTT\n\n' +
        '00:00:00.500 --> 00:00:01.300\n<v Others>yes\n\n' +
        '00:00:01.250 --> 00:00:02.450\n<v Me>open file\n\n' +
        '00:01:02.004 --> 00:01:02.804\n<v Others>no\n\n',
    );
  });

  it('explains that timings are unknown when the journal is missing', async () => {
    const file = fresh();
    const writer = NotesWriter.create(file, HEADER);
    await writer.append(me(1, 'yes'));
    writer.dispose();
    fs.rmSync(journalPathFor(file));
    await assert.rejects(subtitlesFor(file, 'srt'), /Meeting\.md has no Voxnote journal .* is missing\), so its timings are unknown/);
    await assert.rejects(NotesWriter.resume(file), /has no Voxnote journal/);
  });
});
