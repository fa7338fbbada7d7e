/** Transcribe Audio File with the REAL worker and tone model: a long WAV at full speed, cancelling, other formats through ffmpeg. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileTranscriptionError, findFfmpeg } from '../../src/notes/audioConversion';
import { FileTranscriptionProgress, transcribeFile } from '../../src/notes/fileTranscription';
import { journalPathFor, parseJournal } from '../../src/notes/notesJournal';
import { LongToneWav, longToneWav } from '../support/longToneWav';
import { speechService, tempDir, toneModel, toneWav, vosk } from '../support/worker';

const FFMPEG_MISSING = 'these tests convert with ffmpeg: apt-get install -y --no-install-recommends ffmpeg';

/** The utterance texts of a notes file, in order. */
const lineTexts = (file: string): string[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^\[\d\d:\d\d:\d\d\] /.test(l))
    .map((l) => l.slice(11));

describe('transcribe audio file (real worker)', () => {
  let model: string;
  let long: LongToneWav;
  const dir = tempDir('filenotes');
  const speech = speechService();
  before(() => {
    model = toneModel();
    long = longToneWav(path.join(dir, 'standup.wav'), [['yes', 'open', 'file'], ['save'], ['run', 'close', 'no', 'yes']], 30 * 60);
  });
  after(async () => {
    await speech.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes every utterance of 30 minutes of audio at full speed, with progress up to 100 %', async () => {
    const notes = path.join(dir, 'Standup.md');
    const progress: FileTranscriptionProgress[] = [];
    const result = await transcribeFile({ speech, engine: vosk(model), audioPath: long.path, notesPath: notes, onProgress: (p) => progress.push(p) });

    assert.equal(result.cancelled, false);
    assert.equal(result.error, undefined);
    assert.equal(result.finals, long.utterances.length);
    assert.deepEqual(lineTexts(notes), long.utterances);
    const percents = progress.map((p) => p.percent);
    assert.ok(progress.every((p) => p.stage === 'transcribing'));
    assert.ok(percents.length > 1000, `${percents.length} progress reports`);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress only goes up');
    assert.ok(percents.at(-1)! > 99.9, `last ${percents.at(-1)}`);

    const text = fs.readFileSync(notes, 'utf8');
    assert.ok(text.startsWith(`# standup.wav\n\n- **Date:** `));
    assert.match(text, /\n- \*\*Sources:\*\* standup\.wav\n- \*\*Model:\*\* [^\n]+\n\n\[00:00:00\] yes open file\n\n\[00:00:0\d\] save\n\n/);
    const words = long.utterances.join(' ').split(' ').length;
    assert.ok(text.endsWith(`---\n\n- **Duration:** 00:30:${String(Math.floor(long.seconds - 1800)).padStart(2, '0')}\n- **Words:** ${words}\n\n`), text.slice(-120));
    assert.equal(parseJournal(fs.readFileSync(journalPathFor(notes), 'utf8')).utterances.length, result.finals);
  });

  it('cancels on abort, leaving a valid file: header, the lines so far, a footer saying where it stopped', async () => {
    const notes = path.join(dir, 'Cancelled.md');
    const abort = new AbortController();
    const finals: string[] = [];
    const result = await transcribeFile({
      speech,
      engine: vosk(model),
      audioPath: long.path,
      notesPath: notes,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.percent >= 20) abort.abort();
      },
      onFinal: (u) => finals.push(u.text),
    });
    assert.equal(result.cancelled, true);
    assert.ok(result.finals > 0 && result.finals < long.utterances.length / 2, `${result.finals} finals`);
    assert.deepEqual(lineTexts(notes), finals);
    // The last one may be the utterance that was cut short.
    assert.deepEqual(finals.slice(0, -1), long.utterances.slice(0, finals.length - 1));
    const text = fs.readFileSync(notes, 'utf8');
    assert.match(text, /^# standup\.wav\n\n- \*\*Date:\*\* /);
    assert.match(text, /\n---\n\n- \*\*Duration:\*\* 00:0\d:\d\d\n- \*\*Words:\*\* \d+\n- Cancelled at 00:0\d:\d\d of 00:30:\d\d\.\n\n$/);
  });

  it('reads other formats through ffmpeg', async () => {
    const ffmpeg = findFfmpeg();
    assert.ok(ffmpeg, FFMPEG_MISSING);
    const wav = toneWav([0.5, 'open', 0.35, 'file', 1.6, 'save', 0.35, 'run', 1.6], { sampleRate: 44100, stereo: true });
    const flac = path.join(dir, 'call.flac');
    const r = spawnSync(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', wav.path, flac], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const notes = path.join(dir, 'Call.md');
    const stages = new Set<string>();
    const result = await transcribeFile({ speech, engine: vosk(model), audioPath: flac, notesPath: notes, speaker: 'Call', onProgress: (p) => stages.add(p.stage) });
    assert.equal(result.finals, 2);
    assert.deepEqual(lineTexts(notes), ['**Call:** open file', '**Call:** save run']);
    assert.deepEqual([...stages], ['converting', 'transcribing']);
  });

  it('says ffmpeg is needed for a file that is not WAV when there is none, and writes no notes', async () => {
    const mp3 = path.join(dir, 'call.mp3');
    fs.writeFileSync(mp3, Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00not really audio'));
    const notes = path.join(dir, 'NoFfmpeg.md');
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(dir, 'empty-bin');
    try {
      await assert.rejects(
        transcribeFile({ speech, engine: vosk(model), audioPath: mp3, notesPath: notes }),
        (e: unknown) => {
          assert.ok(e instanceof FileTranscriptionError);
          assert.equal(e.code, 'ffmpeg-missing');
          assert.match(e.message, /call\.mp3 is not a WAV file, and ffmpeg, which Voxnote uses to read other formats, is not installed/);
          assert.match(e.hint, /Install ffmpeg .*sudo apt install ffmpeg/);
          return true;
        },
      );
    } finally {
      process.env.PATH = savedPath;
    }
    assert.equal(fs.existsSync(notes), false);
  });

  it('says what ffmpeg could not read', async () => {
    assert.ok(findFfmpeg(), FFMPEG_MISSING);
    const bad = path.join(dir, 'broken.ogg');
    fs.writeFileSync(bad, 'OggS but not really');
    await assert.rejects(
      transcribeFile({ speech, engine: vosk(model), audioPath: bad, notesPath: path.join(dir, 'Broken.md') }),
      /ffmpeg could not read .*broken\.ogg: /,
    );
  });
});
