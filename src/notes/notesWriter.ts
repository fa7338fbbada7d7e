/**
 * Owns one notes file and its journal: the header, each final as a line, the
 * footer, all appended and fsynced (docs/notes.md). Writes are group-committed:
 * the first append starts a flush at once, and whatever arrives while it runs
 * goes out in the next one, so nothing waits on a timer. When the disk refuses
 * (full, read-only, a folder where the file should be), everything is kept in
 * memory in order, the error is reported once, and writing is retried until it
 * works. No VS Code API here.
 */
import { VoxnoteError } from '../shared/errors';
import type { TimedText } from '../shared/transcriptFormat';
import { ClockSnapshot, Journal, journalLine, journalPathFor, JOURNAL_VERSION, JournalRecord, readJournal, type SpeakerRecord } from './notesJournal';
import { countWords, footerBlock, headerBlock, NotesHeader, remarkBlock, utteranceBlock } from './notesFormat';
import { missingBlocks, rememberBlocks } from './notesReconcile';
import { diskStorage, type NotesStorage, type Outbox } from './notesStorage';

export interface NotesWriterOptions {
  /** How often writing is retried after a failure. */
  retryMs?: number;
  /** Writing started failing: called once per outage, with what happened and what to do. */
  onError?: (error: VoxnoteError) => void;
  /** Writing works again; everything kept in memory has been written. */
  onRecovered?: () => void;
  /** Notes blocks just put on disk, in order (for NotesBufferSync on the VS Code side). */
  onWritten?: (blocks: string[]) => void;
  /** Where the files are (notesStorage.ts); the local disk by default. */
  storage?: NotesStorage;
}

const RETRY_MS = 2000;

/** Not fatal: the meeting goes on, and the writer retries. */
function writeError(e: unknown, file: string, kept: number, retryMs: number): VoxnoteError {
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  const keeping = `${kept} utterance${kept === 1 ? ' is' : 's are'} kept in memory and in the transcript panel, and written as soon as possible.`;
  const retry = `Voxnote retries every ${retryMs / 1000} s.`;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new VoxnoteError(code, `The disk is full: the meeting notes cannot be written to ${file}. ${keeping}`, `Free some disk space. ${retry}`, false);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new VoxnoteError(
        code,
        `The meeting notes cannot be written to ${file}: ${code === 'EROFS' ? 'the disk is read-only' : 'permission denied'}. ${keeping}`,
        `Make the notes folder writable (for the next meeting, setting voxnote.notes.folder chooses another). ${retry}`,
        false,
      );
    case 'EISDIR':
    case 'ENOTDIR':
      return new VoxnoteError(
        code,
        `The meeting notes cannot be written to ${file}: ${code === 'EISDIR' ? 'a folder of that name is in the way' : 'part of its path is a file, not a folder'}. ${keeping}`,
        `Move the thing in the way. ${retry}`,
        false,
      );
    default:
      return new VoxnoteError(code, `The meeting notes cannot be written to ${file}: ${(e as Error).message}. ${keeping}`, retry, false);
  }
}

export class NotesWriter {
  readonly journalPath: string;
  private readonly notes: Outbox;
  private readonly journal: Outbox;
  private readonly storage: NotesStorage;
  private readonly retryMs: number;
  private readonly wordsBySpeaker: Map<string, number>;
  /** The latest blocks on disk, in order: what a reader of the file should find at its end. */
  private readonly written: string[] = [];
  /** Blocks queued, not yet on disk. */
  private unwritten: string[] = [];
  /** Blocks of the write under way: not on disk yet either. */
  private flushing: readonly string[] = [];
  private utterancesUnwritten = 0;
  /** Each resolves true once its write is on disk, false when the writer closed without it. */
  private waiting: Array<(written: boolean) => void> = [];
  private running = false;
  private cycle?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private failure?: VoxnoteError;
  private finished = false;
  /** close() was called: no more appends, and no retries after its last attempt. */
  private closed = false;
  private closing?: Promise<void>;

