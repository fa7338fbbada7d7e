/**
 * The meeting-notes service: one track (a lane of the speech service) per source,
 * finals formatted (notesLineFormat.ts) into the notes writer in the order they
 * start (lineOrder.ts), labelled by source, stamped in meeting time; pause, resume, stop with the footer. The VS Code
 * controller only wires commands, the status bar and the panel to it.
 * No VS Code API here.
 */
import { EventEmitter } from 'events';
import type { Disposable } from '../speech/lifecycle';
import type { RestartOptions } from '../speech/restartPolicy';
import type { SpeechService } from '../speech/speechService';
import type { EngineSpec, RecognizerOptions, Source } from '../shared/protocol';
import type { TimedText } from '../shared/transcriptFormat';
import { LineOrder, type LineOrderTiming } from './lineOrder';
import { MeetingClock } from './meetingClock';
import { MeetingTrack, TrackKind, TrackProblem, TrackSpec, TrackState } from './meetingTrack';
import { resumedRemark } from './notesFormat';
import { formatNotesLine, type NotesLineFormat } from './notesLineFormat';
import type { NotesWriter } from './notesWriter';

export interface MeetingSessionOptions {
  /** Each track gets a lane (a worker) of it. */
  speech: SpeechService;
  engine: EngineSpec;
  tracks: TrackSpec[];
  /** The notes file; the session appends to it and finishes it on stop. */
  writer: NotesWriter;
  /** A clock continued from the journal, when resuming into an existing file. */
  clock?: MeetingClock;
  /** Resuming into an existing file: a remark marks where. */
  resumed?: boolean;
  recognizer?: RecognizerOptions;
  /** Overrides of the restart policy (tests shorten the backoff). */
  restart?: Partial<RestartOptions>;
  /** Where each track's audio comes from at its n-th session; by default its device. */
  sourceFor?: (spec: TrackSpec, n: number) => Source;
  /** How lines are formatted; as recognized when absent. */
  lineFormat?: NotesLineFormat;
  /** How long lines wait for their place in time order (tests shorten it). */
  lineOrder?: LineOrderTiming;
}

export interface MeetingFinal extends TimedText {
  track: TrackKind;
  /** Resolves once the line is on disk (appended and fsynced). */
  written: Promise<void>;
}

export type MeetingState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped';

type Events = {
  final: [MeetingFinal];
  partial: [{ track: TrackKind; label: string; text: string }];
  level: [{ track: TrackKind; dbfs: number }];
  trackState: [{ track: TrackKind; state: TrackState }];
  problem: [{ track: TrackKind } & TrackProblem];
  state: [MeetingState];
};

const deviceSource = (spec: TrackSpec): Source => ({
  kind: spec.kind,
  ...(spec.device ? { device: spec.device } : {}),
  ...(spec.backend ? { backend: spec.backend } : {}),
});

export class MeetingSession implements Disposable {
  readonly clock: MeetingClock;
  private readonly tracks: MeetingTrack[];
  private readonly emitter = new EventEmitter();
  private state: MeetingState = 'idle';
  private readonly order: LineOrder<TimedText>;

  constructor(private readonly options: MeetingSessionOptions) {
    if (!options.tracks.length) throw new Error('a meeting needs at least one source');
    this.clock = options.clock ?? new MeetingClock();
    this.order = new LineOrder({ sources: options.tracks.map((t) => t.kind), timing: options.lineOrder, write: (u) => options.writer.append(u) });
    this.tracks = options.tracks.map((spec) => this.track(spec));
  }

  get current(): MeetingState {
    return this.state;
  }

  /** Meeting seconds now (the status bar's elapsed time). */
  elapsed(): number {
    return this.clock.seconds();
  }

  trackState(kind: TrackKind): TrackState | undefined {
    return this.find(kind)?.current;
  }

  /** The worker process of a track, while one runs. */
  pid(kind: TrackKind): number | undefined {
    return this.find(kind)?.pid;
  }

