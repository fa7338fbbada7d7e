/**
 * The audio of an AssemblyAI session that no final covers yet, in send order:
 * 50 ms PCM frames and the ForceEndpoint marks between them. After a dropped
 * connection it is sent again from the start, so the utterance in progress and
 * whatever was captured while offline are transcribed by the new connection.
 * Bounded: past `maxBytes` the oldest audio is dropped and reported as a gap.
 */

/** Positions are session bytes (16 kHz s16le mono: 32000 per second). */
export type Item = { at: number; pcm: Buffer } | { at: number; forceEndpoint: true };

/** A stretch of session time (in bytes here; in seconds where it reaches an event). */
export interface Span {
  start: number;
  end: number;
}

export class Backlog {
  private items: Item[] = [];
  private bytes = 0;
  /** How many of the items (from the start) went out on the current connection. */
  private sentCount = 0;

  constructor(private readonly maxBytes: number) {}

  /** Session position of the oldest audio kept, or undefined when nothing is kept. */
  get start(): number | undefined {
    return this.items[0]?.at;
  }

  get hasUnsent(): boolean {
    return this.sentCount < this.items.length;
  }

  /**
   * Adds an item; returns the span of older audio dropped to stay in bounds, and
   * whether any of it had not been sent at all.
   */
  push(item: Item): { dropped: Span; unsent: boolean } | undefined {
    this.items.push(item);
    if ('pcm' in item) this.bytes += item.pcm.length;
    let dropped: Span | undefined;
    let unsent = false;
    while (this.bytes > this.maxBytes) {
      const old = this.items.shift()!;
      if (this.sentCount > 0) this.sentCount--;
      else unsent = true;
      if (!('pcm' in old)) continue;
      this.bytes -= old.pcm.length;
      dropped = { start: dropped?.start ?? old.at, end: old.at + old.pcm.length };
    }
    return dropped && { dropped, unsent };
  }

  /** The next item to send on the current connection, marked as sent. */
  next(): Item | undefined {
    if (this.sentCount >= this.items.length) return undefined;
    return this.items[this.sentCount++];
  }

  /** Puts the last item from next() back (its send failed). */
  unsend(): void {
    if (this.sentCount > 0) this.sentCount--;
  }

  /** A new connection: everything kept is sent again. */
  rewind(): void {
    this.sentCount = 0;
  }

  /**
   * A final's last word ends at `position`: forget the audio that starts before it.
   * (A frame holding the word's tail is not sent again, or it could come back as a
   * word of its own; turns end in silence, so no next word starts in that frame.)
   */
  commit(position: number): void {
    let n = 0;
    while (n < this.items.length && this.items[n].at < position) {
      const item = this.items[n];
      if ('pcm' in item) this.bytes -= item.pcm.length;
      n++;
    }
    this.items.splice(0, n);
    this.sentCount = Math.max(0, this.sentCount - n);
  }
}
