/**
 * File "capture" through ffmpeg, for every recording the WAV reader cannot do
 * (compressed formats, mu-law…; src/shared/wav.ts decides): ffmpeg decodes to
 * 16 kHz mono s16le on its stdout, straight into the session, so nothing is
 * written to disk and memory stays flat (the pipe holds ffmpeg back while the
 * recognizer works). ffmpeg is the worker's child and ends with the session:
 * stop() kills it, the worker's exit kills it, and if the worker dies its
 * stdout pipe closes and ffmpeg's next write ends it.
 */
import { spawnOwned } from '../../shared/childProcess';
import { VoxnoteError } from '../../shared/errors';
import { FFMPEG_READ_HINT, ffmpegFailure, ffmpegMissing, findFfmpeg } from '../../shared/ffmpeg';
import type { FileSource } from '../../shared/protocol';
import { SAMPLE_RATE } from '../audio/format';
import type { Capture, CaptureHandlers } from './capture';

/** ffmpeg's last stderr lines kept for its error message. */
const STDERR_TAIL = 20;
/** Longest stderr line kept (ffmpeg's lines are short; a cap keeps memory bounded whatever). */
const MAX_STDERR_LINE = 4096;

const hmsSeconds = (h: string, m: string, s: string): number => Number(h) * 3600 + Number(m) * 60 + Number(s);

/** `found` says what the file is (for the message when ffmpeg is missing). */
export async function openFfmpegCapture(source: FileSource, handlers: CaptureHandlers, found: string): Promise<Capture> {
  const tool = findFfmpeg();
  if (!tool) {
    const missing = ffmpegMissing(source.path, found);
    throw new VoxnoteError('no-capture-tool', missing.message, missing.hint);
  }
  const args = [
    '-nostdin', '-hide_banner', '-nostats',
    ...(source.realtime ? ['-re'] : []),
    '-i', source.path,
    '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', 'pipe:1',
  ];
  const owned = spawnOwned(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const child = owned.child;
  const stdout = child.stdout!;
  const stderrStream = child.stderr!;

  const stderr: string[] = [];
  let partialLine = '';
  let totalSeconds = 0;
  stderrStream.setEncoding('utf8');
  stderrStream.on('data', (text: string) => {
    const lines = (partialLine + text).split(/\r?\n|\r/);
    partialLine = lines.pop()!.slice(0, MAX_STDERR_LINE);
    for (const line of lines) {
      // The input's duration comes before any output; "Duration: N/A" leaves it unknown (0).
      const d = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(line);
      if (d && !totalSeconds) totalSeconds = hmsSeconds(d[1], d[2], d[3]);
      stderr.push(line.slice(0, MAX_STDERR_LINE));
      if (stderr.length > STDERR_TAIL) stderr.shift();
    }
  });

  let stopping = false;
  let carry = Buffer.alloc(0);
  /** Whole samples only; an odd byte waits for the next chunk. */
  const deliver = (chunk: Buffer): void => {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const even = buf.length & ~1;
    carry = Buffer.from(buf.subarray(even));
    if (even && !stopping) handlers.onData(buf.subarray(0, even));
  };
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const exitText = ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }) =>
    signal ? `killed by ${signal}` : `exit code ${code}`;

  const capture: Capture = {
    backend: 'file',
    device: source.path,
    get totalSeconds() {
      return totalSeconds;
    },
    async stop() {
      stopping = true;
      if (owned.running) owned.kill();
      await closed;
    },
  };

  // Open once ffmpeg produces audio (or ends): a file it cannot read fails the start, not the session.
  await new Promise<void>((resolve, reject) => {
    child.once('error', (e) =>
      reject(new VoxnoteError('no-capture-tool', `ffmpeg (${tool}) could not be started: ${e.message}`, 'Check your ffmpeg installation.')),
    );
    stdout.once('data', (first: Buffer) => {
      // Held until the session has announced `started`: no final may come before it.
      stdout.pause();
      resolve();
      setImmediate(() => {
        deliver(first);
        stdout.resume();
      });
    });
    void closed.then((how) => {
      if (how.code === 0) return resolve(); // no audio at all: the session starts and ends
      reject(new VoxnoteError('unsupported-audio', ffmpegFailure(source.path, stderr, exitText(how)), FFMPEG_READ_HINT));
    });
  });
  stdout.on('data', deliver);
  void closed.then((how) => {
    if (stopping) return;
    stopping = true;
    // Deferred like the first data, so a file with no audio still ends after `started`.
    setImmediate(() => {
      if (how.code === 0) handlers.onEnd();
      else handlers.onError(new VoxnoteError('capture-failed', `ffmpeg stopped reading ${source.path} (${exitText(how)}).`, FFMPEG_READ_HINT));
    });
  });
  return capture;
}
