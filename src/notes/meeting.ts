/**
 * A meeting being noted: one track (a lane of the speech service) per source,
 * finals formatted (notesLineFormat.ts) into the notes writer in the order they
 * start (lineOrder.ts), labelled by source, stamped in meeting time; pause,
 * resume, stop with the footer. The VS Code
 * controller only wires commands, the status bar and the panel to it.
 *
 * The runner of meetingLifecycle.ts: it holds the phase, performs the effects
 * the transition function asks for, and feeds their outcomes back as events.
 * Every final comes out with `written`: true once it is on disk, false when it
 * is kept instead (the disk refused it until the notes closed, or it came after
 * the footer), so the caller keeps exactly the finals the notes lack.
 * Lines held for their place in time order all go when the tracks have paused,
 * and before the footer or the close (the `flushLines` effect).
 * No VS Code API here.
 */
import { Emitter, type Disposable } from '../speech/lifecycle';
import type { RestartOptions } from '../speech/restartPolicy';
import type { VoxnoteError } from '../shared/errors';
import type { EngineSpec, RecognizerOptions, Source } from '../shared/protocol';
import type { TimedText } from '../shared/transcriptFormat';
import { LineOrder, type LineOrderTiming } from './lineOrder';
import { MeetingClock } from './meetingClock';
import { meetingTransition, STOP_BOUNDS, type MeetingEffect, type MeetingEvent, type MeetingPhase } from './meetingLifecycle';
import { MeetingTrack, type TrackFinal, type TrackKind, type TrackLane, type TrackProblem, type TrackRelabel, type TrackSpec, type TrackState } from './meetingTrack';
import { resumedRemark } from './notesFormat';
import { formatNotesLine, type NotesLineFormat } from './notesLineFormat';
import type { NotesWriter } from './notesWriter';
import type { SpeakerCorrection } from './speakerLabels';

/** What opening a meeting yields: its notes, engine and sources. */
export interface MeetingSetup {
  engine: EngineSpec;
  tracks: TrackSpec[];
  /** The notes file; the meeting appends to it and finishes it on stop. */
  writer: NotesWriter;
  /** A clock continued from the journal, when resuming into an existing file. */
  clock?: MeetingClock;
  /** Resuming into an existing file: a remark marks where. */
  resumed?: boolean;
}

/** Timers for the bounds of a stop (tests pass a fake clock). */
export interface MeetingTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface MeetingOptions {
  /** Each track gets a lane (a worker) of it. */
  speech: { createLane(name: string): TrackLane };
  recognizer?: RecognizerOptions;
  /** Overrides of the restart policy (tests shorten the backoff). */
  restart?: Partial<RestartOptions>;
  /** Where each track's audio comes from at its n-th session; by default its device. */
  sourceFor?: (spec: TrackSpec, n: number) => Source;
  timers?: MeetingTimers;
  /** How lines are formatted; as recognized when absent. */
  lineFormat?: NotesLineFormat;
  /** How long lines wait for their place in time order (tests shorten it). */
  lineOrder?: LineOrderTiming;
}

export interface MeetingFinal extends TimedText {
  track: TrackKind;
  /** Resolves true once the line is on disk (appended and fsynced), false when the notes closed without it. */
  written: Promise<boolean>;
}

/** How a stop ended. */
export interface MeetingOutcome {
  /** Every line and the footer are on disk. */
  complete: boolean;
  /** Finals the notes lack (each came out with `written` false). */
  kept: number;
  /** Why the disk refused, when it did. */
  error?: VoxnoteError;
}

const REAL_TIMERS: MeetingTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

const deviceSource = (spec: TrackSpec): Source => ({
  kind: spec.kind,
  ...(spec.device ? { device: spec.device } : {}),
  ...(spec.backend ? { backend: spec.backend } : {}),
});

const TIMERS: Partial<Record<MeetingEffect, [number, MeetingEvent]>> = {
  timeTracks: [STOP_BOUNDS.tracksMs, 'tracksLate'],
  timeFinish: [STOP_BOUNDS.finishMs, 'finishLate'],
  timeClose: [STOP_BOUNDS.closeMs, 'closeLate'],
};

/** Phases in which finals still go into the notes. */
const WRITING: ReadonlySet<MeetingPhase> = new Set(['running', 'paused', 'stopping', 'interrupting']);

