/**
 * Meeting-notes figures for `npm run bench`: a 3-hour meeting of two sources
 * (tone speech files through the file source at full speed, one worker each)
 * into a notes file. Reports finals emitted against lines in the file (equal),
 * memory growth of this process (the extension side) and of each worker, the
 * time from a final event to its line being on disk (appended and fsynced), and
 * the extension host's own work per final (transcript store and the open
 * panel's message, serialized as postMessage does) at the start and at the end.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Meeting } from '../src/notes/meeting';
import { SpeechService } from '../src/speech/speechService';
import { UTTERANCE_LINE } from '../src/notes/notesFormat';
import { NotesWriter } from '../src/notes/notesWriter';
import { TranscriptStore } from '../src/transcript/transcriptStore';
import { fullState, panelMessage } from '../src/ui/panelMessages';
import { longToneWav } from '../test/support/longToneWav';

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

function vmRss(pid: number | 'self'): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function notesBench(workerPath: string, modelPath: string, hours = 3) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-notes-bench-'));
  try {
    // Turns: the other side answers a few seconds after "me".
    const mic = longToneWav(path.join(work, 'mic.wav'), [['yes', 'open', 'file'], ['save'], ['run', 'close']], hours * 3600, 0.5);
    const system = longToneWav(path.join(work, 'system.wav'), [['no', 'yes'], ['close', 'file', 'open'], ['run']], hours * 3600, 3);
    const notesPath = path.join(work, 'Meeting.md');
    const writer = NotesWriter.create(notesPath, { title: 'Bench meeting', startedAt: new Date(), sources: ['Me (microphone)', 'Others (system audio)'], model: 'tone' });
    const speech = new SpeechService({ workerPath });
    let go!: () => void;
    const begun = new Promise<void>((resolve) => (go = resolve));
    const tracks = [
      { kind: 'mic' as const, label: 'Me' },
      { kind: 'system' as const, label: 'Others' },
    ];
    // Opens once timing starts (go()).
    const session = new Meeting({ speech, sourceFor: (spec) => ({ kind: 'file', path: spec.kind === 'mic' ? mic.path : system.path }) }, async () => {
      await begun;
      return { engine: { kind: 'vosk', model: modelPath }, writer, tracks };
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
      return { self: vmRss('self'), heap: process.memoryUsage().heapUsed, mic: vmRss(session.pid('mic')!), system: vmRss(session.pid('system')!) };
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
    const ended = new Promise<void>((resolve) =>
      session.onTrackState(() => {
        if (session.trackState('mic') === 'ended' && session.trackState('system') === 'ended') resolve();
      }),
    );
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