  private constructor(
    readonly path: string,
    private readonly options: NotesWriterOptions,
    words = new Map<string, number>(),
  ) {
    this.journalPath = journalPathFor(path);
    this.storage = options.storage ?? diskStorage;
    this.notes = this.storage.outbox(path, '\n\n');
    this.journal = this.storage.outbox(this.journalPath, '\n');
    this.retryMs = options.retryMs ?? RETRY_MS;
    this.wordsBySpeaker = words;
  }

  /** Starts a notes file with its header. The caller chose a path that does not exist (notesPath.ts). */
  static create(notesPath: string, header: NotesHeader, options: NotesWriterOptions = {}): NotesWriter {
    const writer = new NotesWriter(notesPath, options);
    const { title, sources, model } = header;
    void writer.enqueue(headerBlock(header), { t: 'start', v: JOURNAL_VERSION, at: header.startedAt.getTime(), title, sources, model });
    return writer;
  }

  /**
   * Continues an existing notes file (after a reload or crash). Lines its journal
   * has that the file lacks at its end (a stale buffer saved over it) are appended again.
   */
  static async resume(notesPath: string, options: NotesWriterOptions = {}): Promise<{ writer: NotesWriter; journal: Journal }> {
    const journal = await readJournal(notesPath, options.storage);
    const writer = new NotesWriter(notesPath, options, new Map(journal.words));
    const { title, sources, model, at } = journal.start;
    rememberBlocks(writer.written, [headerBlock({ title, sources, model, startedAt: new Date(at) }), ...journal.utterances.map(utteranceBlock)]);
    await writer.restoreMissing();
    return { writer, journal };
  }

  /** One final, in meeting seconds; resolves true once it is on disk, false if the writer closed without it. */
  append(u: TimedText): Promise<boolean> {
    this.assertOpen();
    countWords(this.wordsBySpeaker, u);
    this.utterancesUnwritten++;
    return this.enqueue(utteranceBlock(u), { t: 'u', ...u });
  }

  /** A remark between the lines (not an utterance), e.g. where the meeting resumed. */
  remark(text: string): Promise<boolean> {
    this.assertOpen();
    return this.enqueue(remarkBlock(text));
  }

  /** The meeting clock paused, resumed or restarted: journal only. */
  recordClock(clock: ClockSnapshot): Promise<boolean> {
    this.assertOpen();
    return this.enqueue(undefined, { t: 'clock', ...clock });
  }

  /**
   * Rename Speaker while the meeting goes on, through this writer (the journal's one writer): the corrections
   * of its lines so far (speakerRenameRecords), and the footer's words under the new name.
   */
  renameSpeaker(from: string, to: string, records: readonly SpeakerRecord[]): Promise<boolean> {
    this.assertOpen();
    // In first-spoken order still, the new name where the old one was.
    const words = [...this.wordsBySpeaker];
    this.wordsBySpeaker.clear();
    for (const [label, n] of words) {
      const named = label === from ? to : label;
      this.wordsBySpeaker.set(named, (this.wordsBySpeaker.get(named) ?? 0) + n);
    }
    return Promise.all(records.map((r) => this.enqueue(undefined, { t: 'speaker', ...r }))).then((done) => done.every(Boolean));
  }

  /**
   * The footer: duration, words per speaker, and why the notes end early if they do.
   * Tried at once, even while a failed write waits for its retry. Resolves true
   * once it is on disk (the files are closed then); false when close() came first,
   * which is how a caller bounds the wait on a disk that keeps refusing.
   */
  finish(duration: number, note?: string, at = Date.now()): Promise<boolean> {
    this.assertOpen();
    this.finished = true;
    const footer = this.enqueue(footerBlock({ duration, words: this.wordsBySpeaker, note }), { t: 'end', m: duration, at, ...(note ? { note } : {}) });
    this.retryNow();
    return footer.then(async (written) => {
      if (written) await Promise.all([this.notes.close(), this.journal.close()]);
      return written;
    });
  }

