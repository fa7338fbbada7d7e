/**
 * A meeting's lifetime on the VS Code side: a Meeting into a new notes file
 * (or, after a window reload, into the interrupted one), the notes opened
 * beside the editor, partials and finals in the transcript panel, problems
 * reported, lines the disk refused kept. Its helpers: the open document kept in
 * step (meetingDocument.ts), the record that offers a resume after a reload
 * (meetingResumeRecord.ts), the messages (meetingNotices.ts), the one-meeting
 * slot (meetingSlot.ts). Commands and the status bar only call it and observe it.
 */
import * as vscode from 'vscode';
import { readMeetingSettings, type MeetingSettings } from '../config';
import { withDeadline } from '../shared/deadline';
import { audioGoesTo } from '../shared/engines';
import { Emitter } from '../speech/lifecycle';
import type { TimedText } from '../shared/transcriptFormat';
import type { TranscriptStore } from '../transcript/transcriptStore';
import type { ChosenEngine } from '../speech/vscode/engineChoice';
import type { SpeechService } from '../speech/speechService';
import { Meeting, type MeetingFinal, type MeetingOutcome, type MeetingSetup } from './meeting';
import { MeetingClock } from './meetingClock';
import { NotesDocumentMirror } from './meetingDocument';
import type { MeetingPhase } from './meetingLifecycle';
import * as notices from './meetingNotices';
import { type ActiveMeeting, MeetingResumeRecord } from './meetingResumeRecord';
import { MeetingSlot } from './meetingSlot';
import type { TrackKind, TrackProblem, TrackSpec, TrackState } from './meetingTrack';
import { utteranceBlock } from './notesFormat';
import { Journal, readJournal, speakerRenameRecords } from './notesJournal';
import { createNotesFile, notesTitle } from './notesPath';
import { locationOf, meetingNotesLocation, type NotesLocation } from './notesFiles';
import { notesLineFormat } from './notesLineSettings';
import { NotesWriter, NotesWriterOptions } from './notesWriter';
import { correctSpeakers } from './speakerCorrection';
import type { SpeakerCorrection } from './speakerLabels';
import type { NotesStorage } from './notesStorage';

export const MEETING_CONTEXT = 'voxnote.meeting';

export interface MeetingControllerDeps {
  speech: SpeechService;
  /** The engine to use; undefined once what is missing (a model, an API key) has been offered. */
  engine(): Promise<ChosenEngine | undefined>;
  store: TranscriptStore;
  workspaceState: vscode.Memento;
  log: vscode.LogOutputChannel;
  reportError(error: { code: string; message: string; hint: string }): void;
  /** Keeps a line the notes never got (saved with the workspace, back in the panel after a reload). */
  keep(line: TimedText): void;
}

export type MeetingStatus = 'idle' | 'running' | 'paused' | 'stopping';

const STATUS: Record<MeetingPhase, MeetingStatus> = {
  opening: 'idle',
  abandoning: 'stopping',
  running: 'running',
  paused: 'paused',
  stopping: 'stopping',
  finishing: 'stopping',
  closing: 'stopping',
  interrupting: 'stopping',
  stopped: 'idle',
};

export interface MeetingSource {
  kind: TrackKind;
  label: string;
  state: TrackState | undefined;
  /** Latest input level in dBFS, once one arrived. */
  dbfs: number | undefined;
}

const SOURCE_NAMES: Record<TrackKind, string> = { mic: 'microphone', system: 'system audio' };

/** Where the notes of a meeting are, once it has opened them. */
interface OpenNotes {
  notesPath: string;
  uri: string;
  document: NotesDocumentMirror;
  storage: NotesStorage;
}

interface Current {
  meeting: Meeting;
  tracks: TrackSpec[];
  engine?: ChosenEngine;
  notes?: OpenNotes;
  levels: Map<TrackKind, number>;
  /** Panel ids of this meeting's lines not on disk yet. */
  unwritten: Set<number>;
  /** Stop under way: resolves once the meeting has ended and the person was told how. */
  stopping?: Promise<void>;
  restartNoticeShown: boolean;
  subscriptions: vscode.Disposable[];
  /** Speaker corrections (diarization) not yet in the notes: they go in once the meeting has stopped. */
  corrections: SpeakerCorrection[];
  /** Stopped: the writer appends no more, so corrections go in at once. */
  ended?: boolean;
}

