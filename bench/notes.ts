/**
 * Meeting-notes figures for `npm run bench`: a 3-hour meeting of two sources
 * (tone speech files through the file source at full speed, one worker each)
 * into a notes file. Reports finals emitted against lines in the file (equal),
 * memory growth of this process (the extension side) and of each worker, the
 * time from a final event to its line being on disk (appended and fsynced), and
 * the extension host's own work per final (transcript store and the open
 * panel's message, serialized as postMessage does) at the start and at the end.
 * At full speed wall time is not meeting time, so that run writes each line as
 * its final comes (no time-order hold) and measures the writer; the hold that
 * puts lines in start order is measured apart, at real time (lineOrderBench).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { DEFAULT_FORMAT_OPTIONS } from '../src/dictation/formatter';
import { Meeting, type MeetingOptions } from '../src/notes/meeting';
import { SENTENCE_PAUSE_SECONDS } from '../src/notes/notesLineFormat';
import { SpeechService } from '../src/speech/speechService';
import { UTTERANCE_LINE } from '../src/notes/notesFormat';
import { NotesWriter } from '../src/notes/notesWriter';
import { TranscriptStore } from '../src/transcript/transcriptStore';
import { fullState, panelMessage } from '../src/ui/panelMessages';
import { longToneWav } from '../test/support/longToneWav';
import { procMemory } from '../test/support/procStatus';

/** Memory is first measured after this many finals, once everything is warm. */
const WARM_FINALS = 200;
/** The host's per-final work is compared over this many finals at the start and at the end. */
const SAMPLE_FINALS = 500;

const mb = (bytes: number) => Math.round((bytes / 1048576) * 100) / 100;
const ms = (x: number) => Math.round(x * 100) / 100;

/** A full collection before measuring this process, so RSS shows what is held, not garbage not yet collected. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** A two-source meeting of tone files into `notesPath`, and a promise for both files played to their end. */
function fileMeeting(o: {
  workerPath: string;
  modelPath: string;
  notesPath: string;
  files: { mic: string; system: string };
  /** Played at real pace (meeting time is wall time) rather than at full speed. */
  realtime?: boolean;
  extra: Partial<MeetingOptions>;
}): { session: Meeting; writer: NotesWriter; ended: Promise<void>; go: () => void } {
  const writer = NotesWriter.create(o.notesPath, { title: 'Bench meeting', startedAt: new Date(), sources: ['Me (microphone)', 'Others (system audio)'], model: 'tone' });
  let go!: () => void;
  const begun = new Promise<void>((resolve) => (go = resolve));
  const tracks = [
    { kind: 'mic' as const, label: 'Me' },
    { kind: 'system' as const, label: 'Others' },
  ];
  // Opens once timing starts (go()).
  const session = new Meeting(
    {
      speech: new SpeechService({ workerPath: o.workerPath }),
      sourceFor: (spec) => ({ kind: 'file', path: o.files[spec.kind === 'mic' ? 'mic' : 'system'], ...(o.realtime ? { realtime: true } : {}) }),
      ...o.extra,
    },
    async () => {
      await begun;
      return { engine: { kind: 'vosk', model: o.modelPath }, writer, tracks };
    },
  );
  const ended = new Promise<void>((resolve) =>
    session.onTrackState(() => {
      if (session.trackState('mic') === 'ended' && session.trackState('system') === 'ended') resolve();
    }),
  );
  return { session, writer, ended, go };
}

