/**
 * Bytes waiting to be appended to one file. A flush opens the file for
 * appending (O_APPEND: never writes over earlier bytes, even if someone else
 * rewrote the file meanwhile), writes everything pending, fsyncs and closes.
 * Opening per flush follows a file that an editor replaced by a new one.
 * A failed flush keeps exactly the bytes not yet written, so a retry neither
 * loses nor repeats any.
 */
import * as fs from 'fs/promises';
import * as path from 'path';

export class AppendOutbox {
  private pending: Buffer[] = [];
  /** The last flush stopped inside its batch: the rest continues it, with no separator. */
  private midBatch = false;
  private dirSynced = false;

  /**
   * `separator`: what a non-empty file must end with before a new batch, e.g.
   * "\n\n" so appended notes start a paragraph even after a person saved the
   * file without its final newline, or after a write torn by a crash.
   */
  constructor(readonly file: string, private readonly separator: '\n' | '\n\n') {}

  push(text: string): void {
    this.pending.push(Buffer.from(text, 'utf8'));
  }

  get empty(): boolean {
    return this.pending.length === 0;
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const body = Buffer.concat(this.pending);
    this.pending = [];
    let data = body;
    let separatorBytes = 0;
    let written = 0;
    try {
      const fh = await this.open();
      try {
        if (!this.midBatch) {
          const separator = await this.missingSeparator(fh);
          separatorBytes = separator.length;
          data = Buffer.concat([separator, body]);
        }
        while (written < data.length) written += (await fh.write(data, written)).bytesWritten;
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      // Pushes made during the attempt come after the bytes it did not write.
      // A separator not fully written is worked out again on the next attempt.
      this.midBatch = written > separatorBytes && written < data.length;
      if (this.midBatch) this.pending.unshift(data.subarray(written));
      else if (written < data.length) this.pending.unshift(body);
      throw e;
    }
    this.midBatch = false;
    if (!this.dirSynced) await this.syncDir();
  }

  private async open(): Promise<fs.FileHandle> {
    try {
      return await fs.open(this.file, 'a+');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // The notes folder does not exist (yet, or any more).
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      return await fs.open(this.file, 'a+');
    }
  }

  private async missingSeparator(fh: fs.FileHandle): Promise<Buffer> {
    const { size } = await fh.stat();
    if (size === 0) return Buffer.alloc(0);
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
