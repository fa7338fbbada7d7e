/**
 * The lifecycle of a meeting as a pure transition function: (phase, event) →
 * (phase, effects). Meeting (meeting.ts) performs the effects and feeds their
 * outcomes back as events. Every (phase × event) pair is decided in
 * docs/lifecycle/meeting.md, which a unit test checks against this function.
 *
 * Stop always ends: the tracks get STOP_BOUNDS.tracksMs to hand over their last
 * finals, the footer STOP_BOUNDS.finishMs, closing the notes STOP_BOUNDS.closeMs;
 * whatever the disk has not taken by then is kept, not waited for.
 */

export type MeetingPhase =
  /** Getting its notes file ready (a new file, or resuming one after a reload) and its engine. */
  | 'opening'
  /** Stop was asked while opening: once open, the notes are finished at once. */
  | 'abandoning'
  | 'running'
  | 'paused'
  /** Stop: the tracks hand over their last finals. */
  | 'stopping'
  /** The footer goes to disk. */
  | 'finishing'
  /** The footer did not make it in time: the notes close, keeping what the disk refuses. */
  | 'closing'
  /** The window closes: the tracks stop, then the notes close without a footer, to be resumed. */
  | 'interrupting'
  | 'stopped';

export type MeetingEvent =
  | 'openedRunning'
  /** Opened into a meeting that was paused when the window closed. */
  | 'openedPaused'
  /** No engine, or the notes could not be made or read. */
  | 'openFailed'
  | 'pause'
  | 'resume'
  /** Start Meeting while this meeting exists: its notes are shown, no second meeting starts. */
  | 'start'
  | 'stop'
  /** The window is closing. */
  | 'interrupt'
  | 'tracksStopped'
  | 'tracksLate'
  | 'finished'
  | 'finishLate'
  | 'closed'
  | 'closeLate';

export type MeetingEffect =
  | 'show'
  /** The resumed remark and the clock go to the journal. */
  | 'recordStart'
  | 'startTracks'
  /** A meeting opened paused: load the engines without capturing. */
  | 'warmTracks'
  | 'pauseTracks'
  | 'pauseClock'
  | 'resumeClock'
  /** The clock stops for good: the duration is taken. */
  | 'stopClock'
  | 'stopTracks'
  /** The lines held for their place in time order (lineOrder.ts) go to the notes now. */
  | 'flushLines'
  | 'finishNotes'
  | 'closeNotes'
  | 'timeTracks'
  | 'timeFinish'
  | 'timeClose';

export const MEETING_PHASES: readonly MeetingPhase[] = ['opening', 'abandoning', 'running', 'paused', 'stopping', 'finishing', 'closing', 'interrupting', 'stopped'];
export const MEETING_EVENTS: readonly MeetingEvent[] = [
  'openedRunning',
  'openedPaused',
  'openFailed',
  'pause',
  'resume',
  'start',
  'stop',
  'interrupt',
  'tracksStopped',
  'tracksLate',
  'finished',
  'finishLate',
  'closed',
  'closeLate',
];

/** Milliseconds each step of a stop may take; their sum stays under the 5 s Stop promises. */
export const STOP_BOUNDS = { tracksMs: 3000, finishMs: 1000, closeMs: 500 } as const;

export interface MeetingTransition {
  phase: MeetingPhase;
  effects: MeetingEffect[];
}

export function meetingTransition(phase: MeetingPhase, event: MeetingEvent): MeetingTransition {
  const to = (next: MeetingPhase, ...effects: MeetingEffect[]): MeetingTransition => ({ phase: next, effects });
  const same = to(phase);
  // The tracks' last finals are out: every held line goes before the footer.
  const finish = to('finishing', 'flushLines', 'finishNotes', 'timeFinish');
  switch (phase) {
    case 'opening':
      switch (event) {
        case 'openedRunning':
          return to('running', 'recordStart', 'startTracks');
        case 'openedPaused':
          return to('paused', 'recordStart', 'warmTracks');
        case 'openFailed':
          return to('stopped');
        case 'stop':
          return to('abandoning');
        // Nothing has started: there is nothing to keep for the next window.
        case 'interrupt':
          return to('stopped');
        // Nothing to pause or show yet: the notes open beside the editor once their header is on disk.
        default:
          return same;
      }
    case 'abandoning':
      switch (event) {
        case 'openedRunning':
        case 'openedPaused':
          return to('finishing', 'stopClock', 'finishNotes', 'timeFinish');
        case 'openFailed':
        case 'interrupt':
          return to('stopped');
        default:
          return same;
      }
    case 'running':
    case 'paused':
      switch (event) {
        case 'pause':
          return phase === 'running' ? to('paused', 'pauseClock', 'pauseTracks') : same;
        case 'resume':
          return phase === 'paused' ? to('running', 'resumeClock', 'startTracks') : same;
        case 'start':
          return to(phase, 'show');
        case 'stop':
          return to('stopping', 'stopClock', 'stopTracks', 'timeTracks');
        case 'interrupt':
          return to('interrupting', 'stopTracks', 'timeTracks');
        default:
          return same;
      }
    case 'stopping':
      if (event === 'tracksStopped' || event === 'tracksLate') return finish;
      // A window closing now still gets its footer: Stop was asked first.
      return event === 'start' ? to(phase, 'show') : same;
    case 'finishing':
      if (event === 'finished') return to('stopped');
      if (event === 'finishLate') return to('closing', 'closeNotes', 'timeClose');
      return event === 'start' ? to(phase, 'show') : same;
    case 'closing':
      if (event === 'closed' || event === 'closeLate') return to('stopped');
      return event === 'start' ? to(phase, 'show') : same;
    case 'interrupting':
      if (event === 'tracksStopped' || event === 'tracksLate') return to('closing', 'flushLines', 'closeNotes', 'timeClose');
      return same;
    case 'stopped':
      // Notes that opened after the meeting was given up are closed, not left open.
      if (event === 'openedRunning' || event === 'openedPaused') return to('stopped', 'closeNotes');
      return same;
  }
}