export class Meeting implements Disposable {
  private phase: MeetingPhase = 'opening';
  private setup?: MeetingSetup;
  private tracks: MeetingTrack[] = [];
  /** Made with the tracks: their finals wait in it for their place in time order. */
  private order?: LineOrder<TimedText, boolean>;
  private readonly timers: MeetingTimers;
  private readonly pending = new Set<unknown>();
  private pausing: Promise<unknown> = Promise.resolve();
  private duration = 0;
  private kept = 0;
  private readonly waiters = new Set<{ done: (p: MeetingPhase) => boolean; resolve: () => void }>();
  /** Each track's line as it goes into the notes (formatted), once it is there, for speaker corrections. */
  private readonly noted = new WeakMap<TimedText, Promise<TimedText | undefined>>();
  private readonly emitters = {
    final: new Emitter<MeetingFinal>(),
    relabel: new Emitter<SpeakerCorrection[]>(),
    partial: new Emitter<{ track: TrackKind; label: string; text: string }>(),
    level: new Emitter<{ track: TrackKind; dbfs: number }>(),
    trackState: new Emitter<{ track: TrackKind; state: TrackState }>(),
    problem: new Emitter<{ track: TrackKind } & TrackProblem>(),
    state: new Emitter<MeetingPhase>(),
    show: new Emitter<void>(),
  };
  readonly onFinal = this.emitters.final.event;
  /** Lines in the notes whose speaker the re-clustering at the meeting's stop changed (with diarization models). */
  readonly onRelabel = this.emitters.relabel.event;
  readonly onPartial = this.emitters.partial.event;
  readonly onLevel = this.emitters.level.event;
  readonly onTrackState = this.emitters.trackState.event;
  /** A source's problem; `restarting` says whether it recovers by itself. */
  readonly onProblem = this.emitters.problem.event;
  readonly onState = this.emitters.state.event;
  /** The notes should be shown: the meeting opened, or Start Meeting was asked again. */
  readonly onShow = this.emitters.show.event;

  /** Opens at once: `open` makes or resumes the notes (undefined: the person gave up, e.g. no model). */
  constructor(
    private readonly options: MeetingOptions,
    open: () => Promise<MeetingSetup | undefined>,
  ) {
    this.timers = options.timers ?? REAL_TIMERS;
    // After the caller holds this meeting: `open` may refer to it.
    void Promise.resolve()
      .then(open)
      .then(
      (setup) => (setup ? this.open(setup) : this.send('openFailed')),
      () => this.send('openFailed'),
    );
  }

  get current(): MeetingPhase {
    return this.phase;
  }

  /** The notes writer, once open. */
  get writer(): NotesWriter | undefined {
    return this.setup?.writer;
  }

  /** Meeting seconds now (the status bar's elapsed time). */
  elapsed(): number {
    return this.setup?.clock?.seconds() ?? 0;
  }

  trackState(kind: TrackKind): TrackState | undefined {
    return this.find(kind)?.current;
  }

  /** The worker process of a track, while one runs. */
  pid(kind: TrackKind): number | undefined {
    return this.find(kind)?.pid;
  }

  /** Start Meeting again while this one exists: its notes are shown. */
  start(): void {
    this.send('start');
  }

  /** Stops capture and the clock; the workers stay warm. Resolves once each track's last final is out. */
  async pause(): Promise<void> {
    this.send('pause');
    await this.pausing;
  }

  resume(): void {
    this.send('resume');
  }

  /** Stops every track, then writes the footer; resolves within 5 s, with what the notes lack. */
  async stop(): Promise<MeetingOutcome> {
    this.send('stop');
    await this.stopped();
    const writer = this.setup?.writer;
    return { complete: !!writer && !writer.pendingBlocks.length && !writer.error, kept: this.kept, error: writer?.error };
  }

  /**
   * The window is closing: stops every track (their last finals are written) and
   * its worker, then closes the notes without the footer, so that they can be
   * resumed. Resolves once done, within the stop's bounds.
   */
  async interrupt(): Promise<void> {
    this.send('interrupt');
    await this.stopped();
  }

  /** Resolves once the meeting has stopped. */
  stopped(): Promise<void> {
    return this.until((p) => p === 'stopped');
  }

  /** Resolves once the notes are open and capture started (or the meeting was given up). */
  opened(): Promise<void> {
    return this.until((p) => p !== 'opening' && p !== 'abandoning');
  }

  private until(done: (p: MeetingPhase) => boolean): Promise<void> {
    return done(this.phase) ? Promise.resolve() : new Promise((resolve) => this.waiters.add({ done, resolve }));
  }

  /**
   * Interrupts a meeting still under way. Its events go on until every track has
   * stopped: a slow engine's last finals come after a bounded stop, and are kept.
   */
  dispose(): void {
    this.send('interrupt');
    void this.stopped()
      .then(() => Promise.all(this.tracks.map((t) => t.stop())))
      .then(() => {
        this.tracks.forEach((t) => t.dispose());
        this.order?.dispose();
        for (const e of Object.values(this.emitters)) e.dispose();
      });
  }

  private open(setup: MeetingSetup): void {
    this.setup = { ...setup, clock: setup.clock ?? new MeetingClock(() => this.timers.now()) };
    this.send(this.setup.clock!.running ? 'openedRunning' : 'openedPaused');
  }

  /** The tracks, made when the meeting first captures or warms up (never for notes given up while opening). */
  private ensureTracks({ tracks, engine, clock, writer }: Required<MeetingSetup>): MeetingTrack[] {
    if (this.tracks.length) return this.tracks;
    this.order = new LineOrder({ sources: tracks.map((t) => t.kind), timing: this.options.lineOrder, timers: this.timers, write: (u) => writer.append(u) });
    this.tracks = tracks.map((spec) => this.track(spec, engine, clock));
    return this.tracks;
  }

