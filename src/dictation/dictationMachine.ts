/**
 * The life of dictation as the person sees it, as a pure transition function:
 * every (state × event) pair is decided here and written down in
 * docs/lifecycle/dictation.md (a unit test holds the two together). The runner
 * (dictationLifecycle.ts) performs the effects. No I/O, no VS Code API.
 *
 * A press while the previous dictation is stopping starts the next one at once
 * on the same lane: the stopping one hands the microphone over as soon as its
 * capture closes and keeps finishing its last final beside the new one (an
 * overlapping start on the one warm worker, rather than a second lane, which
 * would load the model twice or lose the audio while it loads).
 */

export type DictationState =
  | 'idle'
  /** Waiting for the engine (an API key prompt, a model download offer). */
  | 'choosing'
  /** Stopped while choosing: when the choice comes, nothing starts. */
  | 'choosingStopped'
  | 'dictating'
  /** Stopped: the last final is on its way. */
  | 'stopping';

export type DictationEvent =
  /** A start, or a push-to-talk press the hold detector turned into a start. */
  | { type: 'start' }
  | { type: 'stop' }
  /** Toggle: stop when dictating, start otherwise. */
  | { type: 'toggle' }
  /** Escape: stop, and drop the finals still to come. */
  | { type: 'cancel' }
  | { type: 'chosen'; engine: boolean }
  /** The current dictation's speech session ended. */
  | { type: 'ended' };

export type DictationEffect =
  | { type: 'choose' }
  /** Open a speech session with the engine just chosen. */
  | { type: 'open' }
  /** Open the next session with the engine of the one stopping, which keeps finishing beside it. */
  | { type: 'reopen' }
  | { type: 'stop' }
  /** The finals still to come of the current dictation are dropped. */
  | { type: 'discard' }
  /** Nothing is dictating any more: the status goes idle, the push-to-talk key is forgotten. */
  | { type: 'idle' };

export interface DictationTransition {
  state: DictationState;
  effects: DictationEffect[];
}

const to = (state: DictationState, ...effects: DictationEffect[]): DictationTransition => ({ state, effects });

export function dictationTransition(state: DictationState, event: DictationEvent): DictationTransition {
  const same = to(state);
  const type = event.type === 'toggle' ? (state === 'choosing' || state === 'dictating' ? 'stop' : 'start') : event.type;
  switch (state) {
    case 'idle':
      return type === 'start' ? to('choosing', { type: 'choose' }) : same;
    case 'choosing':
      if (type === 'stop' || type === 'cancel') return to('choosingStopped');
      if (event.type === 'chosen') return event.engine ? to('dictating', { type: 'open' }) : to('idle', { type: 'idle' });
      return same;
    case 'choosingStopped':
      // Pressed again before the choice came: that choice starts it after all.
      if (type === 'start') return to('choosing');
      if (event.type === 'chosen') return to('idle', { type: 'idle' });
      return same;
    case 'dictating':
      switch (type) {
        case 'stop':
          return to('stopping', { type: 'stop' });
        case 'cancel':
          return to('stopping', { type: 'discard' }, { type: 'stop' });
        case 'ended':
          return to('idle', { type: 'idle' });
        default:
          return same;
      }
    case 'stopping':
      switch (type) {
        case 'start':
          return to('dictating', { type: 'reopen' });
        case 'cancel':
          return to('stopping', { type: 'discard' });
        case 'ended':
          return to('idle', { type: 'idle' });
        default:
          return same;
      }
  }
}
