/**
 * The utterances dictation kept because nothing could take them (the panel and
 * the clipboard have them), saved in the workspace's storage folder so that a
 * window reload brings them back into the transcript panel. Bounded: the latest
 * KEPT_MAX. A file, not a Memento: while VS Code deactivates the extension its
 * connection to the window is already closed, so only a file write still lands
 * the last final of a session cut by a reload. No VS Code API here.
 */
import * as fs from 'fs/promises';
import * as path from 'path';
import type { TranscriptStore } from '../transcript/transcriptStore';

export const KEPT_MAX = 200;

export interface KeptUtterance {
  text: string;
  /** When it was spoken, ISO 8601. */
  time: string;
}

const isKept = (u: unknown): u is KeptUtterance =>
  typeof u === 'object' && u !== null && typeof (u as KeptUtterance).text === 'string' && typeof (u as KeptUtterance).time === 'string';

export class KeptTranscript {
  private list: KeptUtterance[] = [];
  /** Restored utterances going into the store are not kept again. */
  private restoring = false;
  private writing: Promise<void>;
  private readonly subscription: { dispose(): void };
  /** Resolves once the saved utterances are back in the store. */
  readonly restored: Promise<void>;

  constructor(
    private readonly store: TranscriptStore,
    private readonly file: string,
    private readonly log: (message: string) => void,
  ) {
    this.subscription = store.onDidChange((change) => {
      if (this.restoring) return;
      if (change.kind === 'utterance' && change.utterance.undelivered) this.keep({ text: change.utterance.text, time: change.utterance.time });
      else if (change.kind === 'cleared') this.replace([]);
    });
    this.restored = this.restore();
    // No write before the saved ones are read back: it would replace them.
    this.writing = this.restored;
  }

  /** Keeps one more utterance (also what the store never had, e.g. meeting lines the disk refused). */
  keep(u: KeptUtterance): void {
    this.replace([...this.list, u]);
  }

  /** Resolves once every change so far is on disk. */
  flushed(): Promise<void> {
    return this.writing;
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async restore(): Promise<void> {
    let saved: KeptUtterance[] = [];
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'));
      saved = Array.isArray(parsed) ? parsed.filter(isKept).slice(-KEPT_MAX) : [];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.report(`Kept transcript ${this.file} could not be read: ${(e as Error).message}`);
    }
    if (!saved.length) return;
    // Kept while this was reading come after the saved ones.
    this.list = [...saved, ...this.list].slice(-KEPT_MAX);
    this.restoring = true;
    try {
      for (const u of saved) this.store.addUtterance(u.text, true, undefined, u.time);
    } finally {
      this.restoring = false;
    }
  }

  private replace(list: KeptUtterance[]): void {
    this.list = list.slice(-KEPT_MAX);
    // One write at a time, each replacing the file whole (written aside, then renamed over it) with the list as it is then.
    this.writing = this.writing.then(() => this.write(JSON.stringify(this.list)));
  }

  private async write(text: string): Promise<void> {
    const aside = `${this.file}.${process.pid}.tmp`;
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.writeFile(aside, text);
      await fs.rename(aside, this.file);
    } catch (e) {
      this.report(`Kept transcript ${this.file} could not be saved: ${(e as Error).message}`);
    }
  }

  private report(message: string): void {
    try {
      this.log(message);
    } catch {
      // The log is closed (the window is closing): nothing more to do.
    }
  }
}
