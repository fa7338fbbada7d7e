/**
 * The lifecycle of one meeting source (a track) as a pure transition function:
 * (phase, event) → (phase, effects). MeetingTrack (meetingTrack.ts) performs the
 * effects and feeds what its speech session reports back as events. Every
 * (phase × event) pair is decided in docs/lifecycle/meeting-track.md, which a
 * unit test checks against this function.
 */

export type TrackPhase =
  /** No session: before the first start, after a pause, or after a session ended by someone else. */
  | 'idle'
  | 'starting'
  | 'running'
  /** The session recovers from a crash or a lost capture by itself. */
  | 'restarting'
  /** The microphone is lent to dictation; the session gets it back by itself. */
  | 'suspended'
  /** Paused: the session is stopping, its last final still to come. */
  | 'pausing'
  /** Resumed while pausing: a new session starts as soon as the old one has ended. */
  | 'resuming'
  /** The meeting stops: the session and then the lane's worker are shutting down. */
  | 'stopping'
  | 'stopped'
  /** The source ran out (a file standing in for a device). */
  | 'ended'
  /** The session ended with an error it could not recover from. */
  | 'failed';

export type TrackEvent =
  /** The meeting starts or resumes. */
  | 'start'
  | 'pause'
  /** The meeting stops or the window closes: this track is over. */
  | 'stop'
  /** The session reports: a capture started (also after a restart or a suspend). */
  | 'started'
  | 'restarting'
  | 'suspended'
  /** The session ended: its input ran out / someone stopped it / an error. */
  | 'endOfInput'
  | 'endRequested'
  | 'endFailed'
  /** The lane's worker has shut down. */
  | 'shutDown';

export type TrackEffect =
  /** A new session on the lane. */
  | 'openSession'
  /** Stop the session; its last final comes out, then its end. */
  | 'stopSession'
  /** Shut the lane down (stopping its session, then, with diarization, re-clustering the whole track); `shutDown` follows. */
  | 'shutdownLane'
  /** A capture started: its session seconds count from the meeting time now. */
  | 'markOffset';

export const TRACK_PHASES: readonly TrackPhase[] = ['idle', 'starting', 'running', 'restarting', 'suspended', 'pausing', 'resuming', 'stopping', 'stopped', 'ended', 'failed'];
export const TRACK_EVENTS: readonly TrackEvent[] = ['start', 'pause', 'stop', 'started', 'restarting', 'suspended', 'endOfInput', 'endRequested', 'endFailed', 'shutDown'];

export interface TrackTransition {
  phase: TrackPhase;
  effects: TrackEffect[];
}

/** A session exists (it may be stopping). */
const LIVE: ReadonlySet<TrackPhase> = new Set(['starting', 'running', 'restarting', 'suspended']);

export function trackTransition(phase: TrackPhase, event: TrackEvent): TrackTransition {
  const to = (next: TrackPhase, ...effects: TrackEffect[]): TrackTransition => ({ phase: next, effects });
  const same = to(phase);
  if (phase === 'stopped') return same;
  // Whatever else goes on, a stop ends the track; the lane stops its session first.
  if (event === 'stop') return phase === 'stopping' ? same : to('stopping', 'shutdownLane');
  if (phase === 'stopping') {
    if (event === 'shutDown') return to('stopped');
    // Finals of a capture that started just before the stop still need their meeting time.
    if (event === 'started') return to('stopping', 'markOffset');
    return same;
  }
  if (LIVE.has(phase)) {
    switch (event) {
      case 'pause':
        return to('pausing', 'stopSession');
      case 'started':
        return to('running', 'markOffset');
      case 'restarting':
      case 'suspended':
        return to(event);
      case 'endOfInput':
        return to('ended');
      case 'endRequested':
        return to('idle');
      case 'endFailed':
        return to('failed');
      default:
        return same;
    }
  }
  switch (phase) {
    case 'idle':
    case 'ended':
    case 'failed':
      // Resume tries a source that ended or failed again: the person asked for it to listen.
      return event === 'start' ? to('starting', 'openSession') : same;
    case 'pausing':
    case 'resuming': {
      const next = phase === 'pausing' ? 'idle' : 'starting';
      switch (event) {
        case 'start':
          return to('resuming');
        case 'pause':
          return to('pausing');
        case 'started':
          return to(phase, 'markOffset');
        case 'endOfInput':
        case 'endRequested':
        case 'endFailed':
          return next === 'starting' ? to(next, 'openSession') : to(next);
        default:
          return same;
      }
    }
    default:
      return same;
  }
}
