/**
 * The meeting service with the REAL worker and the tone model: files played in
 * real time stand in for the microphone and system audio (one worker each).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_FORMAT_OPTIONS } from '../../src/dictation/formatter';
import { Meeting, type MeetingFinal, type MeetingOptions } from '../../src/notes/meeting';
import { SENTENCE_PAUSE_SECONDS } from '../../src/notes/notesLineFormat';
import type { TrackKind, TrackProblem, TrackSpec } from '../../src/notes/meetingTrack';
import { parseJournal, journalPathFor } from '../../src/notes/notesJournal';
import { NotesWriter } from '../../src/notes/notesWriter';
import type { Source } from '../../src/shared/protocol';
import { speechService, tempDir, toneModel, toneWav, vosk } from '../support/worker';

const speech = speechService();

const TRACKS: TrackSpec[] = [
  { kind: 'mic', label: 'Me' },
  { kind: 'system', label: 'Others' },
];

const HEADER = { title: 'Meeting', startedAt: new Date(), sources: ['Me (microphone)', 'Others (system audio)'], model: 'tone' };

/** Utterance lines of a notes file as [time, label, text]. */
function lines(file: string): Array<[string, string, string]> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => {
      const m = /^\[(\d\d:\d\d:\d\d)\] \*\*(\w+):\*\* (.*)$/.exec(l);
      assert.ok(m, `not an utterance line: ${l}`);
      return [m[1], m[2], m[3]];
    });
}

interface Run {
  session: Meeting;
  finals: MeetingFinal[];
  problems: Array<{ track: TrackKind } & TrackProblem>;
  /** Resolves when every track has played its files to the end. */
  ended: Promise<void>;
}

function run(
  notesPath: string,
  modelPath: string,
  tracks: TrackSpec[],
  sourceFor: (spec: TrackSpec, n: number) => Source,
  extra: Partial<MeetingOptions> = {},
): Run {
  const writer = NotesWriter.create(notesPath, HEADER);
  const session = new Meeting({ speech, sourceFor, restart: { initialBackoffMs: 100 }, ...extra }, async () => ({ engine: vosk(modelPath), tracks, writer }));
  const finals: MeetingFinal[] = [];
  const problems: Run['problems'] = [];
  session.onFinal((f) => finals.push(f));
  session.onProblem((p) => problems.push(p));
  const ended = new Promise<void>((resolve) => {
    session.onTrackState(() => {
      if (tracks.every((t) => session.trackState(t.kind) === 'ended')) resolve();
    });
  });
  return { session, finals, problems, ended };
}

const realtime = (file: string): Source => ({ kind: 'file', path: file, realtime: true });

