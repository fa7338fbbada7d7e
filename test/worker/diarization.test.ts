/**
 * Who spoke, end to end in the real worker: the sherpa tone recognizer (a
 * streaming model) on a track of three tone "voices" (each says words whose
 * tones lie in its own band: yes/no, file/save, stop/hello), with the
 * synthetic speaker and segmentation models (test/support/speakerToneModel.ts,
 * segmentationToneModel.ts). Every final carries its voice's label live, and
 * stays right after the re-clustering at the end of the session.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DiarizationOptions, EventOf } from '../../src/shared/protocol';
import { buildSegmentationToneModel } from '../support/segmentationToneModel';
import { buildSpeakerToneModel } from '../support/speakerToneModel';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { isType, tempDir, TestWorker } from '../support/worker';

/** Each voice's words, by the band of their tones. */
const VOICES: Record<string, string[][]> = {
  low: [['yes', 'no'], ['no', 'yes'], ['yes', 'no', 'yes']],
  mid: [['file', 'save'], ['save', 'file'], ['file', 'save', 'save']],
  high: [['stop', 'hello'], ['hello', 'stop'], ['stop', 'hello', 'stop']],
};
const TURNS = ['low', 'mid', 'low', 'high', 'mid', 'low', 'high', 'mid', 'high', 'low'];

function script(): { items: Array<string | number>; voices: string[] } {
  const items: Array<string | number> = [0.5];
  const said = new Map<string, number>();
  for (const voice of TURNS) {
    const n = said.get(voice) ?? 0;
    said.set(voice, n + 1);
    for (const word of VOICES[voice][n % VOICES[voice].length]) items.push(word, 0.3);
    items.push(2);
  }
  return { items, voices: TURNS };
}

async function run(model: string, file: string, diarization: DiarizationOptions): Promise<TestWorker> {
  const w = new TestWorker();
  w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: file }, options: { diarization } });
  await w.waitFor(isType('stopped'), 60000);
  return w;
}

/** Each final's voice must map to one label, and each label to one voice. */
function assertOneLabelPerVoice(voices: string[], labels: string[]): void {
  const byVoice = new Map<string, string>();
  voices.forEach((v, i) => {
    if (!byVoice.has(v)) byVoice.set(v, labels[i]);
    assert.equal(labels[i], byVoice.get(v), `line ${i + 1} (${v}) is ${labels[i]}; ${v} was ${byVoice.get(v)}: ${JSON.stringify(labels)}`);
  });
  assert.equal(new Set(byVoice.values()).size, byVoice.size, `one label per voice: ${JSON.stringify([...byVoice])}`);
}

const afterCorrection = (finals: EventOf<'final'>[], speakers: EventOf<'speakers'>[]): string[] => {
  const changed = new Map(speakers.flatMap((s) => s.labels).map((l) => [l.utteranceId, l.speaker]));
  return finals.map((f) => changed.get(f.utteranceId) ?? f.speaker!);
};

