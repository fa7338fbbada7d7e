/**
 * Runs a pure lifecycle machine: `(state, event) → { state, effects }`. Effects
 * are performed in order; events they raise meanwhile wait their turn, so the
 * transition function always sees one event at a time, on the latest state.
 */

export interface Transition<S, F> {
  state: S;
  effects: F[];
}

export class MachineRunner<S, E, F> {
  private current: S;
  private readonly inbox: E[] = [];
  private draining = false;

  constructor(
    initial: S,
    private readonly transition: (state: S, event: E) => Transition<S, F>,
    private readonly perform: (effect: F) => void,
    /** Called after each event with the state before it. */
    private readonly changed?: (before: S) => void,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  feed(event: E): void {
    this.inbox.push(event);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.inbox.shift(); next !== undefined; next = this.inbox.shift()) {
        const before = this.current;
        const { state, effects } = this.transition(this.current, next);
        this.current = state;
        for (const effect of effects) this.perform(effect);
        this.changed?.(before);
      }
    } finally {
      this.draining = false;
    }
  }
}
