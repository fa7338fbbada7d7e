/**
 * A meeting on live devices: tone speech played into a virtual microphone and a
 * virtual speaker (private PulseAudio), both captured at once, each by its own
 * worker (parec), into one notes file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Meeting, type MeetingFinal } from '../../src/notes/meeting';
import { NotesWriter } from '../../src/notes/notesWriter';
import { PULSE_MISSING, pulseAvailable, startVirtualAudio, VirtualAudio } from '../support/pulse';
import { speechService, tempDir, toneModel, toneWav, vosk } from '../support/worker';

describe('meeting notes from the microphone and system audio at once (virtual PulseAudio)', () => {
  let audio: VirtualAudio;
  let model: string;
  const dir = tempDir('live');
  before(async () => {
    assert.ok(pulseAvailable(), PULSE_MISSING);
    audio = await startVirtualAudio(dir);
    model = toneModel();
  });
  after(async () => {
    await audio?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('labels what the microphone hears "Me" and what the speaker plays "Others", with a level for each', async () => {
    const notes = path.join(dir, 'Live.md');
    const writer = NotesWriter.create(notes, { title: 'Live', startedAt: new Date(), sources: ['Me (microphone)', 'Others (system audio)'], model: 'tone' });
    const session = new Meeting({ speech: speechService() }, async () => ({
      engine: vosk(model),
      writer,
      tracks: [
        { kind: 'mic', label: 'Me', backend: 'pulse' },
        { kind: 'system', label: 'Others', backend: 'pulse' },
      ],
    }));
    const finals: MeetingFinal[] = [];
    const levels = new Set<string>();
    session.onFinal((f) => finals.push(f));
    session.onLevel((l) => levels.add(l.track));
    const problems: string[] = [];
    session.onProblem((p) => problems.push(p.message));
    const running = new Promise<void>((resolve) =>
      session.onTrackState(() => {
        if (session.trackState('mic') === 'running' && session.trackState('system') === 'running') resolve();
      }),
    );
    const heard = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => finals.length >= n && resolve();
        session.onFinal(check);
        check();
      });
    await running;

    await audio.play('mic', toneWav([0.3, 'yes', 0.35, 'open', 1.2], { sampleRate: 48000 }).path);
    await heard(1);
    await audio.play('system', toneWav([0.3, 'close', 0.35, 'file', 1.2], { sampleRate: 48000 }).path);
    await heard(2);
    await session.stop();
    session.dispose();

    assert.deepEqual(problems, []);
    assert.deepEqual([...levels].sort(), ['mic', 'system']);
    const lines = fs.readFileSync(notes, 'utf8').split('\n').filter((l) => l.startsWith('['));
    assert.deepEqual(
      lines.map((l) => l.slice(11)),
      ['**Me:** yes open', '**Others:** close file'],
    );
    assert.ok(finals[1].start > finals[0].end, 'meeting time orders the two sources');
  });
});
