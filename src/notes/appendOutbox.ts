/**
 * Bytes waiting to be appended to one file. A flush writes everything pending
 * through a handle opened for appending (O_APPEND: never over earlier bytes,
 * even if someone rewrote the file meanwhile) and fsyncs it. The handle is kept
 * between flushes (fewer round trips to the thread pool, which matters when the
 * extension host is busy), and reopened when the name leads elsewhere (an
 * editor saved by replacing the file, or it was moved or deleted), so the
 * appends follow the name. A failed flush keeps exactly the bytes not yet
 * written, so a retry neither loses nor repeats any.
 */
import * as fs from 'fs/promises';
import * as path from 'path';

/**
 * Windows refuses to rename over or delete a file while any handle is open on
 * it (EPERM, whatever the share mode Node opens with), so an editor or sync
 * tool that saves by replacing the notes would fail mid-meeting: there the
 * handle lives for one flush only.
 */
const KEEP_OPEN = process.platform !== 'win32';

export class AppendOutbox {
  private pending: Buffer[] = [];
  private handle?: fs.FileHandle;
  /** The last flush stopped inside its batch: the rest continues it, with no separator. */
  private midBatch = false;
  private dirSynced = false;
  /** The file's size after our last complete batch. */
  private end = -1;

  /**
   * `separator`: what a non-empty file must end with before a new batch, e.g.
   * "\n\n" so appended notes start a paragraph even after a person saved the
   * file without its final newline, or after a write torn by a crash.
   */
  constructor(readonly file: string, private readonly separator: '\n' | '\n\n') {}

  push(text: string): void {
    this.pending.push(Buffer.from(text, 'utf8'));
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const body = Buffer.concat(this.pending);
    this.pending = [];
    let data = body;
    let separatorBytes = 0;
    let written = 0;
    try {
      const { fh, size } = await this.open();
      if (!this.midBatch) {
        const separator = await this.missingSeparator(fh, size);
        separatorBytes = separator.length;
        data = Buffer.concat([separator, body]);
      }
      while (written < data.length) written += (await fh.write(data, written)).bytesWritten;
      await fh.sync();
      this.end = size + data.length;
    } catch (e) {
      await this.close();
      // Pushes made during the attempt come after the bytes it did not write.
      // A separator not fully written is worked out again on the next attempt.
      this.end = -1;
      this.midBatch = written > separatorBytes && written < data.length;
      if (this.midBatch) this.pending.unshift(data.subarray(written));
      else if (written < data.length) this.pending.unshift(body);
      throw await folderInTheWay(this.file, e as NodeJS.ErrnoException);
    }
    this.midBatch = false;
    if (!KEEP_OPEN) await this.close();
    if (!this.dirSynced) await this.syncDir();
  }

  /** Releases the handle; a later flush opens the file again. */
  async close(): Promise<void> {
    const fh = this.handle;
    this.handle = undefined;
    await fh?.close().catch(() => undefined);
  }

  /** The handle and the file's size; reopened by name when the name no longer leads to the file held. */
  private async open(): Promise<{ fh: fs.FileHandle; size: number }> {
    if (this.handle) {
      const [held, named] = await Promise.all([this.handle.stat(), fs.stat(this.file).catch(() => undefined)]);
      if (named && named.ino === held.ino && named.dev === held.dev) return { fh: this.handle, size: held.size };
      await this.close();
    }
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(this.file, 'a+');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // The notes folder does not exist (yet, or any more).
      await makeFolder(path.dirname(this.file));
      fh = await fs.open(this.file, 'a+');
    }
    this.handle = fh;
    return { fh, size: (await fh.stat()).size };
  }

  private async missingSeparator(fh: fs.FileHandle, size: number): Promise<Buffer> {
    // Empty, or still where our last batch ended (batches end with the separator): nothing to add.
    if (size === 0 || size === this.end) return Buffer.alloc(0);
    const want = this.separator.length;
    const tail = Buffer.alloc(Math.min(want, size));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const text = tail.toString('latin1');
    if (text === this.separator || (size < want && text === '\n')) return Buffer.alloc(0);
    return Buffer.from(text.endsWith('\n') ? this.separator.slice(1) : this.separator);
  }

  /** A new file's name is durable once its folder is synced. Not possible everywhere (Windows): best effort. */
  private async syncDir(): Promise<void> {
    this.dirSynced = true;
    try {
      const dir = await fs.open(path.dirname(this.file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // The file's data is synced; only its name's durability is left to the OS here.
    }
  }
}

/**
 * mkdir -p. A file where a folder should be is ENOTDIR everywhere: Windows
 * reports it as EEXIST (as POSIX does for the last part), which reads as
 * "the file exists" rather than "part of its path is a file".
 */
async function makeFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') (e as NodeJS.ErrnoException).code = 'ENOTDIR';
    throw e;
  }
}

/** A folder where the file should be is EISDIR everywhere (Wine opens it, then writing fails with EBADF). */
async function folderInTheWay(file: string, e: NodeJS.ErrnoException): Promise<NodeJS.ErrnoException> {
  if (e.code !== 'EISDIR' && (await fs.stat(file).then((s) => s.isDirectory(), () => false))) e.code = 'EISDIR';
  return e;
}
