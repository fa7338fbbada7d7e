/**
 * File "capture": streams a WAV or raw s16le file as 16 kHz mono s16le in
 * 100 ms chunks, either at real-time pace or as fast as the recognizer takes it.
 * Reads block by block, so memory stays flat for files of any length. What the
 * WAV reader cannot do goes to ffmpeg (openFileSource; the WAV inspector decides).
 */
import type { FileHandle } from 'fs/promises';
import { open } from 'fs/promises';
import * as path from 'path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'timers/promises';
import type { FileSource } from '../../shared/protocol';
import { Chunker } from '../audio/chunker';
import { createResampler, floatToS16le, Resampler } from '../audio/resampler';
import { AudioFormatError, BYTES_PER_SAMPLE, decodeToMono, inspectAudio, isRawPath, readWavInfo, SampleFormat } from '../../shared/wav';
import { VoxnoteError } from '../../shared/errors';
import { CHUNK_BYTES, SAMPLE_RATE } from '../audio/format';
import type { Capture, CaptureHandlers, OpenCapture } from './capture';
import { openFfmpegCapture } from './ffmpeg';
const READ_BYTES = 64 * 1024;
/** Fast mode hands the event loop a turn this often, so stdin commands (stop) get read. */
const YIELD_BYTES = 64 * 1024;
const YIELD_MS = 20;
const OUTPUT_BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000;

interface Layout {
  sampleRate: number;
  channels: number;
  format: SampleFormat;
  dataOffset: number;
  dataBytes: number;
}

