/** The three machines of the speech core and dictation, as their lifecycle tables read them. */
import { ArbiterClaim, ArbiterEffect, ArbiterEvent, ArbiterState, arbiterTransition } from '../../src/speech/arbiterMachine';
import { SessionEffect, SessionEvent, SessionMachineState, sessionTransition } from '../../src/speech/sessionMachine';
import { SpeechError } from '../../src/speech/speechError';
import { DictationEffect, DictationEvent, DictationState, dictationTransition } from '../../src/dictation/dictationMachine';
import type { TableSpec } from './lifecycleTable';

const err = new SpeechError('capture-failed', 'The microphone stopped.', 'Check it.', true, false);

const sessionPhases = ['new', 'waiting', 'starting', 'running', 'restarting', 'suspending', 'resuming', 'suspended', 'stopping', 'ended'] as const;

export const sessionSpec: TableSpec<SessionMachineState, SessionEvent, SessionEffect> = {
  file: 'speech-session.md',
  rows: [
    ...sessionPhases.map((p): [string, SessionMachineState] => [p, { phase: p }]),
    ['failing (restartable)', { phase: 'failing', error: err, restart: true }],
    ['failing', { phase: 'failing', error: err, restart: false }],
  ],
  columns: [
    ['open (microphone)', { type: 'open', how: 'microphone' }],
    ['open (direct)', { type: 'open', how: 'direct' }],
    ['open (cancelled)', { type: 'open', how: 'cancelled' }],
    ['granted', { type: 'granted' }],
    ['denied', { type: 'denied' }],
    ['stop', { type: 'stop' }],
    ['stop (discard)', { type: 'stop', discard: true }],
    ['suspend', { type: 'suspend' }],
    ['resume', { type: 'resume' }],
    ['endUtterance', { type: 'endUtterance' }],
    ['started', { type: 'started' }],
    ['failed (restartable)', { type: 'failed', error: err, restartable: true }],
    ['failed', { type: 'failed', error: err, restartable: false }],
    ['stopped (end-of-input)', { type: 'stopped', reason: 'end-of-input' }],
    ['notRunning', { type: 'notRunning' }],
    ['workerDied (restartable)', { type: 'workerDied', error: err, restartable: true }],
    ['workerDied', { type: 'workerDied', error: err, restartable: false }],
    ['timer', { type: 'timer' }],
    ['giveUp', { type: 'giveUp', error: err }],
  ],
  transition: sessionTransition,
  describeState: (s) => (s.phase === 'failing' ? `failing${s.restart ? ' (restartable)' : ''}` : s.phase),
  describeEffect: (f) => (f.type === 'finish' ? `finish(${f.reason})` : f.type === 'sendStop' && f.discard ? 'sendStop(discard)' : f.type),
  same: (a, b) => a === b,
};

const claim = (user: ArbiterClaim['user'], name: string) => ({ user, name, toString: () => name });
type Named = ArbiterClaim & { name: string };
const M = claim('meeting', 'M');
const D = claim('dictation', 'D');
const D2 = claim('dictation', 'D2');
const C = claim('cli', 'C');
const names = (list: readonly Named[]) => list.map((c) => c.name).join(',');

export const arbiterSpec: TableSpec<ArbiterState<Named>, ArbiterEvent<Named>, ArbiterEffect<Named>> = {
  file: 'microphone-arbiter.md',
  rows: [
    ['free', { lent: [], waiting: [] }],
    ['held M', { holder: M, lent: [], waiting: [] }],
    ['held C', { holder: C, lent: [], waiting: [] }],
    ['held D, M lent', { holder: D, lent: [M], waiting: [] }],
    ['asking D→M', { holder: M, lent: [], waiting: [], handover: { claimant: D, from: M, phase: 'asking' } }],
    ['suspending D→M', { holder: M, lent: [], waiting: [], handover: { claimant: D, from: M, phase: 'suspending' } }],
    ['abandoned D→M', { holder: M, lent: [], waiting: [], handover: { claimant: D, from: M, phase: 'abandoned' } }],
    ['held C, D2 waiting', { holder: C, lent: [], waiting: [D2] }],
    ['held D, M lent, D2 waiting', { holder: D, lent: [M], waiting: [D2] }],
    ['abandoned D→M, D2 waiting', { holder: M, lent: [], waiting: [D2], handover: { claimant: D, from: M, phase: 'abandoned' } }],
  ],
  columns: [
    ['acquire D', { type: 'acquire', claim: D }],
    ['acquire D2', { type: 'acquire', claim: D2 }],
    ['acquire C', { type: 'acquire', claim: C }],
    ['answered D yes', { type: 'answered', claim: D, yes: true }],
    ['answered D no', { type: 'answered', claim: D, yes: false }],
    ['suspended', { type: 'suspended' }],
    ['cancel D', { type: 'cancel', claim: D }],
    ['cancel D2', { type: 'cancel', claim: D2 }],
    ['release D', { type: 'release', claim: D }],
    ['release M', { type: 'release', claim: M }],
    ['release C', { type: 'release', claim: C }],
  ],
  transition: arbiterTransition,
  describeState: (s) => {
    const parts = [s.holder ? `held ${s.holder.name}` : 'free'];
    if (s.lent.length) parts.push(`${names(s.lent)} lent`);
    if (s.handover) parts.push(`${s.handover.phase} ${s.handover.claimant.name}→${s.handover.from.name}`);
    if (s.waiting.length) parts.push(`${names(s.waiting)} waiting`);
    return parts.join(', ');
  },
  // A new object with the same holder, lent, waiting and handover is the same state.
  same: (a, b) => arbiterSpec.describeState(a) === arbiterSpec.describeState(b),
  describeEffect: (f) => {
    switch (f.type) {
      case 'ask':
        return `ask ${f.claimant.name}→${f.from.name}`;
      case 'changed':
        return `changed(${f.user ?? 'free'})`;
      default:
        return `${f.type} ${f.claim.name}`;
    }
  },
};

const dictationStates: DictationState[] = ['idle', 'choosing', 'choosingStopped', 'dictating', 'stopping'];

export const dictationSpec: TableSpec<DictationState, DictationEvent, DictationEffect> = {
  file: 'dictation.md',
  rows: dictationStates.map((s) => [s, s]),
  columns: [
    ['start', { type: 'start' }],
    ['stop', { type: 'stop' }],
    ['toggle', { type: 'toggle' }],
    ['cancel', { type: 'cancel' }],
    ['chosen (engine)', { type: 'chosen', engine: true }],
    ['chosen (none)', { type: 'chosen', engine: false }],
    ['ended', { type: 'ended' }],
  ],
  transition: dictationTransition,
  describeState: (s) => s,
  describeEffect: (f) => f.type,
  same: (a, b) => a === b,
};
