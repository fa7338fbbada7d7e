/**
 * Runs the dictation machine (dictationMachine.ts): opens and stops speech
 * sessions, keeps a stopping one delivering its last final beside the next,
 * and turns push-to-talk presses into starts and stops through the hold
 * detector. What a dictation shows and where its finals go is the host's (the
 * controller's). No VS Code API here, so tests run it with a fake worker.
 */
import type { Disposable } from '../speech/lifecycle';
import { MachineRunner } from '../speech/machineRunner';
import type { SpeechEnd, SpeechError, SpeechFinal, SpeechSession, SpeechStarted } from '../speech/speechSession';
import { DictationEffect, DictationEvent, DictationState, dictationTransition } from './dictationMachine';
import { Clock, HoldDetector, HoldDetectorOptions, systemClock } from './holdDetector';

/** One dictation: a speech session from its start to its last final. */
export interface Dictation<E> {
  readonly speech: SpeechSession;
  readonly engine: E;
}

export interface DictationHost<E, D extends Dictation<E>> {
  /** The engine to dictate with; undefined when there is none (the person was told why). */
  choose(): Promise<E | undefined>;
  /** A new dictation on the dictation lane with this engine. */
  open(engine: E): D;
  started(d: D, e: SpeechStarted): void;
  partial(d: D, text: string): void;
  level(d: D, dbfs: number): void;
  /** A final of `d`: to its target, or kept. */
  deliver(d: D, final: SpeechFinal): void;
  /** The finals of `d` that will not come any more were dropped (Escape). */
  discarded(d: D): void;
  problem(d: D, error: SpeechError): void;
  /** `d` ended; resolves once its finals are delivered. */
  ended(d: D, end: SpeechEnd): Promise<void> | void;
  /** Nothing is dictating. */
  idle(): void;
}

export class DictationLifecycle<E, D extends Dictation<E>> implements Disposable {
  private readonly machine: MachineRunner<DictationState, DictationEvent, DictationEffect>;
  /** The dictation the person sees; stopping ones still finishing beside it are `finishing`. */
  private current?: D;
  private readonly finishing = new Set<D>();
  private readonly discarding = new WeakSet<D>();
  private readonly subscriptions = new Map<D, Disposable[]>();
  private chosen?: E;
  /** The engine choice under way; start() resolves when it is made. */
  private choice?: Promise<void>;
  private hold?: HoldDetector;
  private holdKey?: string;
  private readonly endWaiters: Array<() => void> = [];

  constructor(
    private readonly host: DictationHost<E, D>,
    private readonly clock: Clock = systemClock,
  ) {
    this.machine = new MachineRunner<DictationState, DictationEvent, DictationEffect>('idle', dictationTransition, (effect) => this.perform(effect));
  }

  get state(): DictationState {
    return this.machine.state;
  }

  /** The dictation the person sees, if any. */
  get dictation(): D | undefined {
    return this.current;
  }

  /** Dictations stopped but still delivering their last final. */
  get stopping(): readonly D[] {
    return [...this.finishing];
  }

  /** Resolves once the engine is chosen (the session is opening), or at once when none needs choosing. */
  start(): Promise<void> {
    this.fromOutside({ type: 'start' });
    return this.choice ?? Promise.resolve();
  }

  stop(): void {
    this.fromOutside({ type: 'stop' });
  }

  toggle(): void {
    this.fromOutside({ type: 'toggle' });
  }

  cancel(): void {
    this.fromOutside({ type: 'cancel' });
  }

  /** The push-to-talk key is down as far as the hold detector can tell: a press now is its repeat. */
  get keyDown(): boolean {
    return !!this.hold?.keyHeld;
  }

  /**
   * A command other than the push-to-talk key: the hold detector forgets what it
   * was listening for, so the key's next press starts rather than stops.
   */
  private fromOutside(event: DictationEvent): void {
    this.hold?.reset();
    this.machine.feed(event);
  }

  /** One press of the push-to-talk key; key repeats while held arrive as more presses. */
  pushToTalk(options: HoldDetectorOptions): void {
    const key = JSON.stringify(options);
    if (!this.hold || this.holdKey !== key) {
      this.hold?.dispose();
      this.holdKey = key;
      this.hold = new HoldDetector(options, { onStart: () => this.machine.feed({ type: 'start' }), onStop: () => this.machine.feed({ type: 'stop' }) }, this.clock);
    }
    this.hold.press();
  }

  /** Stops dictating; resolves once every dictation has ended (or after `ms`). */
  async shutdown(ms: number): Promise<void> {
    this.hold?.dispose();
    this.stop();
    const all = [...this.finishing, ...(this.current ? [this.current] : [])];
    if (!all.length) return;
    let timer: unknown;
    await Promise.race([
      Promise.all(all.map((d) => d.speech.ended)),
      new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, ms))),
    ]);
    this.clock.clearTimeout(timer);
  }

  /** Waits until nothing is dictating. */
  whenIdle(): Promise<void> {
    if (this.machine.state === 'idle') return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  dispose(): void {
    this.hold?.dispose();
    for (const d of [...this.finishing, ...(this.current ? [this.current] : [])]) d.speech.dispose();
  }

  private perform(effect: DictationEffect): void {
    switch (effect.type) {
      case 'choose':
        this.choice = this.host.choose().then(
          (engine) => {
            this.choice = undefined;
            this.chosen = engine;
            this.machine.feed({ type: 'chosen', engine: engine !== undefined });
          },
          () => {
            this.choice = undefined;
            this.machine.feed({ type: 'chosen', engine: false });
          },
        );
        return;
      case 'open':
        return this.open(this.chosen!);
      case 'reopen': {
        const previous = this.current!;
        this.finishing.add(previous);
        return this.open(previous.engine);
      }
      case 'stop':
        return void this.current?.speech.stop();
      case 'discard':
        if (this.current) {
          this.discarding.add(this.current);
          this.host.discarded(this.current);
        }
        return;
      case 'idle':
        this.current = undefined;
        this.hold?.reset();
        this.host.idle();
        this.endWaiters.splice(0).forEach((resolve) => resolve());
        return;
    }
  }

  private open(engine: E): void {
    const d = this.host.open(engine);
    this.current = d;
    const { speech } = d;
    this.subscriptions.set(d, [
      speech.onStarted((e) => this.host.started(d, e)),
      speech.onPartial((e) => !this.discarding.has(d) && this.host.partial(d, e.text)),
      speech.onFinal((e) => !this.discarding.has(d) && this.host.deliver(d, e)),
      speech.onLevel((dbfs) => this.host.level(d, dbfs)),
      speech.onError((e) => this.host.problem(d, e)),
    ]);
    void speech.ended.then((end) => this.onEnded(d, end));
  }

  private async onEnded(d: D, end: SpeechEnd): Promise<void> {
    this.subscriptions.get(d)?.forEach((s) => s.dispose());
    this.subscriptions.delete(d);
    await this.host.ended(d, end);
    this.finishing.delete(d);
    if (this.current === d) this.machine.feed({ type: 'ended' });
  }
}