/** The storage a notes file is in, and its files' URIs. */
type NotesPlace = Pick<NotesLocation, 'storage' | 'uri'>;

const placeOf = (record: ActiveMeeting): NotesPlace => locationOf(record.uri ? vscode.Uri.parse(record.uri) : vscode.Uri.file(record.notesPath));

/** A source of a meeting as the settings have it now; a resumed meeting keeps its labels. */
const trackSpec = (settings: MeetingSettings, kind: TrackKind, label: string): TrackSpec => ({
  kind,
  label,
  device: settings.devices[kind],
  backend: settings.backend,
  diarization: settings.diarization[kind],
});

export class MeetingController implements vscode.Disposable {
  private readonly slot = new MeetingSlot<Current>();
  private readonly record: MeetingResumeRecord;
  private shuttingDown?: Promise<void>;
  private readonly changed = new Emitter<'state' | 'level'>();
  /** 'state' for anything the status bar shows but levels, which come often. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: MeetingControllerDeps) {
    this.record = new MeetingResumeRecord(deps.workspaceState);
  }

  get status(): MeetingStatus {
    const c = this.slot.current;
    return c ? STATUS[c.meeting.current] : 'idle';
  }

  /** A meeting exists, also one still opening its notes: Start Meeting shows it instead. */
  get underWay(): boolean {
    return !!this.slot.current;
  }

  /** Who receives the meeting's audio when it leaves the machine (AssemblyAI, a server's host); undefined for a local engine. */
  get cloud(): string | undefined {
    const engine = this.slot.current?.engine;
    return engine && audioGoesTo(engine.engine);
  }

  get notesPath(): string | undefined {
    return this.slot.current?.notes?.notesPath;
  }

  /** The notes file of the meeting under way, wherever it is (a remote workspace's too). */
  get notesUri(): vscode.Uri | undefined {
    const notes = this.slot.current?.notes;
    return notes && vscode.Uri.parse(notes.uri);
  }

  /** Meeting seconds so far. */
  elapsed(): number {
    return this.slot.current?.meeting.elapsed() ?? 0;
  }

  sources(): MeetingSource[] {
    const c = this.slot.current;
    if (!c) return [];
    return c.tracks.map(({ kind, label }) => ({ kind, label, state: c.meeting.trackState(kind), dbfs: c.levels.get(kind) }));
  }

  /** Shows the notes of the meeting under way beside the editor. */
  async showNotes(): Promise<void> {
    const notes = this.slot.current?.notes;
    if (notes) await this.openNotes(vscode.Uri.parse(notes.uri));
  }

  /**
   * Starts meeting notes from these sources into a new notes file; with a meeting
   * under way (also one still opening), shows that one. Resolves once capture started.
   */
  async start(kinds: TrackKind[]): Promise<void> {
    const settings = readMeetingSettings();
    const tracks = kinds.map((kind) => trackSpec(settings, kind, settings.labels[kind]));
    const { entry, created } = this.slot.begin(() => this.create(tracks, (c) => this.openNew(c)));
    if (!created) return this.showNotes();
    await entry.meeting.opened();
  }

  async pause(): Promise<void> {
    await this.slot.current?.meeting.pause();
  }

  resume(): void {
    this.slot.current?.meeting.resume();
  }

  /**
   * Stops capture; resolves once the last lines and the footer are on disk and in
   * an open, unsaved notes document, or, when the disk refuses, within 5 s with
   * the lines it refused kept and the person told where they are.
   */
  async stop(): Promise<void> {
    const c = this.slot.current;
    if (c) await (c.stopping ??= this.stopNow(c));
  }