const convertHint = (file: string) => {
  const out = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}-16k.wav`);
  return `Convert it with: ffmpeg -i "${file}" -ar 16000 -ac 1 "${out}"`;
};

const unsupported = (file: string, message: string) => new VoxnoteError('unsupported-audio', message, convertHint(file));

async function openFile(file: string): Promise<FileHandle> {
  const notFound = () =>
    new VoxnoteError('file-not-found', `Audio file not found: ${file}`, 'Check the path; it must name an existing WAV or raw s16le file.');
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound();
    throw new VoxnoteError('capture-failed', `Cannot open ${file}: ${(e as Error).message}`, 'Check that the file is readable by you.');
  }
  if ((await fh.stat()).isDirectory()) {
    await fh.close();
    throw new VoxnoteError('file-not-found', `${file} is a folder, not an audio file.`, 'Choose a WAV or raw s16le file.');
  }
  return fh;
}

async function readLayout(fh: FileHandle, source: FileSource): Promise<Layout> {
  const raw = source.raw ?? (isRawPath(source.path) ? { sampleRate: SAMPLE_RATE, channels: 1 } : undefined);
  if (raw) {
    const { sampleRate, channels } = raw;
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || !Number.isInteger(channels) || channels < 1) {
      throw new VoxnoteError(
        'unsupported-audio',
        `Invalid raw audio layout: ${sampleRate} Hz, ${channels} channel(s).`,
        'Give raw.sampleRate and raw.channels as positive whole numbers, e.g. 16000 and 1.',
      );
    }
    return { sampleRate, channels, format: 's16', dataOffset: 0, dataBytes: (await fh.stat()).size };
  }
  try {
    return await readWavInfo(fh);
  } catch (e) {
    if (e instanceof AudioFormatError) throw unsupported(source.path, e.message);
    throw new VoxnoteError('capture-failed', `Reading ${source.path} failed: ${(e as Error).message}`, 'Check that the file is readable.');
  }
}

/** A file source: raw PCM and the WAVs the reader handles directly (RF64 too), anything else through ffmpeg. */
export const openFileSource: OpenCapture<FileSource> = async (source, handlers) => {
  if (source.raw || isRawPath(source.path)) return openFileCapture(source, handlers);
  let route: Awaited<ReturnType<typeof inspectAudio>> | undefined;
  try {
    const fh = await open(source.path, 'r');
    try {
      if ((await fh.stat()).isFile()) route = await inspectAudio(fh);
    } finally {
      await fh.close();
    }
  } catch {
    // Cannot be opened or read: the reader says so, with a next step.
  }
  if (route?.route === 'ffmpeg') return openFfmpegCapture(source, handlers, route.found);
  return openFileCapture(source, handlers);
};

/** The WAV and raw reader itself. */
export const openFileCapture: OpenCapture<FileSource> = async (source, handlers) => {
  const fh = await openFile(source.path);
  try {
    const layout = await readLayout(fh, source);
    let resampler: Resampler;
    try {
      resampler = await createResampler(layout.sampleRate);
    } catch (e) {
      throw unsupported(source.path, `Cannot convert ${layout.sampleRate} Hz audio: ${(e as Error).message}`);
    }
    return new FileCapture(source, fh, layout, resampler, handlers);
  } catch (e) {
    await fh.close();
    throw e;
  }
};

class FileCapture implements Capture {
  readonly backend = 'file';
  readonly device: string;
  readonly totalSeconds: number;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    source: FileSource,
    private readonly fh: FileHandle,
    private readonly layout: Layout,
    private readonly resampler: Resampler,
    private readonly handlers: CaptureHandlers,
  ) {
    this.device = source.path;
    const frameBytes = layout.channels * BYTES_PER_SAMPLE[layout.format];
    this.totalSeconds = Math.floor(layout.dataBytes / frameBytes) / layout.sampleRate;
    this.done = this.pump(source.realtime === true)
      .catch((e: Error) => {
        if (this.stopped) return;
        this.stopped = true;
        handlers.onError(new VoxnoteError('capture-failed', `Reading ${source.path} failed: ${e.message}`, 'Check that the file is readable and still present.'));
      })
      .finally(() => {
        resampler.dispose();
        return fh.close().catch(() => {});
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.done;
  }

  private async pump(realtime: boolean): Promise<void> {
    // Real time: chunk k is due when its audio would have finished playing, anchored to the start so lateness does not add up.
    const start = performance.now();
    let sent = 0;
    let lastYield = start;
    let sinceYield = 0;
    const deliver = async (chunk: Buffer): Promise<boolean> => {
      if (realtime) {
        const wait = start + (sent + chunk.length) / OUTPUT_BYTES_PER_MS - performance.now();
        if (wait > 0) await sleep(wait, undefined, { signal: this.abort.signal }).catch(() => {});
      } else {
        // Read no faster than the recognizer decodes: memory stays flat and progress is real.
        await this.handlers.ready?.();
        if ((sinceYield += chunk.length) >= YIELD_BYTES || performance.now() - lastYield >= YIELD_MS) {
          await nextTurn();
          sinceYield = 0;
          lastYield = performance.now();
        }
      }
      if (this.stopped) return false;
      this.handlers.onData(chunk);
      sent += chunk.length;
      return true;
    };
    const chunker = new Chunker(CHUNK_BYTES);
    for await (const pcm of this.convertedBlocks()) {
      for (const chunk of chunker.push(pcm)) if (!(await deliver(chunk))) return;
    }
    const last = chunker.drain();
    if (last && !(await deliver(last))) return;
    if (this.stopped) return;
    this.stopped = true;
    this.handlers.onEnd();
  }

  /** The file's samples as 16 kHz mono s16le, one read block at a time. */
  private async *convertedBlocks(): AsyncGenerator<Buffer> {
    const { format, channels, dataOffset, dataBytes } = this.layout;
    const frameBytes = channels * BYTES_PER_SAMPLE[format];
    const blockBytes = Math.max(frameBytes, READ_BYTES - (READ_BYTES % frameBytes));
    const end = dataOffset + dataBytes;
    const passthrough = format === 's16' && channels === 1 && this.resampler.inputRate === SAMPLE_RATE;
    let rest = Buffer.alloc(0);
    // One read buffer for the whole file: the consumer is done with a block before asking for the next.
    const buffer = Buffer.alloc(blockBytes);
    for (let position = dataOffset; position < end && !this.stopped; ) {
      const { bytesRead } = await this.fh.read(buffer, 0, Math.min(blockBytes, end - position), position);
      if (bytesRead === 0) break; // the file shrank since we looked
      position += bytesRead;
      const read = buffer.subarray(0, bytesRead);
      if (passthrough) {
        // Already 16 kHz mono s16le: no conversion, no garbage (hours of audio go through here).
        yield read.subarray(0, read.length & ~1);
        continue;
      }
      const decoded = decodeToMono(rest.length ? Buffer.concat([rest, read]) : read, format, channels);
      rest = Buffer.from(decoded.rest);
      yield floatToS16le(this.resampler.push(decoded.samples));
    }
    if (!this.stopped) yield floatToS16le(this.resampler.flush());
  }
}
