/**
 * What a person sees of dictation: status, the live partial, the level, and the
 * utterances so far. The controller writes it; the status bar and the
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
}

export interface TranscriptState {
  status: DictationStatus;
  partial: string;
  level: number | null;
  source: string;
  device: string;
  model: string;
  error?: { message: string; hint: string };
  utterances: TranscriptUtterance[];
}

type Change = 'state' | 'partial' | 'level';

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

  addUtterance(text: string, undelivered: boolean): TranscriptUtterance {
    const u = { id: this.nextId++, text, time: new Date().toISOString(), undelivered };
    this.state.utterances.push(u);
    this.state.partial = '';
    this.emit('state');
    return u;
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }

  clear(): void {
    this.state.utterances = [];
    this.emit('state');
  }
}
