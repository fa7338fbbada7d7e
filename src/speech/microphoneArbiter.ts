/**
 * The one owner of the microphone in this process: dictation and a meeting's
 * microphone track never capture it at once. Dictation that finds a meeting on
 * the microphone asks the person (confirmHandover); on yes the meeting's
 * microphone pauses (its last words written first) and resumes when dictation
 * ends. Anyone else waits until the microphone is free. System audio is not
 * the microphone: it needs no claim. Its decisions are the pure machine of
 * arbiterMachine.ts. No VS Code API here.
 */
import { ArbiterEffect, ArbiterEvent, ArbiterState, arbiterTransition, type MicrophoneUser } from './arbiterMachine';
import { Emitter, Event, type CancellationToken } from './lifecycle';
import { MachineRunner } from './machineRunner';

export type { MicrophoneUser };

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

/** The runner of the arbiter machine (arbiterMachine.ts): asks, suspends and resumes, and answers acquire(). */
export class MicrophoneArbiter {
  private readonly machine = new MachineRunner<ArbiterState<MicrophoneClaim>, ArbiterEvent<MicrophoneClaim>, ArbiterEffect<MicrophoneClaim>>(
    { lent: [], waiting: [] },
    arbiterTransition,
    (effect) => this.perform(effect),
  );
  /** acquire() calls not answered yet. */
  private readonly answers = new Map<MicrophoneClaim, (ok: boolean) => void>();
  private readonly changed = new Emitter<MicrophoneUser | undefined>();
  /** Fires with the new holder (undefined: free). */
  readonly onDidChange: Event<MicrophoneUser | undefined> = this.changed.event;

  constructor(private readonly confirmHandover: ConfirmHandover) {}

  /** Who captures the microphone now. */
  get user(): MicrophoneUser | undefined {
    return this.machine.state.holder?.user;
  }

  /** Whether `claim` holds the microphone now. */
  holds(claim: MicrophoneClaim): boolean {
    return this.machine.state.holder === claim;
  }

  /** The machine's state, for tests and the lifecycle table. */
  get state(): ArbiterState<MicrophoneClaim> {
    return this.machine.state;
  }

  /** Resolves true once `claim` holds the microphone, false when the person declined or the token was cancelled. */
  acquire(claim: MicrophoneClaim, token?: CancellationToken): Promise<boolean> {
    if (this.holds(claim)) return Promise.resolve(true);
    if (token?.isCancellationRequested) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const sub = token?.onCancellationRequested(() => this.machine.feed({ type: 'cancel', claim }));
      this.answers.set(claim, (ok) => {
        sub?.dispose();
        resolve(ok);
      });
      this.machine.feed({ type: 'acquire', claim });
    });
  }

  /** `claim` is done with the microphone (or no longer wants it). */
  release(claim: MicrophoneClaim): void {
    this.machine.feed({ type: 'release', claim });
  }

  private perform(effect: ArbiterEffect<MicrophoneClaim>): void {
    switch (effect.type) {
      case 'grant':
      case 'refuse': {
        const answer = this.answers.get(effect.claim);
        this.answers.delete(effect.claim);
        return answer?.(effect.type === 'grant');
      }
      case 'ask': {
        const { claimant, from } = effect;
        return void this.confirmHandover({ holder: from.user, claimant: claimant.user }).then(
          (yes) => this.machine.feed({ type: 'answered', claim: claimant, yes }),
          () => this.machine.feed({ type: 'answered', claim: claimant, yes: false }),
        );
      }
      case 'suspend':
        return void effect.claim.suspend().then(() => this.machine.feed({ type: 'suspended' }));
      case 'resume':
        return effect.claim.resume();
      case 'changed':
        return this.changed.fire(effect.user);
    }
  }
}