  /**
   * Appends again the blocks written this session that the file on disk lacks at
   * its end: the VS Code side calls it after the notes document was saved, in case
   * a buffer without the latest lines was saved over them. Returns how many.
   */
  async restoreMissing(): Promise<number> {
    if (this.finished || this.closed) return 0;
    let text = '';
    try {
      text = await this.storage.readText(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return 0;
    }
    const missing = missingBlocks(text, this.written);
    // They are on disk again once written; the outbox starts them on a paragraph of their own.
    this.written.splice(this.written.length - missing.length);
    for (const block of missing) void this.enqueue(block);
    return missing.length;
  }

  /** Resolves once everything queued so far is on disk (after close(), once it is done). */
  flushed(): Promise<void> {
    return this.closing ?? this.enqueue().then(() => undefined);
  }

  /** Blocks kept in memory because they are not on disk yet. */
  get pendingBlocks(): readonly string[] {
    return [...this.flushing, ...this.unwritten];
  }

  /** The current write failure, while writing fails. */
  get error(): VoxnoteError | undefined {
    return this.failure;
  }

  /**
   * Writes what is queued (once more now, if a failed write was waiting to retry),
   * then closes the files; no footer, so the notes can be resumed. Resolves when
   * done; what the disk still refuses stays in `pendingBlocks`, and its writes
   * resolve false. No appends after it.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.whenIdle();
      // A batch that failed before close was called is tried once more.
      if (this.waiting.length) {
        this.retryNow();
        await this.whenIdle();
      }
      await Promise.all([this.notes.close(), this.journal.close()]);
      const unwritten = this.waiting;
      this.waiting = [];
      for (const resolve of unwritten) resolve(false);
    })();
    return this.closing;
  }

  /** close() without waiting: nothing queued is dropped. */
  dispose(): void {
    void this.close();
  }

  private assertOpen(): void {
    if (this.finished || this.closed) throw new Error(`the notes ${this.path} are finished`);
  }

  private enqueue(block?: string, record?: JournalRecord): Promise<boolean> {
    if (block) {
      this.notes.push(block);
      this.unwritten.push(block);
    }
    if (record) this.journal.push(journalLine(record));
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.kick();
    });
  }

  /** A write waiting for its retry is tried now. */
  private retryNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.kick();
  }

  private kick(): void {
    if (this.running || this.retryTimer) return;
    this.running = true;
    this.cycle = this.run();
  }

  private whenIdle(): Promise<void> {
    return this.cycle ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    while (this.waiting.length) {
      const waiters = this.waiting;
      const blocks = this.unwritten;
      const utterances = this.utterancesUnwritten;
      this.waiting = [];
      this.unwritten = [];
      this.utterancesUnwritten = 0;
      this.flushing = blocks;
      try {
        // Each file keeps its own order; the two need not wait for each other.
        const flushes = await Promise.allSettled([this.notes.flush(), this.journal.flush()]);
        for (const f of flushes) if (f.status === 'rejected') throw f.reason;
      } catch (e) {
        this.flushing = [];
        this.waiting = [...waiters, ...this.waiting];
        this.unwritten = [...blocks, ...this.unwritten];
        this.utterancesUnwritten += utterances;
        this.fail(e);
        this.running = false;
        return;
      }
      this.flushing = [];
      rememberBlocks(this.written, blocks);
      if (blocks.length) this.options.onWritten?.(blocks);
      if (this.failure) {
        this.failure = undefined;
        this.options.onRecovered?.();
      }
      for (const resolve of waiters) resolve(true);
    }
    this.running = false;
  }

  private fail(e: unknown): void {
    if (!this.failure) {
      this.failure = writeError(e, this.path, this.utterancesUnwritten, this.retryMs);
      this.options.onError?.(this.failure);
    }
    if (this.closed) return; // closing: its one last attempt failed
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.retryMs);
  }
}
