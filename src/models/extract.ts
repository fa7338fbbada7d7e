/**
 * Unpacks model archives safely. A zip's entries are all checked before
 * anything is written, so an archive with an entry escaping the target
 * folder, a link or a special file, too many entries or a total size over the
 * limit is refused up front (yauzl also refuses entries that unpack to more
 * than their declared size). A .tar.bz2 (the sherpa-onnx releases) is checked
 * entry by entry as it streams, by the same rules; the caller unpacks into a
 * staging folder that is removed on failure, so nothing half-unpacked remains.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Transform } from 'stream';
import { pipeline } from 'stream/promises';
import * as tar from 'tar-stream';
import unbzip2 from 'unbzip2-stream';
import * as yauzl from 'yauzl';
import * as zlib from 'zlib';
import { archiveKind, formatBytes } from './catalog';
import { VoxnoteError } from '../shared/errors';
import { CancelledError, modelError, throwIfCancelled } from './errors';

export interface ExtractOptions {
  /** Largest total unpacked size, in bytes. */
  maxBytes: number;
  /** Most entries (files and folders); official models have a few dozen. */
  maxEntries?: number;
  signal?: AbortSignal;
  onProgress?: (written: number, total: number) => void;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const ZIP_HINT = 'Download the model again, or unzip it yourself and install the folder.';
const TAR_HINT = 'Download the model again, or unpack it yourself (tar xjf) and install the folder.';
export const MAX_ENTRIES = 10000;

// yauzl does not check CRC-32; zlib.crc32 exists from Node 20.15 (older VS Code builds skip the check).
const crc32: ((data: Buffer, value: number) => number) | undefined = (zlib as { crc32?: (d: Buffer, v: number) => number }).crc32;

// yauzl's own file name checks, reported in words that say what is wrong.
const UNSAFE_NAME = /^(invalid relative path|absolute path|invalid characters in fileName)/;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', reject);
    zip.readEntry();
  });
}

function unsafe(file: string, what: string): VoxnoteError {
  return modelError(`The archive ${path.basename(file)} ${what}, so Voxnote will not unpack it.`, 'Get the model from its official source, or unzip it yourself and install the folder.');
}

/** Where an entry goes; refuses a name that would land outside `dest`. */
function targetOf(file: string, dest: string, name: string): string {
  const target = path.resolve(dest, name);
  if (path.isAbsolute(name) || name.includes('\\') || (target !== dest && !target.startsWith(dest + path.sep))) {
    throw unsafe(file, `has an entry that would be written outside the model folder (${name})`);
  }
  return target;
}

function tooBig(file: string, maxBytes: number): VoxnoteError {
  return modelError(
    `The archive ${path.basename(file)} unpacks to more than ${formatBytes(maxBytes)}, the limit.`,
    'If you trust this model, raise voxnote.model.maxUnpackedGB, and check the free disk space.',
  );
}

const tooMany = (file: string, max: number) => unsafe(file, `has more than ${max} entries`);

/** Checks every entry; resolves with the declared unpacked total. */
function checkEntries(file: string, entries: yauzl.Entry[], dest: string, maxBytes: number, maxEntries: number): number {
  if (entries.length > maxEntries) throw tooMany(file, maxEntries);
  let total = 0;
  for (const e of entries) {
    // yauzl already refuses such names; checked again because writing outside must never happen.
    targetOf(file, dest, e.fileName);
    // Unix permissions sit in the high 16 bits; archives made elsewhere have 0 there.
    const type = (e.externalFileAttributes >>> 16) & S_IFMT;
    if (type === S_IFLNK) throw unsafe(file, `has a link entry (${e.fileName})`);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(file, `has a special file entry (${e.fileName})`);
    total += e.uncompressedSize;
    if (total > maxBytes) throw tooBig(file, maxBytes);
  }
  return total;
}

/** Unpacks `file` into the folder `dest`, which must be empty or missing. */
export async function extractZip(file: string, dest: string, opts: ExtractOptions): Promise<void> {
  dest = path.resolve(dest);
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (e) {
    throw modelError(`${path.basename(file)} is not a readable zip archive (${(e as Error).message}).`, ZIP_HINT);
  }
  try {
    let entries: yauzl.Entry[];
    try {
      entries = await readEntries(zip);
    } catch (e) {
      const message = (e as Error).message;
      if (UNSAFE_NAME.test(message)) throw unsafe(file, `has an entry that would be written outside the model folder (${message})`);
      throw modelError(`${path.basename(file)} is a damaged zip archive (${message}).`, ZIP_HINT);
    }
    const total = checkEntries(file, entries, dest, opts.maxBytes, opts.maxEntries ?? MAX_ENTRIES);
    await fs.promises.mkdir(dest, { recursive: true });
    let written = 0;
    for (const e of entries) {
      throwIfCancelled(opts.signal);
      const target = path.resolve(dest, e.fileName);
      if (e.fileName.endsWith('/')) {
        await fs.promises.mkdir(target, { recursive: true });
        continue;
      }
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      let crc = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          written += chunk.length;
          if (crc32) crc = crc32(chunk, crc);
          opts.onProgress?.(written, total);
          callback(null, chunk);
        },
      });
      try {
        const input = await zip.openReadStreamPromise(e);
        await pipeline(input, meter, fs.createWriteStream(target, { flags: 'wx' }), { signal: opts.signal });
      } catch (err) {
        throw writeFailure(file, e.fileName, err, opts.signal, ZIP_HINT);
      }
      if (crc32 && crc >>> 0 !== e.crc32) throw modelError(`${path.basename(file)} is damaged: ${e.fileName} fails its CRC-32 check.`, ZIP_HINT);
    }
  } finally {
    zip.close();
  }
}

