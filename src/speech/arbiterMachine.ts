/**
 * Who holds the microphone, as a pure transition function over opaque claims:
 * every (state × event) pair is decided here and written down in
 * docs/lifecycle/microphone-arbiter.md (a unit test holds the two together).
 * The runner (microphoneArbiter.ts) asks the person, suspends and resumes
 * sessions, and feeds their answers back. No I/O, no VS Code API.
 */
export type MicrophoneUser = 'dictation' | 'meeting' | 'cli';

export interface ArbiterClaim {
  readonly user: MicrophoneUser;
}

export type HandoverPhase =
  /** The person is being asked whether the meeting may lend its microphone. */
  | 'asking'
  /** Yes: the meeting is stopping capture (its last words written first). */
  | 'suspending'
  /** The dictation gave up while the meeting was suspending: the meeting resumes once its suspend completes. */
  | 'abandoned';

export interface ArbiterState<C extends ArbiterClaim = ArbiterClaim> {
  /** Who captures the microphone now. */
  holder?: C;
  /** Claims that lent the microphone, last lent on top: each gets it back in turn. */
  lent: readonly C[];
  /** Claims waiting for the microphone to be free, first come first served. */
  waiting: readonly C[];
  /** A dictation asking a meeting for its microphone. */
  handover?: { claimant: C; from: C; phase: HandoverPhase };
}

export type ArbiterEvent<C extends ArbiterClaim = ArbiterClaim> =
  | { type: 'acquire'; claim: C }
  /** The person answered the handover question. */
  | { type: 'answered'; claim: C; yes: boolean }
  /** The meeting's suspend completed: it no longer captures. */
  | { type: 'suspended' }
  /** The claim's token was cancelled before it got the microphone. */
  | { type: 'cancel'; claim: C }
  /** The claim is done with the microphone (or no longer wants it). */
  | { type: 'release'; claim: C };

export type ArbiterEffect<C extends ArbiterClaim = ArbiterClaim> =
  /** acquire() resolves true. */
  | { type: 'grant'; claim: C }
  /** acquire() resolves false. */
  | { type: 'refuse'; claim: C }
  | { type: 'ask'; claimant: C; from: C }
  | { type: 'suspend'; claim: C }
  | { type: 'resume'; claim: C }
  /** The holder changed (undefined: free). */
  | { type: 'changed'; user: MicrophoneUser | undefined };

export interface ArbiterTransition<C extends ArbiterClaim> {
  state: ArbiterState<C>;
  effects: ArbiterEffect<C>[];
}

/** The kind of state, as the lifecycle table names it. */
export type ArbiterKind = 'free' | 'held' | 'lent' | HandoverPhase;

export function arbiterKind(s: ArbiterState): ArbiterKind {
  if (s.handover) return s.handover.phase;
  if (!s.holder) return 'free';
  return s.lent.length ? 'lent' : 'held';
}

const without = <C>(list: readonly C[], c: C) => list.filter((x) => x !== c);

export function arbiterTransition<C extends ArbiterClaim>(s: ArbiterState<C>, e: ArbiterEvent<C>): ArbiterTransition<C> {
  switch (e.type) {
    case 'acquire':
      return acquire(s, e.claim);
    case 'answered': {
      const h = s.handover;
      if (!h || h.claimant !== e.claim || h.phase !== 'asking') return { state: s, effects: [] };
      const rest = { ...s, handover: undefined };
      if (!e.yes) return andThen({ state: rest, effects: [{ type: 'refuse', claim: e.claim }] });
      // The meeting let go while the person chose: the microphone may simply be free now.
      if (s.holder !== h.from) return acquire(rest, e.claim);
      return { state: { ...s, handover: { ...h, phase: 'suspending' } }, effects: [{ type: 'suspend', claim: h.from }] };
    }
    case 'suspended': {
      const h = s.handover;
      if (!h || h.phase === 'asking') return { state: s, effects: [] };
      const stillThere = s.holder === h.from;
      if (h.phase === 'abandoned') {
        const back: ArbiterTransition<C> = { state: { ...s, handover: undefined }, effects: stillThere ? [{ type: 'resume', claim: h.from }] : [] };
        return stillThere ? andThen(back) : handOn(back.state);
      }
      return {
        state: { ...s, handover: undefined, holder: h.claimant, lent: stillThere ? [...s.lent, h.from] : s.lent },
        effects: [
          { type: 'grant', claim: h.claimant },
          { type: 'changed', user: h.claimant.user },
        ],
      };
    }
    case 'cancel':
      return giveUp(s, e.claim);
    case 'release': {
      const c = e.claim;
      if (s.handover?.claimant === c || s.waiting.includes(c)) return giveUp(s, c);
      const state = { ...s, lent: without(s.lent, c) };
      if (s.holder !== c) return { state, effects: [] };
      return andThen(handOn({ ...state, holder: undefined }));
    }
  }
}

