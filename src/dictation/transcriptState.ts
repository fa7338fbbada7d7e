/**
 * What a person sees of dictation: status, the live partial, the level, and the
 * utterances so far; during meeting notes also each source's live partial and
 * its finals, labelled. The controllers write it; the status bar and the
 * transcript panel observe it. Plain data, so it crosses to the webview as is.
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
  device: string;
  model: string;
  /** While a cloud engine runs: who receives the audio ("AssemblyAI"). */
  cloud?: string;
  error?: { message: string; hint: string };
  utterances: TranscriptUtterance[];
  /** Meeting notes: each source's live partial, by its label. */
  speakerPartials: Record<string, string>;
}

type Change = 'state' | 'partial' | 'level' | 'speakerPartials';

export class TranscriptStore {
  private readonly listeners = new Set<(change: Change) => void>();
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

  onDidChange(listener: (change: Change) => void): { dispose(): void } {
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
    this.emit('state');
  }

  setPartial(text: string): void {
    this.state.partial = text;
    this.emit('partial');
  }

  setLevel(dbfs: number): void {
    this.state.level = dbfs;
    this.emit('level');
  }

  /** A meeting source's live partial ('' when its utterance ended). */
  setSpeakerPartial(speaker: string, text: string): void {
    if (text) this.state.speakerPartials[speaker] = text;
    else delete this.state.speakerPartials[speaker];
    this.emit('speakerPartials');
  }

  clearSpeakerPartials(): void {
    this.state.speakerPartials = {};
    this.emit('speakerPartials');
  }

  /** A final: dictation's (no speaker) ends the live partial, a meeting source's ends that source's. */
  addUtterance(text: string, undelivered: boolean, meeting?: { speaker: string; pending?: boolean }): TranscriptUtterance {
    const u: TranscriptUtterance = { id: this.nextId++, text, time: new Date().toISOString(), undelivered, ...meeting };
    this.state.utterances.push(u);
    if (meeting) delete this.state.speakerPartials[meeting.speaker];
    else this.state.partial = '';
    this.emit('state');
    return u;
  }

  /** Marks meeting lines as waiting for the notes file, or as written to it. */
  setPending(ids: Iterable<number>, pending: boolean): void {
    const wanted = new Set(ids);
    for (const u of this.state.utterances) if (wanted.has(u.id)) u.pending = pending;
    this.emit('state');
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }

  clear(): void {
    this.state.utterances = [];
    this.emit('state');
  }
}
