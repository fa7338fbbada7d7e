/**
 * The life of one speech session as a pure transition function: every
 * (state × event) pair is decided here and written down in
 * docs/lifecycle/speech-session.md (a unit test holds the two together).
 * The runner (speechSession.ts) performs the effects and feeds the worker's
 * answers back as events. No I/O, no timers, no VS Code API.
 */
import type { SpeechError } from './speechError';

export type SessionEndReason = 'requested' | 'end-of-input' | 'error' | 'cancelled';

export type SessionPhase =
  /** Created; nothing asked yet. */
  | 'new'
  /** Waiting for the microphone (or the person's answer to a handover). */
  | 'waiting'
  /** `start` sent; the worker has not said `started`. */
  | 'starting'
  | 'running'
  /** A started worker session failed; its `stopped` follows, then we restart or end. */
  | 'failing'
  /** Waiting out the backoff before starting again. */
  | 'restarting'
  /** Lending the microphone: `stop` sent, the worker is finishing the last final. */
  | 'suspending'
  /** As suspending, and the microphone came back meanwhile: start again once the worker is done. */
  | 'resuming'
  /** The microphone is lent; the worker stays warm. */
  | 'suspended'
  /** `stop` sent; ends when the worker has sent the last final. */
  | 'stopping'
  | 'ended';

export type SessionMachineState = { phase: Exclude<SessionPhase, 'failing'> } | { phase: 'failing'; error: SpeechError; restart: boolean };

export type SessionEvent =
  /** The session begins: it claims the microphone, starts at once, or its token was already cancelled. */
  | { type: 'open'; how: 'microphone' | 'direct' | 'cancelled' }
  | { type: 'granted' }
  | { type: 'denied' }
  /** stop(), dispose() or the token; `discard` (Cancel, Ctrl+C) drops audio not yet decoded. */
  | { type: 'stop'; discard?: boolean }
  /** The arbiter lends our microphone to dictation. */
  | { type: 'suspend' }
  /** The microphone is back. */
  | { type: 'resume' }
  | { type: 'endUtterance' }
  /** The worker: capture runs. */
  | { type: 'started' }
  /** The worker: a fatal error of this session; `restartable` says whether the restart policy covers it. */
  | { type: 'failed'; error: SpeechError; restartable: boolean }
  /** The worker: the session is over, its last final out. */
  | { type: 'stopped'; reason: 'requested' | 'end-of-input' | 'error' }
  /** The worker answered our `stop` with "nothing is running" (the start had failed). */
  | { type: 'notRunning' }
  /** The worker process is gone. */
  | { type: 'workerDied'; error: SpeechError; restartable: boolean }
  /** The backoff elapsed. */
  | { type: 'timer' }
  /** The restart budget is spent. */
  | { type: 'giveUp'; error: SpeechError };

export type SessionEffect =
  | { type: 'acquire' }
  | { type: 'release' }
  | { type: 'sendStart' }
  | { type: 'sendStop'; discard?: boolean }
  | { type: 'sendEndUtterance' }
  /** Tell the owner capture runs. */
  | { type: 'announce' }
  /** Tell the owner of a problem that does not end the session. */
  | { type: 'report'; error: SpeechError }
  /** Ask the restart budget: it answers with a timer or `giveUp`. */
  | { type: 'backoff'; error: SpeechError }
  | { type: 'cancelTimer' }
  /** The arbiter's suspend() resolves: the microphone is free. */
  | { type: 'suspended' }
  | { type: 'finish'; reason: SessionEndReason; error?: SpeechError };

export interface SessionTransition {
  state: SessionMachineState;
  effects: SessionEffect[];
}

const stopCommand = (e: { discard?: boolean }): SessionEffect => (e.discard ? { type: 'sendStop', discard: true } : { type: 'sendStop' });
const to = (phase: Exclude<SessionPhase, 'failing'>, ...effects: SessionEffect[]): SessionTransition => ({ state: { phase }, effects });
const end = (reason: SessionEndReason, error?: SpeechError, ...before: SessionEffect[]): SessionTransition =>
  to('ended', ...before, error ? { type: 'finish', reason, error } : { type: 'finish', reason });
/** A failure of a live worker session: restart under the policy, or end with the error. */
const failure = (error: SpeechError, restartable: boolean): SessionTransition =>
  restartable ? to('restarting', { type: 'backoff', error }) : end('error', error);