export async function notesBench(workerPath: string, modelPath: string, hours = 3) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-notes-bench-'));
  try {
    // Turns: the other side answers a few seconds after "me".
    const mic = longToneWav(path.join(work, 'mic.wav'), [['yes', 'open', 'file'], ['save'], ['run', 'close']], hours * 3600, 0.5);
    const system = longToneWav(path.join(work, 'system.wav'), [['no', 'yes'], ['close', 'file', 'open'], ['run']], hours * 3600, 3);
    const notesPath = path.join(work, 'Meeting.md');
    const { session, writer, ended, go } = fileMeeting({
      workerPath,
      modelPath,
      notesPath,
      files: { mic: mic.path, system: system.path },
      extra: { lineOrder: { graceMs: 0, maxHoldMs: 0 } },
    });

    const toDisk: number[] = [];
    /** What the extension host does per final: the store, and the panel's message serialized. */
    const store = new TranscriptStore();
    const hostWork: number[] = [];
    const messageBytes: number[] = [];
    store.onDidChange((change) => messageBytes.push(JSON.stringify(panelMessage(change, store.state)).length));
    let finals = 0;
    const rss = () => {
      collectGarbage();
      return { self: procMemory('self', 'VmRSS'), heap: process.memoryUsage().heapUsed, mic: procMemory(session.pid('mic')!, 'VmRSS'), system: procMemory(session.pid('system')!, 'VmRSS') };
    };
    let warm: ReturnType<typeof rss> | undefined;
    session.onFinal((f) => {
      const t = performance.now();
      finals++;
      const u = store.addUtterance(f.text, false, { speaker: f.speaker ?? '' });
      hostWork.push(performance.now() - t);
      void f.written.then(() => toDisk.push(performance.now() - t));
      if (u.pending) store.setPending([u.id], false);
      if (finals === WARM_FINALS) warm = rss();
    });
    const t0 = performance.now();
    go();
    await ended;
    const end = rss();
    const wallSeconds = (performance.now() - t0) / 1000;
    await session.stop();
    session.dispose();
    writer.dispose();

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const us = (x: number) => Math.round(x * 10000) / 10;
    const lines = fs.readFileSync(notesPath, 'utf8').split('\n').filter((l) => UTTERANCE_LINE.test(l)).length;
    if (!warm) throw new Error(`only ${finals} finals: the meeting is too short to measure`);
    return {
      audioHours: hours,
      sources: 2,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      finalsEmitted: finals,
      finalsExpected: mic.utterances.length + system.utterances.length,
      linesInFile: lines,
      equal: finals === lines,
      memoryGrowthMB: {
        extension: mb(end.self - warm.self),
        /** What the extension side holds on to (RSS also counts pages V8 and malloc keep after collecting). */
        extensionHeapUsed: mb(end.heap - warm.heap),
        workerMic: mb(end.mic - warm.mic),
        workerSystem: mb(end.system - warm.system),
        target: '< 10 each',
      },
      hostPerFinal: {
        finals: hostWork.length,
        meanUsFirst500: us(mean(hostWork.slice(0, SAMPLE_FINALS))),
        meanUsLast500: us(mean(hostWork.slice(-SAMPLE_FINALS))),
        p95UsFirst500: us(percentile(hostWork.slice(0, SAMPLE_FINALS), 95)),
        p95UsLast500: us(percentile(hostWork.slice(-SAMPLE_FINALS), 95)),
        panelMessageBytesFirst: messageBytes[0],
        panelMessageBytesLast: messageBytes.at(-1),
        fullStateBytesAtEnd: JSON.stringify(fullState(store.state)).length,
        utterancesHeld: store.state.utterances.length,
        target: 'last 500 within 2x of first 500 (flat)',
      },
      finalToDiskMs: {
        p50: ms(percentile(toDisk, 50)),
        p95: ms(percentile(toDisk, 95)),
        max: ms(Math.max(...toDisk)),
        target: 'p95 < 50',
      },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The time-order hold at real time: two sources speaking in turns and over each
 * other (tone speech files played at real pace, one worker each), formatted
 * lines in start order. Reports final event → line on disk (what the hold adds
 * to the writer's milliseconds) and whether the file is in start order.
 */
export async function lineOrderBench(workerPath: string, modelPath: string, seconds = 60) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-order-bench-'));
  try {
    const mic = longToneWav(path.join(work, 'mic.wav'), [['yes', 'open', 'file', 'save'], ['run'], ['close', 'no']], seconds, 0.5);
    const system = longToneWav(path.join(work, 'system.wav'), [['no'], ['close', 'file', 'open', 'run'], ['yes', 'save']], seconds, 1.7);
    const notesPath = path.join(work, 'Meeting.md');
    const { session, writer, ended, go } = fileMeeting({
      workerPath,
      modelPath,
      notesPath,
      files: { mic: mic.path, system: system.path },
      realtime: true,
      extra: {
        recognizer: { words: true },
        lineFormat: { format: { ...DEFAULT_FORMAT_OPTIONS, spokenPunctuation: false }, sentencePause: SENTENCE_PAUSE_SECONDS },
      },
    });
    const toDisk: number[] = [];
    let arrivedOutOfOrder = 0;
    let lastStart = -Infinity;
    session.onFinal((f) => {
      const t = performance.now();
      if (f.start < lastStart) arrivedOutOfOrder++;
      lastStart = Math.max(lastStart, f.start);
      void f.written.then(() => toDisk.push(performance.now() - t));
    });
    go();
    await ended;
    await session.stop();
    session.dispose();
    writer.dispose();
    const starts = fs
      .readFileSync(notesPath, 'utf8')
      .split('\n')
      .filter((l) => UTTERANCE_LINE.test(l))
      .map((l) => l.slice(1, 9));
    const sorted = [...starts].sort();
    return {
      audioSeconds: seconds,
      lines: starts.length,
      finalsArrivedBeforeAnEarlierStartingLine: arrivedOutOfOrder,
      fileInStartOrder: starts.every((s, i) => s === sorted[i]),
      finalToDiskMs: { p50: ms(percentile(toDisk, 50)), p95: ms(percentile(toDisk, 95)), max: ms(Math.max(...toDisk)), note: 'includes the 1 s grace and waiting for the other source to be quiet' },
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
