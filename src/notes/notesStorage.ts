/**
 * Where notes files live, as the few operations the notes code needs. On a
 * local disk (diskStorage) appends go through O_APPEND handles and are
 * fsynced (appendOutbox.ts). A file system that can only read and write whole
 * files (VS Code's workspace.fs for a remote workspace, see notesFiles.ts)
 * gets wholeFileStorage: an append reads the file and writes it back longer.
 * Files are paths of that storage: OS paths on disk, the URI's path on a
 * remote. No VS Code API here.
 */
import * as fs from 'fs/promises';
import * as path from 'path';
import { AppendOutbox } from './appendOutbox';

/** Bytes queued for one file; a flush puts them at its end, a failed one keeps them for the next. */
export interface Outbox {
  push(text: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface NotesStorage {
  /** Appends that survive a crash of this machine once flushed (fsync). */
  readonly durable: boolean;
  outbox(file: string, separator: '\n' | '\n\n'): Outbox;
  /** Rejects with an error whose `code` is 'ENOENT' when the file does not exist. */
  readText(file: string): Promise<string>;
  /** Replaces the whole file: on disk, written beside and renamed over it, so never half-written. */
  writeText(file: string, text: string): Promise<void>;
  exists(file: string): Promise<boolean>;
  /**
   * Creates `file` empty (and its folder) only if no file of that name exists, in one
   * step no other window can come between: false when one does.
   */
  createExclusive(file: string): Promise<boolean>;
  /** Deletes `file`; nothing when it does not exist. */
  remove(file: string): Promise<void>;
  /** 'missing' is simply empty; 'unreadable': it exists but cannot be listed (a file in its way, no permission). */
  folderState(folder: string): Promise<'ok' | 'missing' | 'unreadable'>;
}

export const diskStorage: NotesStorage = {
  durable: true,
  outbox: (file, separator) => new AppendOutbox(file, separator),
  readText: (file) => fs.readFile(file, 'utf8'),
  // Whole, or not at all: written beside, then renamed over (a crash mid-write leaves the old file).
  async writeText(file, text) {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    const fh = await fs.open(temp, 'w');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(temp, file).catch(async (e: unknown) => {
      await fs.rm(temp, { force: true });
      throw e;
    });
  },
  exists: (file) => fs.access(file).then(() => true, () => false),
  async createExclusive(file) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    try {
      await (await fs.open(file, 'wx')).close();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  },
  remove: (file) => fs.rm(file, { force: true }),
  async folderState(folder) {
    try {
      await fs.readdir(folder);
      return 'ok';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    }
  },
};

/** Whole-file operations by path (what vscode.workspace.fs offers); errors carry errno-style codes (ENOENT…). */
export interface WholeFileSystem {
  read(file: string): Promise<Uint8Array>;
  write(file: string, data: Uint8Array): Promise<void>;
  /** Creates the folder and its parents. */
  makeFolder(folder: string): Promise<void>;
  exists(file: string): Promise<boolean>;
  /** Creates `file` with `data` in one step; rejects with code 'EEXIST' when it exists. */
  create(file: string, data: Uint8Array): Promise<void>;
  /** Deletes `file`; rejects with code 'ENOENT' when it does not exist. */
  delete(file: string): Promise<void>;
  /** Resolves when the folder can be listed. */
  list(folder: string): Promise<void>;
}

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** Appends by reading the file and writing it back with the new text at its end. */
class RewriteOutbox implements Outbox {
  private pending: string[] = [];
  constructor(
    private readonly fs: WholeFileSystem,
    private readonly file: string,
    private readonly separator: '\n' | '\n\n',
  ) {}

  push(text: string): void {
    this.pending.push(text);
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const count = this.pending.length;
    const body = this.pending.slice(0, count).join('');
    let before = '';
    try {
      before = new TextDecoder().decode(await this.fs.read(this.file));
    } catch (e) {
      if (code(e) !== 'ENOENT') throw e;
      await this.fs.makeFolder(path.dirname(this.file));
    }
    // As AppendOutbox: a non-empty file ends with the separator before a new batch.
    const tail = !before || before.endsWith(this.separator) ? '' : before.endsWith('\n') ? this.separator.slice(1) : this.separator;
    await this.fs.write(this.file, new TextEncoder().encode(before + tail + body));
    // Pushes made while writing stay queued for the next flush; a failed write keeps all.
    this.pending.splice(0, count);
  }

  async close(): Promise<void> {}
}

export function wholeFileStorage(fs: WholeFileSystem): NotesStorage {
  return {
    durable: false,
    outbox: (file, separator) => new RewriteOutbox(fs, file, separator),
    readText: async (file) => new TextDecoder().decode(await fs.read(file)),
    writeText: (file, text) => fs.write(file, new TextEncoder().encode(text)),
    exists: (file) => fs.exists(file),
    async createExclusive(file) {
      await fs.makeFolder(path.dirname(file));
      try {
        await fs.create(file, new Uint8Array());
        return true;
      } catch (e) {
        if (code(e) === 'EEXIST') return false;
        throw e;
      }
    },
    async remove(file) {
      await fs.delete(file).catch((e: unknown) => {
        if (code(e) !== 'ENOENT') throw e;
      });
    },
    async folderState(folder) {
      try {
        await fs.list(folder);
        return 'ok';
      } catch (e) {
        return code(e) === 'ENOENT' ? 'missing' : 'unreadable';
      }
    },
  };
}