export function sessionTransition(state: SessionMachineState, event: SessionEvent): SessionTransition {
  const same: SessionTransition = { state, effects: [] };
  switch (state.phase) {
    case 'new':
      if (event.type === 'suspend') return { state, effects: [{ type: 'suspended' }] };
      if (event.type !== 'open') return same;
      if (event.how === 'cancelled') return end('cancelled');
      return event.how === 'microphone' ? to('waiting', { type: 'acquire' }) : to('starting', { type: 'sendStart' });
    case 'waiting':
      switch (event.type) {
        case 'granted':
          return to('starting', { type: 'sendStart' });
        case 'denied':
          return end('cancelled');
        case 'stop':
          return end('requested');
        case 'suspend':
          // Only the holder is asked; a waiting claim captures nothing.
          return { state, effects: [{ type: 'suspended' }] };
        default:
          return same;
      }
    case 'starting':
    case 'running':
      switch (event.type) {
        case 'started':
          return state.phase === 'starting' ? to('running', { type: 'announce' }) : same;
        case 'endUtterance':
          return state.phase === 'running' ? { state, effects: [{ type: 'sendEndUtterance' }] } : same;
        case 'failed':
          // Only a started worker session ends with `stopped`; a failed start sends none.
          return state.phase === 'running' ? { state: { phase: 'failing', error: event.error, restart: event.restartable }, effects: [] } : failure(event.error, event.restartable);
        case 'stopped':
          return end(event.reason);
        case 'workerDied':
          return failure(event.error, event.restartable);
        case 'stop':
          // The worker stops capture before it runs the next command: the microphone is free for the next session now.
          return to('stopping', stopCommand(event), { type: 'release' });
        case 'suspend':
          return to('suspending', { type: 'sendStop' });
        default:
          return same;
      }
    case 'failing':
      switch (event.type) {
        case 'stopped':
          return failure(state.error, state.restart);
        case 'workerDied':
          return failure(event.error, event.restartable);
        case 'stop':
          return to('stopping', { type: 'report', error: state.error }, stopCommand(event), { type: 'release' });
        case 'suspend':
          return to('suspending', { type: 'report', error: state.error }, { type: 'sendStop' });
        default:
          return same;
      }
    case 'restarting':
      switch (event.type) {
        case 'timer':
          return to('starting', { type: 'sendStart' });
        case 'giveUp':
          return end('error', event.error);
        case 'stop':
          return end('requested', undefined, { type: 'cancelTimer' });
        case 'suspend':
          return to('suspended', { type: 'cancelTimer' }, { type: 'suspended' });
        default:
          return same;
      }
    case 'suspending':
    case 'resuming': {
      const over = state.phase === 'suspending' ? to('suspended', { type: 'suspended' }) : to('starting', { type: 'suspended' }, { type: 'sendStart' });
      switch (event.type) {
        case 'stopped':
        case 'notRunning':
          return over;
        case 'workerDied':
          return { state: over.state, effects: [{ type: 'report', error: event.error }, ...over.effects] };
        case 'failed':
          // The worker session is ending anyway; its `stopped` (or the stop's "not running") follows.
          return { state, effects: [{ type: 'report', error: event.error }] };
        case 'resume':
          return state.phase === 'suspending' ? to('resuming') : same;
        case 'suspend':
          return state.phase === 'resuming' ? to('suspending') : same;
        case 'stop':
          // The `stop` under way ends it (a discard cuts it short); the microphone is released now for the next session.
          return to('stopping', ...(event.discard ? [stopCommand(event)] : []), { type: 'release' });
        default:
          return same;
      }
    }
    case 'suspended':
      switch (event.type) {
        case 'resume':
          return to('starting', { type: 'sendStart' });
        case 'stop':
          return end('requested');
        case 'suspend':
          return { state, effects: [{ type: 'suspended' }] };
        default:
          return same;
      }
    case 'stopping':
      switch (event.type) {
        case 'stop':
          // A Cancel after a plain stop still cuts the wait short.
          return event.discard ? { state, effects: [stopCommand(event)] } : same;
        case 'stopped':
        case 'notRunning':
          return end('requested');
        case 'failed':
          return { state, effects: [{ type: 'report', error: event.error }] };
        case 'workerDied':
          return end('error', event.error);
        case 'suspend':
          return { state, effects: [{ type: 'suspended' }] };
        default:
          return same;
      }
    case 'ended':
      switch (event.type) {
        // The arbiter granted a claim we no longer want.
        case 'granted':
          return { state, effects: [{ type: 'release' }] };
        case 'suspend':
          return { state, effects: [{ type: 'suspended' }] };
        default:
          return same;
      }
  }
}
