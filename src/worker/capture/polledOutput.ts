/**
 * A recorder's stdout read on a timer, not on every write. parec writes a block
 * every ~20 ms, and each read through a Node stream (a wake-up, a stream event)
 * cost the worker more than decoding it: in a 48 s session the reads were the
 * largest share of the worker's CPU (issue 16, `npm run bench startup`). The
 * recorder writes into a FIFO that the worker drains without blocking when a
 * whole 100 ms chunk should be there (plus a block's slack), so it wakes about
 * ten times a second (every 20 ms through the first second, LEAD_IN) and partials are not held back more than the slack.
 * POSIX only (mkfifo); `undefined` where no FIFO can be made, and the caller reads
 * a pipe as before.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHUNK_BYTES, LEAD_IN, SAMPLE_RATE } from '../audio/format';

/** The server delivers blocks of ~20 ms: the one completing a chunk has arrived this long after the chunk's end. */
const SLACK_MS = 25;
/** Until the first audio: the first words are not held back. */
const FIRST_POLL_MS = 5;
/** Through the lead-in (LEAD_IN): about a server block, so the first partial is not held back by whole chunks. */
const LEAD_POLL_MS = 20;
const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;
/** Read size: 2 s, more than a pipe holds. */
const READ_BYTES = 65536;

export interface PolledOutput {
  /** The recorder's stdout: give it as `stdio[1]` to spawn, then call `start`. */
  readonly writeFd: number;
  /** Closes this process's copy of the write end and starts reading. */
  start(onData: (chunk: Buffer) => void): void;
  /** Reads now whatever the recorder has written (a stop keeps the last words). */
  drain(): void;
  /** Stops reading and closes the FIFO. */
  close(): void;
}

function mkfifo(file: string): Promise<boolean> {
  return new Promise((resolve) => execFile('mkfifo', ['-m', '600', file], { timeout: 2000 }, (err) => resolve(!err)));
}

const SPARE_AFTER_MS = 1000;
/** Made ahead for the next capture: a warm worker's start then runs no mkfifo before the recorder. */
let spare: Promise<PolledOutput | undefined> | undefined;

/** A fresh FIFO opened at both ends (its name already removed), or undefined (no mkfifo, Windows). */
export async function openPolledOutput(): Promise<PolledOutput | undefined> {
  const taken = spare;
  spare = undefined;
  const output = (await taken) ?? (await makeFifo());
  // Later, not beside the recorder's start (nor in a process about to exit).
  if (output) setTimeout(() => (spare ??= makeFifo()), SPARE_AFTER_MS).unref();
  return output;
}

async function makeFifo(): Promise<PolledOutput | undefined> {
  if (process.platform === 'win32') return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-rec-'));
  const file = path.join(dir, 'out');
  try {
    if (!(await mkfifo(file))) return undefined;
    // The read end first: opening the write end without blocking needs a reader.
    const readFd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writeFd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    return polled(readFd, writeFd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function polled(readFd: number, writeFd: number): PolledOutput {
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let onData: ((chunk: Buffer) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let total = 0;
  let closed = false;
  let writeOpen = true;

  const closeWrite = () => {
    if (writeOpen) fs.closeSync(writeFd);
    writeOpen = false;
  };

  const drain = () => {
    if (closed || !onData) return;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(readFd, buffer, 0, READ_BYTES, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return;
        throw e;
      }
      if (n === 0) return; // the recorder has exited: its exit says why
      total += n;
      onData(Buffer.from(buffer.subarray(0, n)));
      // A pipe gives what it holds: a short read emptied it, and asking again would only
      // build an EAGAIN error (with its stack), which cost more than the read itself.
      if (n < READ_BYTES) return;
    }
  };

  const poll = () => {
    drain();
    if (closed) return;
    const missing = CHUNK_BYTES - (total % CHUNK_BYTES);
    timer = setTimeout(poll, total === 0 ? FIRST_POLL_MS : total < LEAD_IN.bytes ? LEAD_POLL_MS : missing / BYTES_PER_MS + SLACK_MS);
  };

  return {
    writeFd,
    start(handler) {
      onData = handler;
      closeWrite();
      poll();
    },
    drain,
    close() {
      if (closed) return;
      drain();
      closed = true;
      clearTimeout(timer);
      closeWrite();
      fs.closeSync(readFd);
    },
  };
}