  /** Starts capture on every track, or only warms the workers when the clock is paused (a meeting resumed while paused). */
  start(): void {
    if (this.state !== 'idle') return;
    const { writer, resumed } = this.options;
    if (resumed) void writer.remark(resumedRemark(this.clock.seconds()));
    void writer.recordClock(this.clock.snapshot());
    for (const t of this.tracks) {
      if (this.clock.running) t.start();
      else t.warm();
    }
    this.setState(this.clock.running ? 'running' : 'paused');
  }

  /** Stops capture and the clock; the workers stay warm. Resolves once each track's last final is out. */
  async pause(): Promise<void> {
    if (this.state !== 'running') return;
    void this.options.writer.recordClock(this.clock.pause());
    this.setState('paused');
    await Promise.all(this.tracks.map((t) => t.pause()));
    await this.order.flush();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    void this.options.writer.recordClock(this.clock.resume());
    this.setState('running');
    for (const t of this.tracks) t.resume();
  }

  /** Stops every track (their last finals are written), then writes the footer. Resolves once all is on disk. */
  async stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const duration = this.clock.seconds();
    this.clock.pause();
    this.setState('stopping');
    await Promise.all(this.tracks.map((t) => t.stop()));
    await this.order.flush();
    await this.options.writer.finish(duration);
    this.setState('stopped');
  }

  /**
   * The window is closing: stops every track (their last finals are written) and
   * its worker, without the footer, so that the notes can be resumed. The caller
   * then closes the writer. Resolves once the tracks have stopped.
   */
  async interrupt(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.setState('stopping');
    await Promise.all(this.tracks.map((t) => t.stop()));
    await this.order.flush();
    this.setState('stopped');
  }

  onFinal(listener: (e: Events['final'][0]) => void): Disposable {
    return this.on('final', listener);
  }

  onPartial(listener: (e: Events['partial'][0]) => void): Disposable {
    return this.on('partial', listener);
  }

  onLevel(listener: (e: Events['level'][0]) => void): Disposable {
    return this.on('level', listener);
  }

  onTrackState(listener: (e: Events['trackState'][0]) => void): Disposable {
    return this.on('trackState', listener);
  }

  /** A source's problem; `restarting` says whether it recovers by itself. */
  onProblem(listener: (e: Events['problem'][0]) => void): Disposable {
    return this.on('problem', listener);
  }

  onState(listener: (e: MeetingState) => void): Disposable {
    return this.on('state', listener);
  }

  dispose(): void {
    this.order.dispose();
    this.tracks.forEach((t) => t.dispose());
    this.emitter.removeAllListeners();
  }

  private on<K extends keyof Events>(name: K, listener: (...args: Events[K]) => void): Disposable {
    const l = listener as (...args: unknown[]) => void;
    this.emitter.on(name, l);
    return { dispose: () => this.emitter.off(name, l) };
  }

  private emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    this.emitter.emit(name, ...args);
  }

  private find(kind: TrackKind): MeetingTrack | undefined {
    return this.tracks.find((t) => t.kind === kind);
  }

  private setState(state: MeetingState): void {
    this.state = state;
    this.emit('state', state);
  }

  private track(spec: TrackSpec): MeetingTrack {
    const track = spec.kind;
    return new MeetingTrack({
      spec,
      engine: this.options.engine,
      clock: this.clock,
      lane: this.options.speech.createLane(`meeting ${track}`),
      restart: this.options.restart,
      recognizer: this.options.recognizer ?? {},
      sourceFor: this.options.sourceFor ?? deviceSource,
      onFinal: (raw, words) => {
        const format = this.options.lineFormat;
        const u = format ? { ...raw, text: formatNotesLine(raw.text, words, format) } : raw;
        this.emit('final', { ...u, track, written: this.order.final(track, u) });
      },
      onPartial: (text) => {
        this.order.partial(track, text);
        this.emit('partial', { track, label: spec.label, text });
      },
      onLevel: (dbfs) => this.emit('level', { track, dbfs }),
      onState: (state) => {
        if (state !== 'running') this.order.quiet(track);
        this.emit('trackState', { track, state });
      },
      onProblem: (problem) => this.emit('problem', { track, ...problem }),
    });
  }
}