  /**
   * Rename Speaker in the notes of the meeting under way: into its journal through its writer, so export
   * and the footer use the new name. False when no meeting is writing its notes (or the journal refused).
   */
  async renameSpeaker(from: string, to: string): Promise<boolean> {
    const c = this.slot.current;
    const writer = c?.meeting.writer;
    if (!writer || !c.notes) return false;
    try {
      const journal = await readJournal(c.notes.notesPath, c.notes.storage);
      return await writer.renameSpeaker(from, to, speakerRenameRecords(journal, from, to));
    } catch (e) {
      this.deps.log.warn(`Meeting notes: ${from} not renamed to ${to} in the journal of ${c.notes.notesPath}: ${(e as Error).message}`);
      return false;
    }
  }

  /**
   * At activation: a meeting that was under way when the window closed or
   * reloaded (its journal has no end) can be resumed into the same file, or finished.
   */
  async offerResume(): Promise<void> {
    const record = this.record.get();
    if (!record || this.slot.current) return;
    let journal: Journal;
    try {
      journal = await readJournal(record.notesPath, placeOf(record).storage);
    } catch (e) {
      this.deps.log.warn(`Not offering to resume the meeting notes ${record.notesPath}: ${(e as Error).message}`);
      return this.record.forget();
    }
    if (journal.end) return this.record.forget();
    const pick = await notices.askToResume(record.notesPath);
    // A meeting started meanwhile: it is the one meeting.
    if (this.slot.current) return;
    if (pick === 'Resume') {
      const tracks = this.resumedTracks(record);
      await this.slot.begin(() => this.create(tracks, (c) => this.openResumed(c, record, journal))).entry.meeting.opened();
    }
    if (pick === 'Finish It') await this.finishInterrupted(record).catch((e) => this.cannotContinue(record, pick, e));
  }

  /**
   * The window is closing (deactivate): capture stops, each source's last final
   * goes into the notes, and everything is on disk when this resolves, within
   * `ms`. No footer, and the record stays: the next window offers to resume.
   */
  shutdown(ms: number): Promise<void> {
    this.shuttingDown ??= (async () => {
      const c = this.slot.current;
      if (!c) return;
      // Stopped by the user just before: its footer is being written.
      await withDeadline(c.stopping ?? c.meeting.interrupt(), ms);
    })();
    return this.shuttingDown;
  }

  dispose(): void {
    // During shutdown() the meeting still needs its subscriptions: disposed after it.
    if (this.shuttingDown) return void this.shuttingDown.finally(() => this.disposeNow());
    this.disposeNow();
  }

  private disposeNow(): void {
    // The record stays: the next window over this workspace offers to resume.
    const c = this.slot.current;
    if (c) this.end(c);
    this.changed.dispose();
  }

  private async stopNow(c: Current): Promise<void> {
    const outcome = await c.meeting.stop();
    if (c.notes) await withDeadline(c.notes.document.settled(), 500);
    this.end(c);
    await this.record.forget();
    if (c.notes) this.tellStopped(c.notes, outcome);
    c.ended = true;
    await this.correctSpeakers(c);
  }

  /** Diarization's corrections into the stopped meeting's notes (a source still stopping may bring more later). */
  private async correctSpeakers(c: Current): Promise<void> {
    const corrections = c.corrections.splice(0);
    if (!corrections.length || !c.notes) return;
    const { notesPath, uri, storage } = c.notes;
    try {
      const lines = await correctSpeakers(notesPath, vscode.Uri.parse(uri), corrections, storage);
      this.deps.log.info(`Meeting notes: ${lines} of ${corrections.length} speaker corrections made in ${notesPath} after re-clustering the speakers.`);
    } catch (e) {
      this.deps.log.warn(`Meeting notes: speaker corrections not made in ${notesPath}: ${(e as Error).message}`);
    }
  }

  private tellStopped(notes: OpenNotes, outcome: MeetingOutcome): void {
    if (outcome.complete) return notices.notesComplete(notes.notesPath, vscode.Uri.parse(notes.uri));
    this.deps.log.error(`Meeting notes: ${notes.notesPath} could not be finished (${outcome.error?.code ?? 'timeout'}); ${outcome.kept} lines kept.`);
    notices.notesIncomplete(notes.notesPath, outcome);
  }

  private resumedTracks(record: ActiveMeeting): TrackSpec[] {
    const settings = readMeetingSettings();
    return record.tracks.map(({ kind, label }) => trackSpec(settings, kind, label));
  }

