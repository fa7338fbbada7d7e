/**
 * Delivers dictation finals in the order they were spoken: each goes where it
 * was aimed, or, when that fails, is kept (panel and clipboard). No VS Code API
 * here: the controller passes the steps in.
 */

/** What became of one final. */
export type Delivery =
  | { delivered: true; text: string }
  /** Nothing could take the text; `text` is formatted for a fresh line and `reason` says why. */
  | { delivered: false; text: string; reason: string };

export interface DeliverySteps<T> {
  /** Puts the words where they were aimed. */
  insert(words: string, target: T | undefined): Promise<Delivery>;
  /** The words formatted for a fresh line, for when `insert` throws. */
  fallbackText(words: string): string;
  /** Before each final: the live partial is over. */
  beforeEach(): void;
  /** The transcript panel shows the final; `undelivered` when it went nowhere else. */
  show(text: string, undelivered: boolean): void;
  /** Puts undelivered text on the clipboard. */
  copy(text: string): Promise<void>;
  /** A final was kept, not delivered: says why (once in a while). */
  kept(text: string, reason: string, target: T | undefined): void;
}

export class FinalDelivery<T> {
  /** Never rejects: every step below catches its own failure. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly steps: DeliverySteps<T>,
    /** Where a failed step is reported (the log). */
    private readonly onError: (what: string, error: unknown) => void,
  ) {}

  /** Queues one final; it is delivered after those queued before it, whatever became of them. */
  queue(words: string, target: T | undefined): void {
    this.chain = this.chain.then(() => this.deliver(words, target));
  }

  /** Resolves once every final queued so far has been delivered or kept. Never rejects. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async deliver(words: string, target: T | undefined): Promise<void> {
    const steps = this.steps;
    this.attempt('clearing the partial', () => steps.beforeEach());
    let delivery: Delivery;
    try {
      delivery = await steps.insert(words, target);
    } catch (e) {
      this.report('inserting a final', e);
      delivery = { delivered: false, text: this.fallback(words), reason: `the edit failed (${(e as Error).message ?? e})` };
    }
    if (delivery.delivered && !delivery.text) return; // "scratch that"
    this.attempt('showing a final in the transcript', () => steps.show(delivery.text, !delivery.delivered));
    if (delivery.delivered) return;
    // Never dropped: the panel has it; the clipboard too unless it refuses.
    try {
      await steps.copy(delivery.text);
    } catch (e) {
      this.report('copying a kept final to the clipboard', e);
    }
    this.attempt('reporting a kept final', () => steps.kept(delivery.text, delivery.reason, target));
  }

  private fallback(words: string): string {
    try {
      return this.steps.fallbackText(words);
    } catch {
      return words;
    }
  }

  private attempt(what: string, step: () => void): void {
    try {
      step();
    } catch (e) {
      this.report(what, e);
    }
  }

  private report(what: string, e: unknown): void {
    try {
      this.onError(what, e);
    } catch {
      // The log itself is gone (the window is closing): the final still goes on.
    }
  }
}
