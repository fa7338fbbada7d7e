/**
 * What a person sees of dictation and meeting notes: status, the live partial,
 * the level, and the utterances so far; during meeting notes also each source's
 * live partial and its finals, labelled. Both controllers write it; the status
 * bar and the transcript panel observe it, through changes that say what
 * changed. Plain data, so it crosses to the webview as is. Bounded: the latest
 * TRANSCRIPT_WINDOW utterances (the document or the notes file has them all).
 */
export type DictationStatus = 'idle' | 'loading' | 'listening' | 'error';

export interface TranscriptUtterance {
  id: number;
  text: string;
  /** Wall-clock time the utterance ended, ISO 8601. */
  time: string;
  /** True when no editor could take it: it is only here and on the clipboard. */
  undelivered: boolean;
  /** Meeting notes: who said it ("Me", "Others"). */
  speaker?: string;
  /** Meeting notes: not in the notes file yet (writing fails); kept here until it is. */
  pending?: boolean;
}

export interface TranscriptState {
  status: DictationStatus;
  partial: string;
  level: number | null;
  source: string;
  /** Dictation: where its words go ("commit message", "terminal"); the status bar names it. */
  target?: string;
  device: string;
  model: string;
  /** While a cloud engine runs: who receives the audio ("AssemblyAI"). */
  cloud?: string;
  error?: { message: string; hint: string };
  utterances: TranscriptUtterance[];
  /** Meeting notes: each source's live partial, by its label. */
  speakerPartials: Record<string, string>;
}

/** The panel shows the latest utterances only; the full text is in the document or the notes file. */
export const TRANSCRIPT_WINDOW = 500;

/** What changed, so observers do work in proportion to the change, not to the transcript. */
export type TranscriptChange =
  /** Status, source, device, model or error. */
  | { kind: 'status' }
  | { kind: 'partial' }
  | { kind: 'level' }
  | { kind: 'speakerPartials' }
  /** One utterance added at the end (it also ended its partial); `dropped` left the window at the start. */
  | { kind: 'utterance'; utterance: TranscriptUtterance; dropped: number }
  | { kind: 'pending'; ids: number[]; pending: boolean }
  | { kind: 'cleared' };

export class TranscriptStore {
  private readonly listeners = new Set<(change: TranscriptChange) => void>();
  private nextId = 1;
  readonly state: TranscriptState = {
    status: 'idle',
    partial: '',
    level: null,
    source: 'Microphone',
    device: 'default',
    model: '',
    utterances: [],
    speakerPartials: {},
  };

  constructor(private readonly window = TRANSCRIPT_WINDOW) {}

  onDidChange(listener: (change: TranscriptChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  update(patch: Partial<Omit<TranscriptState, 'utterances' | 'partial' | 'level'>>): void {
    Object.assign(this.state, patch);
    if (patch.status && patch.status !== 'error') this.state.error = undefined;
    if (patch.status && patch.status !== 'listening') {
      this.state.partial = '';
      this.state.level = null;
    }
    this.emit({ kind: 'status' });
  }

  setPartial(text: string): void {
    this.state.partial = text;
    this.emit({ kind: 'partial' });
  }

  setLevel(dbfs: number): void {
    this.state.level = dbfs;
    this.emit({ kind: 'level' });
  }

  /** A meeting source's live partial ('' when its utterance ended). */
  setSpeakerPartial(speaker: string, text: string): void {
    if (text) this.state.speakerPartials[speaker] = text;
    else delete this.state.speakerPartials[speaker];
    this.emit({ kind: 'speakerPartials' });
  }

  clearSpeakerPartials(): void {
    this.state.speakerPartials = {};
    this.emit({ kind: 'speakerPartials' });
  }

  /**
   * A final: dictation's (no speaker) ends the live partial, a meeting source's ends that source's.
   * `time` is when it ended (now by default; a restored utterance keeps its own).
   */
  addUtterance(text: string, undelivered: boolean, meeting?: { speaker: string; pending?: boolean }, time = new Date().toISOString()): TranscriptUtterance {
    const u: TranscriptUtterance = { id: this.nextId++, text, time, undelivered, ...meeting };
    const list = this.state.utterances;
    list.push(u);
    // Dropped in batches, so the array is not shifted at every final once the window is full.
    const dropped = list.length > this.window + this.window / 10 ? list.length - this.window : 0;
    if (dropped) list.splice(0, dropped);
    if (meeting) delete this.state.speakerPartials[meeting.speaker];
    else this.state.partial = '';
    this.emit({ kind: 'utterance', utterance: u, dropped });
    return u;
  }

  /** Marks meeting lines as waiting for the notes file, or as written to it. */
  setPending(ids: Iterable<number>, pending: boolean): void {
    const wanted = new Set(ids);
    const changed: number[] = [];
    for (const u of this.state.utterances) {
      if (wanted.has(u.id) && !!u.pending !== pending) {
        u.pending = pending;
        changed.push(u.id);
      }
    }
    if (changed.length) this.emit({ kind: 'pending', ids: changed, pending });
  }

  private emit(change: TranscriptChange): void {
    for (const listener of this.listeners) listener(change);
  }

  clear(): void {
    this.state.utterances = [];
    this.emit({ kind: 'cleared' });
  }
}