  /** A meeting in the slot at once; `open` gets its notes ready (undefined when the person gave up). */
  private create(tracks: TrackSpec[], open: (c: Current) => Promise<MeetingSetup | undefined>): Current {
    const lineFormat = notesLineFormat();
    const c: Current = {
      // Word times give the pauses that end sentences inside a line.
      meeting: new Meeting({ speech: this.deps.speech, lineFormat, recognizer: lineFormat ? { words: true } : {} }, () => open(c)),
      tracks,
      levels: new Map(),
      unwritten: new Set(),
      restartNoticeShown: false,
      subscriptions: [],
      corrections: [],
    };
    const store = this.deps.store;
    c.subscriptions.push(
      c.meeting.onPartial((p) => store.setSpeakerPartial(p.label, p.text)),
      c.meeting.onLevel((l) => {
        c.levels.set(l.track, l.dbfs);
        this.changed.fire('level');
      }),
      c.meeting.onTrackState((t) => {
        this.deps.log.info(`Meeting notes: ${t.track} ${t.state}`);
        this.changed.fire('state');
      }),
      c.meeting.onProblem((p) => this.onProblem(c, p)),
      c.meeting.onState((s) => this.onState(s)),
      c.meeting.onShow(() => void this.showNotes()),
    );
    // Not disposed with the others: a slow engine's last finals, after the stop, are still kept.
    c.meeting.onFinal((f) => this.onFinal(c, f));
    c.meeting.onRelabel((corrections) => {
      c.corrections.push(...corrections);
      if (c.ended) void this.correctSpeakers(c);
    });
    return c;
  }

  private async openNew(c: Current): Promise<MeetingSetup | undefined> {
    try {
      const engine = await this.deps.engine();
      if (!engine) return undefined;
      c.engine = engine;
      const settings = readMeetingSettings();
      if (settings.folderIgnored) void vscode.window.showWarningMessage(`Voxnote: ${settings.folderIgnored}`);
      const startedAt = new Date();
      const place = meetingNotesLocation(settings.folderSetting);
      const notesPath = await createNotesFile(place.folder, settings.fileNameTemplate, startedAt, place.storage);
      const header = { title: notesTitle(notesPath), startedAt, sources: c.tracks.map((t) => `${t.label} (${SOURCE_NAMES[t.kind]})`), model: engine.name };
      const notes = this.openedNotes(c, notesPath, place);
      const writer = NotesWriter.create(notesPath, header, this.writerOptions(c, notes.document, place));
      // Without the record, a reload could not offer to resume: not a reason to lose the meeting.
      await this.record.save({ notesPath, uri: notes.uri, tracks: c.tracks }).catch((e: Error) => this.deps.log.warn(`Meeting notes: not remembered for a resume: ${e.message}`));
      return this.ready(c, writer, engine);
    } catch (e) {
      this.deps.log.error(`Meeting notes: cannot start: ${(e as Error).message}`);
      this.deps.reportError({ code: (e as { code?: string }).code ?? 'internal', message: `Cannot start meeting notes: ${(e as Error).message}`, hint: (e as { hint?: string }).hint ?? '' });
      return undefined;
    }
  }

  private async openResumed(c: Current, record: ActiveMeeting, journal: Journal): Promise<MeetingSetup | undefined> {
    try {
      const engine = await this.deps.engine();
      if (!engine) return undefined;
      c.engine = engine;
      const place = placeOf(record);
      const notes = this.openedNotes(c, record.notesPath, place);
      // An unsaved copy restored with the window may lack lines written before the reload.
      notes.document.written(journal.utterances.map(utteranceBlock));
      const { writer, journal: latest } = await NotesWriter.resume(record.notesPath, this.writerOptions(c, notes.document, place));
      return { ...this.ready(c, writer, engine), clock: new MeetingClock(Date.now, latest.clock), resumed: true };
    } catch (e) {
      this.cannotContinue(record, 'Resume', e);
      return undefined;
    }
  }

  private cannotContinue(record: ActiveMeeting, pick: string, e: unknown): void {
    this.deps.log.error(`Meeting notes: ${pick} ${record.notesPath}: ${(e as Error).message}`);
    notices.cannotContinue(record.notesPath, e);
  }