describe('speaker labels in the worker (real sherpa-onnx, tone models)', () => {
  const dir = tempDir('diarization');
  let model: string;
  let audio: { path: string };
  let embeddingModel: string;
  let segmentationModel: string;
  const { items, voices } = script();
  before(() => {
    model = sherpaModel('streaming');
    audio = sherpaToneWav(items);
    embeddingModel = buildSpeakerToneModel(dir);
    segmentationModel = buildSegmentationToneModel(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('labels every final by its voice live, and the re-clustering at the end keeps every line right', async () => {
    const w = await run(model, audio.path, { embeddingModel, segmentationModel });
    try {
      const finals = w.of('final');
      assert.equal(finals.length, TURNS.length, JSON.stringify(finals.map((f) => f.text)));
      const live = finals.map((f) => f.speaker!);
      assert.equal(live[0], 'Speaker 1');
      assertOneLabelPerVoice(voices, live);
      assertOneLabelPerVoice(voices, afterCorrection(finals, w.of('speakers')));
      assert.equal(w.of('error').length, 0, JSON.stringify(w.of('error')));
    } finally {
      await w.close();
    }
  });

  it('corrects the lines at the end: a strict live threshold splits voices, the re-clustering for 3 people joins them', async () => {
    const w = await run(model, audio.path, { embeddingModel, segmentationModel, threshold: 0.999, speakers: 3 });
    try {
      const finals = w.of('final');
      assert.equal(finals.length, TURNS.length);
      const live = finals.map((f) => f.speaker!);
      assert.ok(new Set(live).size > 3, `live, one voice gets several labels: ${JSON.stringify(live)}`);
      const speakers = w.of('speakers');
      assert.equal(speakers.length, 1, 'one correction, before stopped');
      assert.ok(w.events.indexOf(speakers[0]) < w.events.indexOf(w.of('stopped')[0]));
      assertOneLabelPerVoice(voices, afterCorrection(finals, speakers));
    } finally {
      await w.close();
    }
  });

  it('a kept track (a meeting paused and resumed): no re-clustering at a session\'s end, one over both sessions on recluster', async () => {
    // Live at 0.999, "yes no yes" is a new speaker; it is the low voice's most said phrase only after the pause,
    // so only a re-clustering of both sessions names the low voice after it, first line included.
    const turn = (...words: string[]) => [...words.flatMap((w) => [w, 0.3]), 2];
    const sessions = [
      { said: [['yes', 'no'], ['file', 'save'], ['yes', 'no', 'yes']], voices: ['low', 'mid', 'low'] },
      { said: [['yes', 'no', 'yes'], ['stop', 'hello'], ['yes', 'no', 'yes'], ['file', 'save']], voices: ['low', 'high', 'low', 'mid'] },
    ];
    const diarization: DiarizationOptions = { embeddingModel, segmentationModel, threshold: 0.999, speakers: 3, track: true };
    const w = new TestWorker();
    try {
      const starts: number[] = [];
      for (const { said } of sessions) {
        const wav = sherpaToneWav([0.5, ...said.flatMap((words) => turn(...words))]).path;
        const id = w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: wav }, options: { diarization } });
        starts.push(id);
        await w.waitFor((e) => e.type === 'stopped' && e.re === id, 60000);
        assert.equal(w.of('speakers').length, 0, 'a session of a kept track ends without re-clustering');
      }
      const finals = w.of('final');
      const voices = sessions.flatMap((s) => s.voices);
      assert.equal(finals.length, voices.length, JSON.stringify(finals.map((f) => f.text)));
      const live = finals.map((f) => f.speaker!);
      assert.equal(live[0], 'Speaker 1');
      assert.notEqual(live[2], live[0], `live, a strict threshold splits the low voice: ${JSON.stringify(live)}`);
      const recluster = w.send({ type: 'recluster' });
      const answer = (await w.waitFor((e) => e.type === 'speakers' && e.re === recluster, 60000)) as EventOf<'speakers'>;
      const changed = new Map(answer.labels.map((l) => [`${l.session}:${l.utteranceId}`, l.speaker]));
      const corrected = finals.map((f) => changed.get(`${f.re}:${f.utteranceId}`) ?? f.speaker!);
      assertOneLabelPerVoice(voices, corrected);
      assert.equal(changed.get(`${starts[0]}:1`), live[2], `the first line, before the pause, named after the low voice's most said label: ${JSON.stringify(answer.labels)}`);
      // Forgotten once re-clustered: a second recluster has nothing.
      const again = w.send({ type: 'recluster' });
      assert.deepEqual(((await w.waitFor((e) => e.type === 'speakers' && e.re === again)) as EventOf<'speakers'>).labels, []);
      assert.equal(w.of('error').length, 0, JSON.stringify(w.of('error')));
    } finally {
      await w.close();
    }
  });

  it('a kept track\'s audio on disk goes when the worker shuts down without a recluster (a window closed mid-meeting)', async () => {
    const tmp = fs.mkdtempSync(`${dir}/tmp-`);
    const spooled = () => fs.readdirSync(tmp).filter((f) => f.startsWith('voxnote-diarization-'));
    const w = new TestWorker({ ...process.env, TMPDIR: tmp });
    try {
      const id = w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: audio.path }, options: { diarization: { embeddingModel, segmentationModel, track: true } } });
      await w.waitFor((e) => e.type === 'stopped' && e.re === id, 60000);
      assert.equal(spooled().length, 1, 'kept after the session, for a recluster');
    } finally {
      await w.close();
    }
    assert.deepEqual(spooled(), []);
  });

  it('a model file that would not load costs the labels, not the transcript: a clear notice, finals unlabelled', async () => {
    const bad = `${dir}/not-a-model.onnx`;
    fs.writeFileSync(bad, 'not onnx');
    const w = await run(model, audio.path, { embeddingModel: bad });
    try {
      const notice = w.of('error')[0];
      assert.equal(notice?.code, 'bad-model');
      assert.equal(notice.fatal, false);
      assert.match(notice.message, /No speaker labels: .*not-a-model\.onnx is not a readable ONNX model/);
      assert.match(notice.hint, /Download Model|voxnote\.diarization/);
      const finals = w.of('final');
      assert.equal(finals.length, TURNS.length);
      assert.ok(finals.every((f) => f.speaker === undefined));
    } finally {
      await w.close();
    }
  });
});
