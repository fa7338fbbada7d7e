/**
 * One owner of the microphone: dictation started during a meeting that takes
 * the microphone. The REAL worker and tone model on a private PulseAudio with a
 * virtual microphone and speaker; the meeting is the real Meeting.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Meeting as NotesMeeting, type MeetingFinal } from '../../src/notes/meeting';
import type { TrackKind, TrackSpec, TrackState } from '../../src/notes/meetingTrack';
import { NotesWriter } from '../../src/notes/notesWriter';
import type { HandoverRequest } from '../../src/speech/microphoneArbiter';
import type { SpeechFinal, SpeechSession } from '../../src/speech/speechSession';
import type { SpeechService } from '../../src/speech/speechService';
import { captureTools } from '../support/processes';
import { PULSE_MISSING, pulseAvailable, startVirtualAudio, VirtualAudio } from '../support/pulse';
import { speechService, tempDir, toneModel, toneWav, vosk } from '../support/worker';

const MIC: TrackSpec = { kind: 'mic', label: 'Me', backend: 'pulse' };
const SYSTEM: TrackSpec = { kind: 'system', label: 'Others', backend: 'pulse' };

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !probe(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

interface Meeting {
  session: NotesMeeting;
  finals: MeetingFinal[];
  states: Array<[TrackKind, TrackState]>;
  notes: string;
}

async function startMeeting(speech: SpeechService, model: string, dir: string, tracks: TrackSpec[]): Promise<Meeting> {
  const notes = path.join(dir, `${tracks.map((t) => t.kind).join('-')}-${Date.now()}.md`);
  const writer = NotesWriter.create(notes, { title: 'Meeting', startedAt: new Date(), sources: tracks.map((t) => t.label), model: 'tone' });
  const session = new NotesMeeting({ speech }, async () => ({ engine: vosk(model), writer, tracks }));
  const m: Meeting = { session, finals: [], states: [], notes };
  session.onFinal((f) => m.finals.push(f));
  session.onTrackState((s) => m.states.push([s.track, s.state]));
  await until('the meeting to capture', () => tracks.every((t) => session.trackState(t.kind) === 'running'));
  return m;
}

function dictate(speech: SpeechService, model: string): { session: SpeechSession; finals: SpeechFinal[] } {
  const session = speech.createLane('dictation').createSession({ engine: vosk(model), purpose: 'dictation', source: { kind: 'mic', backend: 'pulse' } });
  const finals: SpeechFinal[] = [];
  session.onFinal((f) => finals.push(f));
  return { session, finals };
}

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('[')).map((l) => l.slice(11));

describe('microphone arbiter: dictation during meeting notes (virtual PulseAudio, real worker)', () => {
  let audio: VirtualAudio;
  let model: string;
  const dir = tempDir('arbiter');
  const say = (target: 'mic' | 'system', items: Array<string | number>) => audio.play(target, toneWav(items, { sampleRate: 48000 }).path);
  before(async () => {
    assert.ok(pulseAvailable(), PULSE_MISSING);
    audio = await startVirtualAudio(dir);
    model = toneModel();
  });
  after(async () => {
    await audio?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks, pauses the meeting\'s microphone while dictating (system audio goes on), then gives it back', async () => {
    const asked: HandoverRequest[] = [];
    const speech = speechService({ confirmMicrophoneHandover: async (r) => (asked.push(r), true) });
    const m = await startMeeting(speech, model, dir, [MIC, SYSTEM]);
    const meetingMic = m.session.pid('mic')!;
    await say('mic', [0.3, 'yes', 0.35, 'open', 1.2]);
    await until('the meeting to hear the microphone', () => m.finals.length === 1);

    const d = dictate(speech, model);
    await new Promise<void>((resolve) => d.session.onStarted(() => resolve()));
    assert.deepEqual(asked, [{ holder: 'meeting', claimant: 'dictation' }]);
    assert.equal(m.session.trackState('mic'), 'suspended');
    assert.equal(m.session.trackState('system'), 'running');
    assert.equal(m.session.pid('mic'), meetingMic, 'the meeting keeps its worker, warm');
    assert.deepEqual(captureTools(meetingMic), [], 'the meeting no longer records the microphone');
    assert.equal(speech.microphone.user, 'dictation');

    await say('mic', [0.3, 'save', 0.35, 'file', 1.2]);
    await until('dictation to hear the microphone', () => d.finals.length === 1);
    await say('system', [0.3, 'close', 0.35, 'run', 1.2]);
    await until('the meeting to hear system audio', () => m.finals.length === 2);

    await d.session.stop();
    await until('the meeting microphone to resume', () => m.session.trackState('mic') === 'running');
    assert.equal(speech.microphone.user, 'meeting');
    await say('mic', [0.3, 'no', 0.35, 'yes', 1.2]);
    await until('the meeting to hear the microphone again', () => m.finals.length === 3);
    await m.session.stop();
    m.session.dispose();
    await speech.shutdown();

    assert.deepEqual(d.finals.map((f) => f.text), ['save file']);
    assert.deepEqual(lines(m.notes), ['**Me:** yes open', '**Others:** close run', '**Me:** no yes']);
    assert.deepEqual(m.states.filter(([track]) => track === 'mic').map(([, s]) => s), ['starting', 'running', 'suspended', 'running', 'stopping', 'stopped']);
  });

  it('Cancel leaves the microphone with the meeting: dictation ends without capturing', async () => {
    const speech = speechService({ confirmMicrophoneHandover: async () => false });
    const m = await startMeeting(speech, model, dir, [MIC]);
    const d = dictate(speech, model);
    let started = false;
    d.session.onStarted(() => (started = true));
    assert.equal((await d.session.ended).reason, 'cancelled');
    assert.equal(started, false);
    assert.equal(m.session.trackState('mic'), 'running');
    await say('mic', [0.3, 'run', 0.35, 'file', 1.2]);
    await until('the meeting to hear the microphone', () => m.finals.length === 1);
    await m.session.stop();
    m.session.dispose();
    await speech.shutdown();
    assert.deepEqual(lines(m.notes), ['**Me:** run file']);
    assert.deepEqual(m.states, [['mic', 'starting'], ['mic', 'running'], ['mic', 'stopping'], ['mic', 'stopped']]);
  });

  it('dictation during a system-audio-only meeting just works: nothing to ask, both capture', async () => {
    const asked: HandoverRequest[] = [];
    const speech = speechService({ confirmMicrophoneHandover: async (r) => (asked.push(r), true) });
    const m = await startMeeting(speech, model, dir, [SYSTEM]);
    const d = dictate(speech, model);
    await new Promise<void>((resolve) => d.session.onStarted(() => resolve()));
    assert.equal(speech.inProgress, true);
    await say('mic', [0.3, 'open', 0.35, 'file', 1.2]);
    await say('system', [0.3, 'close', 1.2]);
    await until('both to hear', () => d.finals.length === 1 && m.finals.length === 1);
    await d.session.stop();
    await m.session.stop();
    m.session.dispose();
    await speech.shutdown();
    assert.deepEqual(asked, []);
    assert.deepEqual(d.finals.map((f) => f.text), ['open file']);
    assert.deepEqual(lines(m.notes), ['**Others:** close']);
    assert.equal(speech.inProgress, false);
  });
});
