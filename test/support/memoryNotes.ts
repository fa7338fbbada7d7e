/**
 * Notes storage in memory (the NotesStorage interface of src/notes/notesStorage.ts),
 * with a switch that makes the "disk" refuse every write, as a full disk or a
 * read-only notes folder does: the meeting's lifecycle tests run the real
 * NotesWriter on it without touching a disk.
 */
import type { NotesStorage, Outbox } from '../../src/notes/notesStorage';

const refused = () => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });

export class MemoryNotes implements NotesStorage {
  readonly durable = true;
  readonly files = new Map<string, string>();
  /** Every write fails with EACCES while true. */
  refusing = false;

  outbox(file: string, separator: '\n' | '\n\n'): Outbox {
    let pending: string[] = [];
    return {
      push: (text) => void pending.push(text),
      flush: async () => {
        await Promise.resolve();
        if (!pending.length) return;
        if (this.refusing) throw refused();
        const before = this.files.get(file) ?? '';
        const tail = !before || before.endsWith(separator) ? '' : before.endsWith('\n') ? separator.slice(1) : separator;
        this.files.set(file, before + tail + pending.join(''));
        pending = [];
      },
      close: async () => undefined,
    };
  }

  async readText(file: string): Promise<string> {
    const text = this.files.get(file);
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    return text;
  }

  async writeText(file: string, text: string): Promise<void> {
    if (this.refusing) throw refused();
    this.files.set(file, text);
  }

  async exists(file: string): Promise<boolean> {
    return this.files.has(file);
  }

  async createExclusive(file: string): Promise<boolean> {
    if (this.files.has(file)) return false;
    this.files.set(file, '');
    return true;
  }

  async remove(file: string): Promise<void> {
    this.files.delete(file);
  }

  async folderState(): Promise<'ok'> {
    return 'ok';
  }
}