function writeFailure(file: string, name: string, err: unknown, signal: AbortSignal | undefined, hint: string): Error {
  if (signal?.aborted) return new CancelledError();
  if (err instanceof VoxnoteError) return err;
  const x = err as NodeJS.ErrnoException;
  if (x.code === 'EEXIST') return unsafe(file, `lists ${name} twice`);
  if (x.code === 'ENOSPC') return modelError(`The disk is full while unpacking ${path.basename(file)}.`, 'Free some space and try again.');
  return modelError(`${path.basename(file)} is damaged: ${name} cannot be unpacked (${x.message}).`, hint);
}

/** Unpacks a .tar.bz2 into the folder `dest`, which must be empty or missing; checks each entry before writing it. */
export async function extractTarBz2(file: string, dest: string, opts: ExtractOptions): Promise<void> {
  dest = path.resolve(dest);
  const maxEntries = opts.maxEntries ?? MAX_ENTRIES;
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (e) {
    throw modelError(`${path.basename(file)} cannot be read (${(e as Error).message}).`, TAR_HINT);
  }
  const input = fs.createReadStream(file);
  const bz = unbzip2();
  const extract = tar.extract();
  let read = 0;
  input.on('data', (c) => (read += c.length));
  // The decompressor is a classic stream: its errors (and the file's) end the extraction.
  const broken = new Promise<never>((_, reject) => {
    input.once('error', reject);
    bz.once('error', reject);
  });
  broken.catch(() => undefined);
  input.pipe(bz).pipe(extract);
  const damaged = (e: Error) => modelError(`${path.basename(file)} is not a readable .tar.bz2 archive, or is damaged or incomplete (${e.message}).`, TAR_HINT);
  let entries = 0;
  let total = 0;
  const unpack = async () => {
    await fs.promises.mkdir(dest, { recursive: true });
    // Not `for await`: leaving it awaits tar-stream's return(), which waits for a close that
    // never comes while an unread entry holds a write (a refused entry, under load).
    const next = extract[Symbol.asyncIterator]();
    for (let step = await next.next(); !step.done; step = await next.next()) {
      const entry = step.value;
      throwIfCancelled(opts.signal);
      const { name, type, size: bytes } = entry.header;
      if (++entries > maxEntries) throw tooMany(file, maxEntries);
      const target = targetOf(file, dest, name);
      if (type === 'symlink' || type === 'link') throw unsafe(file, `has a link entry (${name})`);
      if (type === 'directory') {
        await fs.promises.mkdir(target, { recursive: true });
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') throw unsafe(file, `has a special file entry (${name})`);
      total += bytes ?? 0;
      if (total > opts.maxBytes) throw tooBig(file, opts.maxBytes);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const meter = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          opts.onProgress?.(read, size);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(entry, meter, fs.createWriteStream(target, { flags: 'wx' }), { signal: opts.signal });
      } catch (err) {
        throw writeFailure(file, name, err, opts.signal, TAR_HINT);
      }
    }
  };
  try {
    await Promise.race([unpack(), broken]);
  } catch (e) {
    if (e instanceof VoxnoteError || e instanceof CancelledError) throw e;
    if (opts.signal?.aborted) throw new CancelledError();
    throw damaged(e as Error);
  } finally {
    input.destroy();
    bz.destroy?.();
    extract.destroy();
  }
}

export function extractArchive(file: string, dest: string, opts: ExtractOptions): Promise<void> {
  const kind = archiveKind(file);
  if (kind === 'zip') return extractZip(file, dest, opts);
  if (kind === 'tar.bz2') return extractTarBz2(file, dest, opts);
  return Promise.reject(modelError(`${path.basename(file)} is neither a .zip nor a .tar.bz2 archive.`, 'Choose the model archive as downloaded (.zip for Vosk, .tar.bz2 for sherpa-onnx), or its unpacked folder.'));
}
