/**
 * Who spoke in meeting notes, with the REAL worker, the sherpa tone recognizer
 * and the synthetic diarization models: a system-audio track of three tone
 * voices (test/worker/diarization.test.ts has the voices) goes into the notes
 * as "Speaker N" by voice, live; when the re-clustering at the stop corrects
 * labels, the corrections (journal, then the notes text, as the controller
 * makes them) leave every line with its voice's one label and the footer's
 * counts agreeing. Without models, the track's label as before.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Meeting } from '../../src/notes/meeting';
import type { TrackSpec } from '../../src/notes/meetingTrack';
import { journalPathFor, parseJournal, recordSpeakerCorrections } from '../../src/notes/notesJournal';
import { NotesWriter } from '../../src/notes/notesWriter';
import { relabelEdits, type SpeakerCorrection } from '../../src/notes/speakerLabels';
import type { DiarizationOptions } from '../../src/shared/protocol';
import { buildSegmentationToneModel } from '../support/segmentationToneModel';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { buildSpeakerToneModel } from '../support/speakerToneModel';
import { speechService, tempDir } from '../support/worker';

const speech = speechService();

/** Each voice's words lie in its own band; a line's voice is known from its first word. */
const VOICE_OF: Record<string, string> = { yes: 'low', no: 'low', file: 'mid', save: 'mid', stop: 'high', hello: 'high' };
const SAID = [['yes', 'no'], ['file', 'save'], ['no', 'yes', 'yes'], ['stop', 'hello'], ['save', 'file'], ['yes', 'no', 'yes'], ['hello', 'stop'], ['file', 'save', 'save']];

function notesLines(text: string): Array<{ label: string; text: string }> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => {
      const m = /^\[\d\d:\d\d:\d\d\] \*\*(.+?):\*\* (.*)$/.exec(l);
      assert.ok(m, l);
      return { label: m[1], text: m[2] };
    });
}

function assertOneLabelPerVoice(lines: Array<{ label: string; text: string }>): void {
  const byVoice = new Map<string, string>();
  for (const l of lines) {
    const voice = VOICE_OF[l.text.split(' ')[0]];
    if (!byVoice.has(voice)) byVoice.set(voice, l.label);
    assert.equal(l.label, byVoice.get(voice), `${l.text} is ${l.label}: ${JSON.stringify(lines)}`);
  }
  assert.equal(new Set(byVoice.values()).size, 3, JSON.stringify([...byVoice]));
}

