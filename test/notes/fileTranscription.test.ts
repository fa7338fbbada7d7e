/**
 * Transcribe Audio File with the REAL worker and tone model: a long WAV at full
 * speed, cancelling, other formats streamed through ffmpeg (run by the worker).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as os from 'node:os';
import { FileTranscriptionProgress, transcribeFile } from '../../src/notes/fileTranscription';
import { VoxnoteError } from '../../src/shared/errors';
import { findFfmpeg } from '../../src/shared/ffmpeg';
import { journalPathFor, parseJournal } from '../../src/notes/notesJournal';
import { LongToneWav, longToneWav } from '../support/longToneWav';
import { processes, workers, type Proc } from '../support/processes';
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
  /** The 30-minute recording re-encoded by ffmpeg with these output options. */
  const encodeLong = async (name: string, args: string[]): Promise<string> => {
    const out = path.join(dir, name);
    const r = spawnSync(findFfmpeg()!, ['-nostdin', '-v', 'error', '-y', '-i', long.path, ...args, out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return out;
  };

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

  it('reads other formats through ffmpeg, streamed into the worker: no temporary WAV', async () => {
    const ffmpeg = findFfmpeg();
    assert.ok(ffmpeg, FFMPEG_MISSING);
    const wav = toneWav([0.5, 'open', 0.35, 'file', 1.6, 'save', 0.35, 'run', 1.6], { sampleRate: 44100, stereo: true });
    const flac = path.join(dir, 'call.flac');
    const r = spawnSync(ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', wav.path, flac], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const notes = path.join(dir, 'Call.md');
    const tempBefore = convertDirs();
    const progress: FileTranscriptionProgress[] = [];
    const result = await transcribeFile({ speech, engine: vosk(model), audioPath: flac, notesPath: notes, speaker: 'Call', onProgress: (p) => progress.push(p) });
    assert.equal(result.error, undefined);
    assert.equal(result.finals, 2);
    assert.deepEqual(lineTexts(notes), ['**Call:** open file', '**Call:** save run']);
    assert.ok(progress.length > 0 && progress.every((p) => p.stage === 'transcribing'), JSON.stringify(progress));
    assert.ok(Math.abs(result.totalSeconds - wav.script.samples.length / 44100) < 0.1, `${result.totalSeconds} s in all, from ffmpeg`);
    assert.deepEqual(convertDirs(), tempBefore, 'no temporary folder or WAV was made');
  });

  it('ffmpeg runs under the worker and ends with the session: on cancel, and when the worker is killed', async () => {
    assert.ok(findFfmpeg(), FFMPEG_MISSING);
    const mulaw = await encodeLong('standup-mulaw.wav', ['-c:a', 'pcm_mulaw']);
    // Cancelled: ffmpeg is gone once transcribeFile returns.
    const abort = new AbortController();
    let seenUnderWorker = false;
    const cancelled = await transcribeFile({
      speech,
      engine: vosk(model),
      audioPath: mulaw,
      notesPath: path.join(dir, 'Mulaw-cancelled.md'),
      signal: abort.signal,
      onProgress: (p) => {
        if (p.percent < 5) return;
        seenUnderWorker ||= ffmpegsOf(workers(process.pid).map((w) => w.pid)).length === 1;
        abort.abort();
      },
    });
    assert.equal(cancelled.cancelled, true);
    assert.ok(seenUnderWorker, 'ffmpeg ran as a child of the worker');
    assert.deepEqual(ffmpegsOf(), [], 'ffmpeg ended with the session');

    // The worker killed: ffmpeg's output pipe closes and it ends too.
    let killed: number[] = [];
    const run = transcribeFile({
      speech,
      engine: vosk(model),
      audioPath: mulaw,
      notesPath: path.join(dir, 'Mulaw-killed.md'),
      onProgress: (p) => {
        if (p.percent < 5 || killed.length) return;
        const [worker] = workers(process.pid);
        killed = ffmpegsOf([worker.pid]).map((f) => f.pid);
        process.kill(worker.pid, 'SIGKILL');
      },
    });
    const result = await run;
    assert.equal(result.error?.code, 'worker-crashed');
    assert.equal(killed.length, 1, 'ffmpeg was running when the worker was killed');
    for (const until = Date.now() + 5000; ffmpegsOf().some((f) => killed.includes(f.pid)) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ffmpegsOf().filter((f) => killed.includes(f.pid)), [], 'ffmpeg did not outlive its worker');
  });

  it('a mu-law WAV goes through ffmpeg (the worker does not read mu-law itself)', async () => {
    assert.ok(findFfmpeg(), FFMPEG_MISSING);
    const wav = toneWav([0.5, 'yes', 0.35, 'no', 1.6, 'close', 1.6]);
    const mulaw = path.join(dir, 'phone.wav');
    const r = spawnSync(findFfmpeg()!, ['-nostdin', '-v', 'error', '-y', '-i', wav.path, '-c:a', 'pcm_mulaw', '-ar', '8000', mulaw], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const notes = path.join(dir, 'Phone.md');
    const result = await transcribeFile({ speech, engine: vosk(model), audioPath: mulaw, notesPath: notes });
    assert.equal(result.error, undefined, result.error?.message);
    assert.deepEqual(lineTexts(notes), ['yes no', 'close']);
  });

  it('an RF64 WAV is read by the worker directly: no ffmpeg needed', async () => {
    const wav = toneWav([0.5, 'run', 0.35, 'save', 1.6]);
    const rf64 = path.join(dir, 'big.wav');
    fs.writeFileSync(rf64, toRf64(fs.readFileSync(wav.path)));
    const notes = path.join(dir, 'Big.md');
    const result = await withoutFfmpeg(() => transcribeFile({ speech, engine: vosk(model), audioPath: rf64, notesPath: notes }));
    assert.equal(result.error, undefined, result.error?.message);
    assert.deepEqual(lineTexts(notes), ['run save']);
  });

  it('says ffmpeg is needed for a file that is not WAV when there is none, and writes no notes', async () => {
    const mp3 = path.join(dir, 'call.mp3');
    fs.writeFileSync(mp3, Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00not really audio'));
    const notes = path.join(dir, 'NoFfmpeg.md');
    await withoutFfmpeg(() =>
      assert.rejects(
        transcribeFile({ speech, engine: vosk(model), audioPath: mp3, notesPath: notes }),
        (e: unknown) => {
          assert.ok(e instanceof VoxnoteError);
          assert.equal(e.code, 'no-capture-tool');
          assert.match(e.message, /call\.mp3 is not a WAV file Voxnote reads itself \(found MP3 audio\), and ffmpeg, which Voxnote uses to read other formats, is not installed/);
          assert.match(e.hint, /Install ffmpeg .*sudo apt install ffmpeg/);
          return true;
        },
      ),
    );
    assert.equal(fs.existsSync(notes), false);
  });

  it('says in one sentence, naming the file once, what ffmpeg could not read, and writes no notes', async () => {
    assert.ok(findFfmpeg(), FFMPEG_MISSING);
    const bad = path.join(dir, 'broken.ogg');
    fs.writeFileSync(bad, 'OggS but not really');
    const notes = path.join(dir, 'Broken.md');
    await assert.rejects(transcribeFile({ speech, engine: vosk(model), audioPath: bad, notesPath: notes }), (e: unknown) => {
      assert.ok(e instanceof VoxnoteError);
      assert.match(e.message, /^ffmpeg could not read \S+broken\.ogg: [a-z][^.]*\.$/);
      assert.equal(e.message.split('broken.ogg').length, 2, `the path once: ${e.message}`);
      assert.match(e.hint, /plays in a media player/);
      return true;
    });
    assert.equal(fs.existsSync(notes), false);
  });
});

/** Voxnote's old conversion folders in the temp dir. */
const convertDirs = (): string[] => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('voxnote-convert-')).sort();

/** ffmpeg processes, optionally only children of the given pids. */
function ffmpegsOf(parents?: number[]): Proc[] {
  return processes().filter((p) => /(^|\/)ffmpeg$/.test(p.argv[0] ?? '') && (!parents || parents.includes(p.ppid)));
}

async function withoutFfmpeg<T>(run: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path.join(os.tmpdir(), 'voxnote-no-such-bin');
  try {
    return await run();
  } finally {
    process.env.PATH = saved;
  }
}

/** The same samples as an RF64 file (the format of WAVs over 4 GB): ds64 chunk, sizes 0xFFFFFFFF. */
function toRf64(wav: Buffer): Buffer {
  const body = wav.subarray(12); // fmt and data chunks
  const dataAt = body.indexOf('data', 0, 'latin1');
  const dataBytes = body.readUInt32LE(dataAt + 4);
  const ds64 = Buffer.alloc(8 + 28);
  ds64.write('ds64', 0, 'latin1');
  ds64.writeUInt32LE(28, 4);
  ds64.writeBigUInt64LE(BigInt(4 + ds64.length + body.length), 8);
  ds64.writeBigUInt64LE(BigInt(dataBytes), 16);
  ds64.writeBigUInt64LE(BigInt(dataBytes / 2), 24);
  const rebuilt = Buffer.concat([Buffer.from('RF64\xff\xff\xff\xffWAVE', 'latin1'), ds64, body]);
  rebuilt.writeUInt32LE(0xffffffff, 12 + ds64.length + dataAt + 4);
  return rebuilt;
}