function acquire<C extends ArbiterClaim>(s: ArbiterState<C>, claim: C): ArbiterTransition<C> {
  if (s.holder === claim || s.waiting.includes(claim) || s.handover?.claimant === claim) return { state: s, effects: [] };
  if (!s.holder && !s.handover) {
    return { state: { ...s, holder: claim }, effects: [{ type: 'grant', claim }, { type: 'changed', user: claim.user }] };
  }
  if (s.holder?.user === 'meeting' && claim.user === 'dictation' && !s.handover) {
    return { state: { ...s, handover: { claimant: claim, from: s.holder, phase: 'asking' } }, effects: [{ type: 'ask', claimant: claim, from: s.holder }] };
  }
  return { state: { ...s, waiting: [...s.waiting, claim] }, effects: [] };
}

/** `claim` no longer wants the microphone it does not hold yet. */
function giveUp<C extends ArbiterClaim>(s: ArbiterState<C>, claim: C): ArbiterTransition<C> {
  const h = s.handover;
  if (h?.claimant === claim) {
    // Asked: the answer, when it comes, is ignored. Suspending: the meeting gets its microphone back once it has let go.
    const handover = h.phase === 'asking' ? undefined : { ...h, phase: 'abandoned' as const };
    return andThen({ state: { ...s, handover }, effects: h.phase === 'abandoned' ? [] : [{ type: 'refuse', claim }] });
  }
  if (!s.waiting.includes(claim)) return { state: s, effects: [] };
  return { state: { ...s, waiting: without(s.waiting, claim) }, effects: [{ type: 'refuse', claim }] };
}

/**
 * After a handover ended: a free microphone goes to the next waiting claim, and
 * a dictation that waited while a meeting holds it is asked about now.
 */
function andThen<C extends ArbiterClaim>(t: ArbiterTransition<C>): ArbiterTransition<C> {
  const s = t.state;
  if (s.handover || !s.waiting.length) return t;
  let next: ArbiterTransition<C> | undefined;
  if (!s.holder) next = handOn(s);
  else if (s.holder.user === 'meeting') {
    const asker = s.waiting.find((c) => c.user === 'dictation');
    if (asker) next = acquire({ ...s, waiting: without(s.waiting, asker) }, asker);
  }
  return next ? { state: next.state, effects: [...t.effects, ...next.effects] } : t;
}

/** The holder let go: the last lender gets it back, else the first waiting claim, else it is free. */
function handOn<C extends ArbiterClaim>(s: ArbiterState<C>): ArbiterTransition<C> {
  if (s.handover && s.handover.phase !== 'asking') return { state: s, effects: [] };
  const back = s.lent[s.lent.length - 1];
  if (back) {
    return { state: { ...s, holder: back, lent: s.lent.slice(0, -1) }, effects: [{ type: 'changed', user: back.user }, { type: 'resume', claim: back }] };
  }
  const [next, ...waiting] = s.waiting;
  if (next && !s.handover) {
    return { state: { ...s, holder: next, waiting }, effects: [{ type: 'grant', claim: next }, { type: 'changed', user: next.user }] };
  }
  return { state: s, effects: [{ type: 'changed', user: undefined }] };
}
