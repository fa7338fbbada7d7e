/**
 * Unpacks a model zip safely: every entry is checked before anything is
 * written, so an archive with an entry escaping the target folder, a link or
 * a special file, or a total size over the limit is refused up front. yauzl
 * also refuses entries that unpack to more than their declared size.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Transform } from 'stream';
import { pipeline } from 'stream/promises';
import * as yauzl from 'yauzl';
import * as zlib from 'zlib';
import { formatBytes } from './catalog';
import { VoxnoteError } from '../shared/errors';
import { CancelledError, modelError, throwIfCancelled } from './errors';

export interface ExtractOptions {
  /** Largest total unpacked size, in bytes. */
  maxBytes: number;
  signal?: AbortSignal;
  onProgress?: (written: number, total: number) => void;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const ZIP_HINT = 'Download the model again, or unzip it yourself and install the folder.';

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

/** Checks every entry; resolves with the declared unpacked total. */
function checkEntries(file: string, entries: yauzl.Entry[], dest: string, maxBytes: number): number {
  let total = 0;
  for (const e of entries) {
    // yauzl already refuses such names; checked again because writing outside must never happen.
    const target = path.resolve(dest, e.fileName);
    if (target !== dest && !target.startsWith(dest + path.sep)) throw unsafe(file, `has an entry that would be written outside the model folder (${e.fileName})`);
    // Unix permissions sit in the high 16 bits; archives made elsewhere have 0 there.
    const type = (e.externalFileAttributes >>> 16) & S_IFMT;
    if (type === S_IFLNK) throw unsafe(file, `has a link entry (${e.fileName})`);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(file, `has a special file entry (${e.fileName})`);
    total += e.uncompressedSize;
    if (total > maxBytes) {
      throw modelError(
        `The archive ${path.basename(file)} unpacks to more than ${formatBytes(maxBytes)}, the limit.`,
        'If you trust this model, raise voxnote.model.maxUnpackedGB, and check the free disk space.',
      );
    }
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
    const total = checkEntries(file, entries, dest, opts.maxBytes);
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
        if (opts.signal?.aborted) throw new CancelledError();
        const x = err as NodeJS.ErrnoException;
        if (x.code === 'EEXIST') throw unsafe(file, `lists ${e.fileName} twice`);
        if (x.code === 'ENOSPC') throw modelError(`The disk is full while unpacking ${path.basename(file)}.`, 'Free some space and try again.');
        throw modelError(`${path.basename(file)} is damaged: ${e.fileName} cannot be unpacked (${x.message}).`, ZIP_HINT);
      }
      if (crc32 && crc >>> 0 !== e.crc32) throw modelError(`${path.basename(file)} is damaged: ${e.fileName} fails its CRC-32 check.`, ZIP_HINT);
    }
  } finally {
    zip.close();
  }
}