describe('meeting (real worker, files in real time for the devices)', () => {
  let model: string;
  const dir = tempDir('meeting');
  before(() => (model = toneModel()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes both sources into one file, labelled Me and Others, in speaking order, with the footer', async () => {
    const mic = toneWav([0.5, 'open', 0.35, 'file', 3.4, 'save', 3]);
    const system = toneWav([2.8, 'yes', 0.35, 'no', 3.5, 'run', 1.5]);
    const notes = path.join(dir, 'Two.md');
    const r = run(notes, model, TRACKS, (spec) => realtime(spec.kind === 'mic' ? mic.path : system.path));
    await r.ended;
    await r.session.stop();
    r.session.dispose();

    assert.deepEqual(
      lines(notes).map(([, label, text]) => [label, text]),
      [
        ['Me', 'open file'],
        ['Others', 'yes no'],
        ['Me', 'save'],
        ['Others', 'run'],
      ],
    );
    const times = lines(notes).map(([t]) => t);
    assert.deepEqual(times, [...times].sort(), 'timestamps in order');
    const journal = parseJournal(fs.readFileSync(journalPathFor(notes), 'utf8'));
    const starts = journal.utterances.map((u) => u.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    assert.deepEqual([...journal.words], [['Me', 3], ['Others', 3]]);
    assert.match(fs.readFileSync(notes, 'utf8'), /\n---\n\n- \*\*Duration:\*\* 00:00:\d\d\n- \*\*Words:\*\* Me 3, Others 3\n\n$/);
    assert.deepEqual(r.problems, []);
  });

  it('formats lines as dictation and places them by start time when the later-starting utterance ends first', async () => {
    // Me speaks first and long; Others starts later, speaks briefly and is recognized first.
    const mic = toneWav([0.5, 'open', 0.35, 'file', 0.35, 'save', 0.35, 'run', 0.35, 'close', 3]);
    const system = toneWav([1.2, 'yes', 4.3]);
    const notes = path.join(dir, 'Overlap.md');
    const r = run(notes, model, TRACKS, (spec) => realtime(spec.kind === 'mic' ? mic.path : system.path), {
      lineFormat: { format: { ...DEFAULT_FORMAT_OPTIONS, spokenPunctuation: false }, sentencePause: SENTENCE_PAUSE_SECONDS },
      recognizer: { words: true },
    });
    await r.ended;
    await r.session.stop();
    r.session.dispose();
    assert.deepEqual(
      r.finals.map((f) => f.track),
      ['system', 'mic'],
      'the recognizers answered in the order the utterances ended',
    );
    assert.deepEqual(
      lines(notes).map(([, label, text]) => [label, text]),
      [
        ['Me', 'Open file save run close.'],
        ['Others', 'Yes.'],
      ],
      'the file has them in the order they started, formatted',
    );
    const journal = parseJournal(fs.readFileSync(journalPathFor(notes), 'utf8'));
    assert.deepEqual(
      journal.utterances.map((u) => u.text),
      ['Open file save run close.', 'Yes.'],
      'the journal in the same order as the file',
    );
  });

  it('keeps every final through two kill -9 of a worker mid-meeting, restarting it and appending to the same file', async () => {
    // Each session of the microphone track plays the next file; the first two are killed mid-way.
    const micFiles = [
      toneWav([0.3, 'yes', 1.6, 'no', 1.6, 'open', 20]),
      toneWav([0.3, 'close', 1.6, 'save', 1.6, 'file', 20]),
      toneWav([0.3, 'run', 1.6, 'yes', 1.6]),
    ];
    const system = toneWav([1, 'no', 2.5, 'yes', 2.5, 'no', 2.5, 'yes', 2.5, 'no', 1.5]);
    const notes = path.join(dir, 'Killed.md');
    const r = run(notes, model, TRACKS, (spec, n) => realtime(spec.kind === 'mic' ? micFiles[n].path : system.path));

    const beforeKill: string[][] = [];
    for (let kill = 0; kill < 2; kill++) {
      // Wait until this mic session has given a final, and it is on disk.
      const session = kill;
      const first = await new Promise<MeetingFinal>((resolve) => {
        const sub = r.session.onFinal((f) => {
          if (f.track === 'mic' && f.text === micFiles[session].script.words[0].word) {
            sub.dispose();
            resolve(f);
          }
        });
      });
      await first.written;
      beforeKill.push(r.finals.map((f) => f.text));
      const pid = r.session.pid('mic')!;
      process.kill(pid, 'SIGKILL');
      await new Promise<void>((resolve) => {
        const sub = r.session.onTrackState((s) => {
          if (s.track === 'mic' && s.state === 'running') {
            sub.dispose();
            resolve();
          }
        });
      });
      assert.notEqual(r.session.pid('mic'), pid, 'a new worker');
    }
    await r.ended;
    await r.session.stop();
    r.session.dispose();

    const written = lines(notes);
    const texts = written.map(([, , text]) => text);
    const byStart = r.finals.map((f, i) => ({ f, i })).sort((a, b) => a.f.start - b.f.start || a.i - b.i);
    assert.deepEqual(texts, byStart.map(({ f }) => f.text), 'every final emitted is in the file, in start order, once');
    for (const emitted of beforeKill) for (const t of emitted) assert.ok(texts.includes(t), `${t}, emitted before a kill, is in the file`);
    const mine = written.filter(([, label]) => label === 'Me').map(([, , text]) => text);
    assert.deepEqual(mine.slice(0, 1), ['yes']);
    assert.ok(mine.includes('close'), `the restarted track goes on: ${mine}`);
    assert.deepEqual(mine.slice(-2), ['run', 'yes'], 'the third session ran to its end');
    assert.deepEqual(
      written.filter(([, label]) => label === 'Others').map(([, , text]) => text),
      ['no', 'yes', 'no', 'yes', 'no'],
      'the other source was not disturbed',
    );
    const micStarts = r.finals.filter((f) => f.track === 'mic').map((f) => f.start);
    assert.deepEqual(micStarts, [...micStarts].sort((a, b) => a - b), 'restarted sessions continue in meeting time');
    assert.deepEqual(
      r.problems.map((p) => [p.track, p.code, p.restarting]),
      [
        ['mic', 'worker-crashed', true],
        ['mic', 'worker-crashed', true],
      ],
    );
  });

  it('pauses (the utterance under way is written), keeps the clock still, and resumes into the same file', async () => {
    const files = [toneWav([0.3, 'save', 1.6, 'open', 0.35, 'close', 0.35, 'run', 20]), toneWav([0.3, 'file', 1.6])];
    const notes = path.join(dir, 'Paused.md');
    const r = run(notes, model, [TRACKS[0]], (_spec, n) => realtime(files[n].path));
    const states: string[] = [];
    r.session.onState((s) => states.push(s));
    // Pause while the second utterance is being spoken.
    await new Promise<void>((resolve) => {
      const sub = r.session.onPartial(() => {
        if (r.finals.length === 1) {
          sub.dispose();
          resolve();
        }
      });
    });
    await r.session.pause();
    assert.equal(r.finals.length, 2, 'the utterance under way came out as a final');
    await Promise.all(r.finals.map((f) => f.written));
    const pausedAt = r.session.elapsed();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(r.session.elapsed(), pausedAt, 'the clock stands still while paused');
    r.session.resume();
    await r.ended;
    await r.session.stop();
    r.session.dispose();

    const written = lines(notes).map(([, , text]) => text);
    assert.deepEqual(written, r.finals.map((f) => f.text));
    assert.equal(written[0], 'save');
    assert.equal(written.at(-1), 'file');
    assert.equal(written.length, 3);
    assert.ok(r.finals[2].start >= pausedAt, 'after the pause, meeting time continues where it stopped');
    const clockRecords = fs
      .readFileSync(journalPathFor(notes), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"t":"clock"'))
      .map((l) => (JSON.parse(l) as { running: boolean }).running);
    assert.deepEqual(clockRecords, [true, false, true], 'started, paused, resumed');
    assert.deepEqual(states, ['running', 'paused', 'running', 'stopping', 'finishing', 'stopped']);
  });

  it('the window closing mid-utterance: interrupt() writes the utterance under way and closes the notes, no footer, so the notes resume', async () => {
    const mic = toneWav([0.3, 'save', 1.6, 'open', 0.35, 'close', 0.35, 'run', 20]);
    const notes = path.join(dir, 'Closed.md');
    const writer = NotesWriter.create(notes, HEADER);
    const session = new Meeting({ speech, sourceFor: () => realtime(mic.path) }, async () => ({ engine: vosk(model), tracks: [TRACKS[0]], writer }));
    const finals: MeetingFinal[] = [];
    session.onFinal((f) => finals.push(f));
    // The window closes while the second utterance is being spoken.
    await new Promise<void>((resolve) => {
      const sub = session.onPartial(() => {
        if (finals.length === 1) {
          sub.dispose();
          resolve();
        }
      });
    });
    const pids = [session.pid('mic')];
    await session.interrupt();
    session.dispose();

    const written = lines(notes).map(([, , text]) => text);
    assert.equal(written[0], 'save');
    assert.equal(written.length, 2, `the utterance under way is in the file: ${JSON.stringify(written)}`);
    assert.match(written[1], /^open/);
    const journal = parseJournal(fs.readFileSync(journalPathFor(notes), 'utf8'));
    assert.equal(journal.end, undefined, 'no footer: the next window offers to resume');
    assert.equal(journal.utterances.length, 2);
    assert.doesNotMatch(fs.readFileSync(notes, 'utf8'), /Duration/);
    for (const pid of pids) assert.throws(() => process.kill(pid!, 0), 'the worker is gone');
  });
});