  private send(event: MeetingEvent): void {
    const { phase, effects } = meetingTransition(this.phase, event);
    const changed = phase !== this.phase;
    this.phase = phase;
    for (const effect of effects) this.perform(effect);
    if (!changed) return;
    this.emitters.state.fire(phase);
    if (phase === 'stopped') this.clearTimers();
    for (const w of [...this.waiters]) {
      if (!w.done(phase)) continue;
      this.waiters.delete(w);
      w.resolve();
    }
  }

  private perform(effect: MeetingEffect): void {
    const timer = TIMERS[effect];
    if (timer) {
      const handle = this.timers.setTimeout(() => {
        this.pending.delete(handle);
        this.send(timer[1]);
      }, timer[0]);
      this.pending.add(handle);
      return;
    }
    const setup = this.setup;
    if (!setup) return;
    const { writer, clock } = setup as Required<MeetingSetup>;
    switch (effect) {
      case 'show':
        return this.emitters.show.fire();
      case 'recordStart':
        if (setup.resumed) void writer.remark(resumedRemark(clock.seconds()));
        return void writer.recordClock(clock.snapshot());
      case 'startTracks':
        return this.ensureTracks(setup as Required<MeetingSetup>).forEach((t) => t.start());
      case 'warmTracks':
        return this.ensureTracks(setup as Required<MeetingSetup>).forEach((t) => t.warm());
      case 'pauseTracks':
        // Paused, every source is quiet: what waited for its place goes now.
        this.pausing = Promise.all(this.tracks.map((t) => t.pause())).then(() => this.order?.flush());
        return;
      case 'pauseClock':
        return void writer.recordClock(clock.pause());
      case 'resumeClock':
        return void writer.recordClock(clock.resume());
      case 'stopClock':
        this.duration = clock.seconds();
        clock.pause();
        return;
      case 'stopTracks':
        return void Promise.all(this.tracks.map((t) => t.stop())).then(() => this.send('tracksStopped'));
      case 'flushLines':
        // Appended now, so they reach the disk before the footer or the close queued next.
        return void this.order?.flush();
      case 'finishNotes':
        return void writer.finish(this.duration).then((done) => done && this.send('finished'));
      case 'closeNotes':
        return void writer.close().then(() => this.send('closed'));
    }
  }

  private clearTimers(): void {
    for (const handle of this.pending) this.timers.clearTimeout(handle);
    this.pending.clear();
  }

  private find(kind: TrackKind): MeetingTrack | undefined {
    return this.tracks.find((t) => t.kind === kind);
  }

  /** Formatted, into the notes in time order while they take lines; kept (written: false) once they are finishing. */
  private onTrackFinal(track: TrackKind, { line, words }: TrackFinal): void {
    const format = this.options.lineFormat;
    const u = format ? { ...line, text: formatNotesLine(line.text, words, format) } : line;
    const written = this.order && WRITING.has(this.phase) ? this.order.final(track, u) : Promise.resolve(false);
    void written.then((ok) => ok || this.kept++);
    this.noted.set(line, written.then((ok) => (ok ? u : undefined)));
    this.emitters.final.fire({ ...u, track, written });
  }

  /** Once the lines concerned are on disk (a correction can come while they are held for time order); lines not written have none. */
  private async onTrackRelabel(changed: TrackRelabel[]): Promise<void> {
    const noted = await Promise.all(changed.map(({ line }) => this.noted.get(line)));
    const corrections = changed.flatMap(({ speaker }, i) => {
      const u = noted[i];
      return u?.speaker && u.speaker !== speaker ? [{ start: u.start, text: u.text, from: u.speaker, to: speaker }] : [];
    });
    if (corrections.length) this.emitters.relabel.fire(corrections);
  }

  private track(spec: TrackSpec, engine: EngineSpec, clock: MeetingClock): MeetingTrack {
    const track = spec.kind;
    const t = new MeetingTrack({
      spec,
      engine,
      clock,
      lane: this.options.speech.createLane(`meeting ${track}`),
      restart: this.options.restart,
      recognizer: this.options.recognizer ?? {},
      sourceFor: this.options.sourceFor ?? deviceSource,
    });
    t.onFinal((u) => this.onTrackFinal(track, u));
    t.onRelabel((changed) => void this.onTrackRelabel(changed));
    t.onPartial((text) => {
      this.order?.partial(track, text);
      this.emitters.partial.fire({ track, label: spec.label, text });
    });
    t.onLevel((dbfs) => this.emitters.level.fire({ track, dbfs }));
    t.onState((state) => {
      // A source not capturing says nothing that starts before its last final ended.
      if (state !== 'running') this.order?.quiet(track);
      this.emitters.trackState.fire({ track, state });
    });
    t.onProblem((problem) => this.emitters.problem.fire({ track, ...problem }));
    return t;
  }
}