  private openedNotes(c: Current, notesPath: string, place: NotesPlace): OpenNotes {
    const uri = place.uri(notesPath).toString();
    const document = new NotesDocumentMirror(uri, {
      log: this.deps.log,
      restoreMissing: () => c.meeting.writer?.restoreMissing() ?? Promise.resolve(0),
      onFirstEdit: notices.editingNotes,
    });
    c.notes = { notesPath, uri, document, storage: place.storage };
    c.subscriptions.push(document.watch());
    return c.notes;
  }

  /** The notes are ready: the meeting can start; they open beside the editor once their header is on disk. */
  private ready(c: Current, writer: NotesWriter, engine: ChosenEngine): MeetingSetup {
    const notes = c.notes!;
    this.deps.log.info(`Meeting notes into ${notes.notesPath} (${c.tracks.map((t) => t.label).join(', ')}; engine ${engine.name})`);
    void writer
      .flushed()
      .then(() => (this.slot.current === c ? this.openNotes(vscode.Uri.parse(notes.uri)) : undefined))
      .catch((e) => this.deps.log.warn(`Meeting notes: could not open ${notes.notesPath}: ${(e as Error).message}`));
    return { engine: engine.engine, tracks: c.tracks, writer };
  }

  /** Ends interrupted notes where Voxnote last heard the meeting. */
  private async finishInterrupted(record: ActiveMeeting): Promise<void> {
    const place = placeOf(record);
    const { writer, journal } = await NotesWriter.resume(record.notesPath, { onError: (e) => notices.writeFailed(this.deps.log, e), storage: place.storage });
    const heard = journal.utterances.reduce((t, u) => Math.max(t, u.end), journal.clock.m);
    const finished = writer.finish(heard, 'Finished after an interruption: the meeting may have gone on after these notes end.');
    // A disk that refuses does not hold the person up: the record stays, and the next window offers this again.
    if (!(await withDeadline(finished, 5000)) || !(await finished)) return void writer.close();
    await this.record.forget();
    await this.openNotes(place.uri(record.notesPath));
  }

  private end(c: Current): void {
    this.slot.release(c);
    c.subscriptions.forEach((s) => s.dispose());
    c.meeting.dispose();
    c.meeting.writer?.dispose();
    this.deps.store.clearSpeakerPartials();
    this.onState('stopped');
  }

  private writerOptions(c: Current, document: NotesDocumentMirror, place: NotesPlace): NotesWriterOptions {
    return {
      storage: place.storage,
      onWritten: (blocks) => document.written(blocks),
      onError: (e) => {
        // The panel keeps what the disk refuses, marked, until it is written.
        this.deps.store.setPending(c.unwritten, true);
        notices.writeFailed(this.deps.log, e);
      },
      onRecovered: notices.writingRecovered,
    };
  }

  private onFinal(c: Current, f: MeetingFinal): void {
    const store = this.deps.store;
    const u = store.addUtterance(f.text, false, { speaker: f.speaker ?? '', pending: !!c.meeting.writer?.error });
    c.unwritten.add(u.id);
    void f.written.then((written) => {
      c.unwritten.delete(u.id);
      // Not in the notes: it stays marked in the panel, and is kept with the workspace.
      if (!written) return this.deps.keep(f);
      if (u.pending) store.setPending([u.id], false);
    });
  }

  private onProblem(c: Current, p: { track: TrackKind } & TrackProblem): void {
    this.deps.log.warn(`Meeting notes, ${p.track}: [${p.code}] ${p.message} ${p.hint}`);
    if (!p.restarting) return this.deps.reportError(p);
    if (c.restartNoticeShown) return;
    c.restartNoticeShown = true;
    notices.sourceRestarting(p.message, c.notes?.notesPath ?? '');
  }

  private onState(s: MeetingPhase): void {
    const status = STATUS[s];
    void vscode.commands.executeCommand('setContext', MEETING_CONTEXT, status === 'idle' ? undefined : status);
    this.changed.fire('state');
  }

  private async openNotes(uri: vscode.Uri): Promise<void> {
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
  }
}
