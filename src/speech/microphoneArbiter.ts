/**
 * The one owner of the microphone in this process: dictation and a meeting's
 * microphone track never capture it at once. Dictation that finds a meeting on
 * the microphone asks the person (confirmHandover); on yes the meeting's
 * microphone pauses (its last words written first) and resumes when dictation
 * ends. Anyone else waits until the microphone is free. System audio is not
 * the microphone: it needs no claim. No VS Code API here.
 */
import { Emitter, Event, type CancellationToken } from './lifecycle';

export type MicrophoneUser = 'dictation' | 'meeting' | 'cli';

/** A session that captures the microphone, as the arbiter sees it. */
export interface MicrophoneClaim {
  readonly user: MicrophoneUser;
  /** Stop capturing; resolves once the microphone is free. Only meeting claims are asked. */
  suspend(): Promise<void>;
  /** The microphone is back after a suspend. */
  resume(): void;
}

export interface HandoverRequest {
  /** Who has the microphone now. */
  holder: MicrophoneUser;
  /** Who asks for it. */
  claimant: MicrophoneUser;
}

/** Asks the person whether the holder may lend the microphone; true to go ahead. */
export type ConfirmHandover = (request: HandoverRequest) => Promise<boolean>;

export class MicrophoneArbiter {
  private holder?: MicrophoneClaim;
  /** Claims that lent the microphone, last lent on top: each gets it back in turn. */
  private readonly lent: MicrophoneClaim[] = [];
  private readonly waiting: Array<{ claim: MicrophoneClaim; grant: (ok: boolean) => void }> = [];
  private readonly changed = new Emitter<MicrophoneUser | undefined>();
  /** Fires with the new holder (undefined: free). */
  readonly onDidChange: Event<MicrophoneUser | undefined> = this.changed.event;

  constructor(private readonly confirmHandover: ConfirmHandover) {}

  /** Who captures the microphone now. */
  get user(): MicrophoneUser | undefined {
    return this.holder?.user;
  }

  /** Whether `claim` holds the microphone now. */
  holds(claim: MicrophoneClaim): boolean {
    return this.holder === claim;
  }

  /** Resolves true once `claim` holds the microphone, false when the person declined or the token was cancelled. */
  async acquire(claim: MicrophoneClaim, token?: CancellationToken): Promise<boolean> {
    if (!this.holder) return this.grant(claim);
    if (this.holder.user === 'meeting' && claim.user === 'dictation') {
      const holder = this.holder;
      const ok = await this.confirmHandover({ holder: holder.user, claimant: claim.user });
      if (!ok || token?.isCancellationRequested) return false;
      // The meeting may have let go while the person chose.
      if (this.holder !== holder) return this.acquire(claim, token);
      this.lent.push(holder);
      this.grant(claim);
      await holder.suspend();
      if (token?.isCancellationRequested) {
        this.release(claim);
        return false;
      }
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const entry = { claim, grant: resolve };
      this.waiting.push(entry);
      token?.onCancellationRequested(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      });
    });
  }

  /** `claim` is done with the microphone (or no longer wants it). */
  release(claim: MicrophoneClaim): void {
    const lentAt = this.lent.indexOf(claim);
    if (lentAt >= 0) this.lent.splice(lentAt, 1);
    const waitingAt = this.waiting.findIndex((w) => w.claim === claim);
    if (waitingAt >= 0) this.waiting.splice(waitingAt, 1)[0].grant(false);
    if (this.holder !== claim) return;
    this.holder = undefined;
    const back = this.lent.pop();
    if (back) {
      this.grant(back);
      back.resume();
      return;
    }
    const next = this.waiting.shift();
    if (next) next.grant(this.grant(next.claim));
    else this.changed.fire(undefined);
  }

  private grant(claim: MicrophoneClaim): true {
    this.holder = claim;
    this.changed.fire(claim.user);
    return true;
  }
}