describe('speaker labels in meeting notes (real worker, tone models)', () => {
  const dir = tempDir('meeting-speakers');
  let model: string;
  let audio: string;
  let models: { embeddingModel: string; segmentationModel: string };
  before(() => {
    model = sherpaModel('streaming');
    audio = sherpaToneWav([0.5, ...SAID.flatMap((words) => [...words.flatMap((w) => [w, 0.3]), 2])]).path;
    models = { embeddingModel: buildSpeakerToneModel(dir), segmentationModel: buildSegmentationToneModel(dir) };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A meeting of the system track alone, the file played as fast as it decodes; its corrections collected. */
  async function meeting(name: string, diarization?: DiarizationOptions): Promise<{ notes: string; corrections: SpeakerCorrection[] }> {
    const notes = path.join(dir, `${name}.md`);
    const tracks: TrackSpec[] = [{ kind: 'system', label: 'Others', ...(diarization ? { diarization } : {}) }];
    const writer = NotesWriter.create(notes, { title: name, startedAt: new Date(), sources: ['Others (system audio)'], model: 'tone' });
    const m = new Meeting({ speech, sourceFor: () => ({ kind: 'file', path: audio }) }, async () => ({ engine: { kind: 'sherpa', model }, tracks, writer }));
    const corrections: SpeakerCorrection[] = [];
    m.onRelabel((c) => corrections.push(...c));
    await new Promise<void>((resolve) => m.onTrackState((t) => t.state === 'ended' && resolve()));
    await m.stop();
    m.dispose();
    return { notes, corrections };
  }

  it('labels system-audio lines "Speaker N" by voice, live, with word counts per speaker', async () => {
    const { notes, corrections } = await meeting('Live', models);
    const text = fs.readFileSync(notes, 'utf8');
    const lines = notesLines(text);
    assert.equal(lines.length, SAID.length);
    assert.deepEqual(lines.map((l) => l.label).slice(0, 4), ['Speaker 1', 'Speaker 2', 'Speaker 1', 'Speaker 3']);
    assertOneLabelPerVoice(lines);
    assert.deepEqual(corrections, [], 'the re-clustering agrees with the live labels');
    assert.match(text, /- \*\*Words:\*\* Speaker 1 8, Speaker 2 7, Speaker 3 4\n/);
  });

  it('corrects the labels in the notes after the stop: journal, lines and footer', async () => {
    const { notes, corrections } = await meeting('Corrected', { ...models, threshold: 0.999, speakers: 3 });
    const before = fs.readFileSync(notes, 'utf8');
    assert.ok(new Set(notesLines(before).map((l) => l.label)).size > 3, 'a strict threshold splits voices live');
    assert.ok(corrections.length > 0);
    const corrected = await recordSpeakerCorrections(notes, corrections);
    let text = before;
    for (const e of relabelEdits(before, corrections, corrected).reverse()) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    const lines = notesLines(text);
    assertOneLabelPerVoice(lines);
    // The journal agrees with the file (export, and a document restored from it), and so do the footer's counts.
    const journal = parseJournal(fs.readFileSync(journalPathFor(notes), 'utf8'));
    assert.deepEqual(journal.utterances.map((u) => u.speaker), lines.map((l) => l.label));
    const counts = new Map<string, number>();
    for (const l of lines) counts.set(l.label, (counts.get(l.label) ?? 0) + l.text.split(' ').length);
    assert.deepEqual([...journal.words], [...counts]);
    assert.match(text, new RegExp(`- \\*\\*Words:\\*\\* ${[...counts].map(([l, n]) => `${l} ${n}`).join(', ')}\\n`));
  });

  it('a pause waits for no re-clustering; the stop re-clusters the lines from before and after it', async () => {
    // Live at 0.999, "yes no yes" is a new speaker; the low voice says it most only after the pause, so only a
    // re-clustering of the whole meeting renames the first line (test/worker/diarization.test.ts has the same).
    const turn = (...words: string[]) => [...words.flatMap((w) => [w, 0.3]), 2];
    const before = sherpaToneWav([0.5, ...turn('yes', 'no'), ...turn('file', 'save'), ...turn('yes', 'no', 'yes'), 30]).path;
    const after = sherpaToneWav([0.5, ...turn('yes', 'no', 'yes'), ...turn('stop', 'hello'), ...turn('yes', 'no', 'yes'), ...turn('file', 'save')]).path;
    const notes = path.join(dir, 'Paused.md');
    const tracks: TrackSpec[] = [{ kind: 'system', label: 'Others', diarization: { ...models, threshold: 0.999, speakers: 3 } }];
    const writer = NotesWriter.create(notes, { title: 'Paused', startedAt: new Date(), sources: ['Others (system audio)'], model: 'tone' });
    // The first capture plays in real time (then 30 s of silence, cut by the pause); the one after the pause as fast as it decodes.
    const sources = [{ kind: 'file' as const, path: before, realtime: true }, { kind: 'file' as const, path: after }];
    const m = new Meeting({ speech, sourceFor: (_spec, n) => sources[n] }, async () => ({ engine: { kind: 'sherpa', model }, tracks, writer }));
    const corrections: SpeakerCorrection[] = [];
    m.onRelabel((c) => corrections.push(...c));
    const finals: string[] = [];
    const three = new Promise<void>((resolve) => m.onFinal((f) => finals.push(f.text) === 3 && resolve()));
    try {
      await three;
      await m.pause();
      assert.equal(m.trackState('system'), 'idle', 'the pause has ended the capture');
      assert.equal(corrections.length, 0, 'no re-clustering at the pause');
      const ended = new Promise<void>((resolve) => m.onTrackState((t) => t.state === 'ended' && resolve()));
      m.resume();
      await ended;
      await m.stop();
    } finally {
      m.dispose();
    }
    const lines = notesLines(fs.readFileSync(notes, 'utf8'));
    assert.equal(lines.length, 7, JSON.stringify(lines));
    assert.notEqual(lines[2].label, lines[0].label, `live, a strict threshold splits the low voice: ${JSON.stringify(lines)}`);
    // The correction at the stop comes from both captures: the first line (before the pause) is named after lines after it.
    const first = corrections.find((c) => c.start === Math.min(...corrections.map((x) => x.start)));
    assert.equal(first?.text, 'yes no', JSON.stringify(corrections));
    assert.equal(first?.to, lines[2].label);
    const corrected = await recordSpeakerCorrections(notes, corrections);
    let text = fs.readFileSync(notes, 'utf8');
    for (const e of relabelEdits(text, corrections, corrected).reverse()) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    assertOneLabelPerVoice(notesLines(text));
  });

  it('without models, the lines keep the track label', async () => {
    const { notes } = await meeting('Plain');
    const lines = notesLines(fs.readFileSync(notes, 'utf8'));
    assert.equal(lines.length, SAID.length);
    assert.ok(lines.every((l) => l.label === 'Others'));
  });
});
