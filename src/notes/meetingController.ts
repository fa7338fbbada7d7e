/**
 * A meeting's lifetime on the VS Code side: a MeetingSession into a new notes
 * file (or, after a window reload, into the interrupted one), the notes opened
 * beside the editor, partials and finals in the transcript panel, problems
 * reported. Its helpers: the open document kept in step (meetingDocument.ts),
 * the record that offers a resume after a reload (meetingResumeRecord.ts), the
 * messages (meetingNotices.ts). Commands and the status bar only call it and
 * observe it.
 */
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import { withDeadline } from '../shared/deadline';
import type { TranscriptStore } from '../transcript/transcriptStore';
import type { ChosenEngine } from '../speech/vscode/engineChoice';
import type { SpeechService } from '../speech/speechService';
import { MeetingClock } from './meetingClock';
import { NotesDocumentMirror } from './meetingDocument';
import * as notices from './meetingNotices';
import { type ActiveMeeting, MeetingResumeRecord } from './meetingResumeRecord';
import { MeetingFinal, MeetingSession, MeetingState } from './meetingSession';
import type { TrackKind, TrackProblem, TrackSpec, TrackState } from './meetingTrack';
import { utteranceBlock } from './notesFormat';
import { Journal, journalPathFor, readJournal } from './notesJournal';
import { createNotesFile, notesTitle } from './notesPath';
import { locationOf, meetingNotesLocation, type NotesLocation } from './notesFiles';
import { notesLineFormat } from './notesLineSettings';
import { NotesWriter, NotesWriterOptions } from './notesWriter';

export const MEETING_CONTEXT = 'voxnote.meeting';

export interface MeetingControllerDeps {
  speech: SpeechService;
  /** The engine to use; undefined once what is missing (a model, an API key) has been offered. */
  engine(): Promise<ChosenEngine | undefined>;
  store: TranscriptStore;
  workspaceState: vscode.Memento;
  log: vscode.LogOutputChannel;
  reportError(error: { code: string; message: string; hint: string }): void;
}

export type MeetingStatus = 'idle' | Exclude<MeetingState, 'idle' | 'stopped'>;

export interface MeetingSource {
  kind: TrackKind;
  label: string;
  state: TrackState | undefined;
  /** Latest input level in dBFS, once one arrived. */
  dbfs: number | undefined;
}

const SOURCE_NAMES: Record<TrackKind, string> = { mic: 'microphone', system: 'system audio' };

interface Meeting {
  session: MeetingSession;
  engine: ChosenEngine;
  writer: NotesWriter;
  notesPath: string;
  uri: string;
  tracks: TrackSpec[];
  document: NotesDocumentMirror;
  levels: Map<TrackKind, number>;
  /** Panel ids of this meeting's lines not on disk yet. */
  unwritten: Set<number>;
  stopping: boolean;
  /** Stop under way: the footer and the last lines going to disk. */
  stopped?: Promise<void>;
  restartNoticeShown: boolean;
  subscriptions: vscode.Disposable[];
}

/** The storage a notes file is in, and its files' URIs. */
type NotesPlace = Pick<NotesLocation, 'storage' | 'uri'>;

const placeOf = (record: ActiveMeeting): NotesPlace => locationOf(record.uri ? vscode.Uri.parse(record.uri) : vscode.Uri.file(record.notesPath));

export class MeetingController implements vscode.Disposable {
  private meeting?: Meeting;
  private readonly record: MeetingResumeRecord;
  private creating = false;
  private shuttingDown?: Promise<void>;
  private readonly changed = new vscode.EventEmitter<'state' | 'level'>();
  /** 'state' for anything the status bar shows but levels, which come often. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: MeetingControllerDeps) {
    this.record = new MeetingResumeRecord(deps.workspaceState);
  }

  get status(): MeetingStatus {
    const s = this.meeting?.session.current;
    return !s || s === 'idle' || s === 'stopped' ? 'idle' : s;
  }

  /** The meeting under way sends its audio to a cloud engine. */
  get cloud(): boolean {
    return !!this.meeting?.engine.cloud;
  }

  get notesPath(): string | undefined {
    return this.meeting?.notesPath;
  }

  /** The notes file of the meeting under way, wherever it is (a remote workspace's too). */
  get notesUri(): vscode.Uri | undefined {
    return this.meeting && vscode.Uri.parse(this.meeting.uri);
  }

  /** Meeting seconds so far. */
  elapsed(): number {
    return this.meeting?.session.elapsed() ?? 0;
  }

  sources(): MeetingSource[] {
    const m = this.meeting;
    if (!m) return [];
    return m.tracks.map(({ kind, label }) => ({ kind, label, state: m.session.trackState(kind), dbfs: m.levels.get(kind) }));
  }

  /** Shows the notes of the meeting under way beside the editor. */
  async showNotes(): Promise<void> {
    if (this.meeting) await this.openNotes(vscode.Uri.parse(this.meeting.uri));
  }

  /** Starts meeting notes from these sources into a new notes file; with a meeting under way, shows its notes. */
  async start(kinds: TrackKind[]): Promise<void> {
    if (this.meeting) return this.showNotes();
    const engine = await this.deps.engine();
    if (!engine || this.meeting) return;
    const settings = readMeetingSettings();
    if (settings.folderIgnored) void vscode.window.showWarningMessage(`Voxnote: ${settings.folderIgnored}`);
    const tracks: TrackSpec[] = kinds.map((kind) => ({ kind, label: settings.labels[kind], device: settings.devices[kind], backend: settings.backend }));
    const startedAt = new Date();
    // A second Start while the file is being created must not make a second file.
    if (this.creating) return;
    this.creating = true;
    const place = meetingNotesLocation(settings.folderSetting);
    let notesPath: string;
    try {
      notesPath = await createNotesFile(place.folder, settings.fileNameTemplate, startedAt, place.storage);
    } finally {
      this.creating = false;
    }
    if (this.meeting) {
      // A resumed meeting came first: the file made for this one goes again.
      await Promise.all([notesPath, journalPathFor(notesPath)].map((f) => place.storage.remove(f).catch(() => undefined)));
      return this.showNotes();
    }
    let meeting: Meeting | undefined;
    const document = this.notesDocument(place.uri(notesPath), () => meeting);
    const header = { title: notesTitle(notesPath), startedAt, sources: tracks.map((t) => `${t.label} (${SOURCE_NAMES[t.kind]})`), model: engine.name };
    const writer = NotesWriter.create(notesPath, header, this.writerOptions(document, () => meeting, place));
    meeting = this.begin({ writer, notesPath, place, tracks, engine, document });
    await this.record.save({ notesPath, uri: meeting.uri, tracks });
  }

  async pause(): Promise<void> {
    await this.meeting?.session.pause();
  }

  resume(): void {
    this.meeting?.session.resume();
  }

  /** Stops capture; resolves once the last lines and the footer are on disk and in an open, unsaved notes document. */
  async stop(): Promise<void> {
    const m = this.meeting;
    if (!m || m.stopping) return;
    m.stopping = true;
    m.stopped = m.session.stop();
    await m.stopped;
    await m.document.settled();
    this.end(m);
    await this.record.forget();
    notices.notesComplete(m.notesPath, vscode.Uri.parse(m.uri));
  }

  /**
   * At activation: a meeting that was under way when the window closed or
   * reloaded (its journal has no end) can be resumed into the same file, or finished.
   */
  async offerResume(): Promise<void> {
    const record = this.record.get();
    if (!record || this.meeting) return;
    let journal: Journal;
    try {
      journal = await readJournal(record.notesPath, placeOf(record).storage);
    } catch (e) {
      this.deps.log.warn(`Not offering to resume the meeting notes ${record.notesPath}: ${(e as Error).message}`);
      return this.record.forget();
    }
    if (journal.end) return this.record.forget();
    const pick = await notices.askToResume(record.notesPath);
    if (this.meeting) return;
    try {
      if (pick === 'Resume') await this.resumeInto(record, journal);
      if (pick === 'Finish It') await this.finishInterrupted(record);
    } catch (e) {
      this.deps.log.error(`Meeting notes: ${pick} ${record.notesPath}: ${(e as Error).message}`);
      notices.cannotContinue(record.notesPath, e);
    }
  }

  /**
   * The window is closing (deactivate): capture stops, each source's last final
   * goes into the notes, and everything is on disk when this resolves, within
   * `ms`. No footer, and the record stays: the next window offers to resume.
   */
  shutdown(ms: number): Promise<void> {
    this.shuttingDown ??= (async () => {
      const m = this.meeting;
      if (!m) return;
      // Stopped by the user just before: its footer is being written.
      if (m.stopping) return void (await withDeadline(m.stopped ?? Promise.resolve(), ms));
      m.stopping = true;
      const t0 = Date.now();
      await withDeadline(m.session.interrupt(), ms * 0.6);
      await withDeadline(m.writer.close(), Math.max(0, ms - (Date.now() - t0)));
    })();
    return this.shuttingDown;
  }

  dispose(): void {
    // During shutdown() the session still needs its subscriptions: disposed after it.
    if (this.shuttingDown) return void this.shuttingDown.finally(() => this.disposeNow());
    this.disposeNow();
  }

  private disposeNow(): void {
    // The record stays: the next window over this workspace offers to resume.
    if (this.meeting) this.end(this.meeting);
    this.changed.dispose();
  }

  private async resumeInto(record: ActiveMeeting, journal: Journal): Promise<void> {
    const engine = await this.deps.engine();
    if (!engine || this.meeting) return;
    const settings = readMeetingSettings();
    const tracks: TrackSpec[] = record.tracks.map(({ kind, label }) => ({ kind, label, device: settings.devices[kind], backend: settings.backend }));
    let meeting: Meeting | undefined;
    const place = placeOf(record);
    const document = this.notesDocument(place.uri(record.notesPath), () => meeting);
    // An unsaved copy restored with the window may lack lines written before the reload.
    document.written(journal.utterances.map(utteranceBlock));
    const { writer, journal: latest } = await NotesWriter.resume(record.notesPath, this.writerOptions(document, () => meeting, place));
    const clock = new MeetingClock(Date.now, latest.clock);
    meeting = this.begin({ writer, notesPath: record.notesPath, place, tracks, engine, document, clock });
  }

  /** Ends interrupted notes where Voxnote last heard the meeting. */
  private async finishInterrupted(record: ActiveMeeting): Promise<void> {
    const place = placeOf(record);
    const { writer, journal } = await NotesWriter.resume(record.notesPath, { onError: (e) => notices.writeFailed(this.deps.log, e), storage: place.storage });
    const heard = journal.utterances.reduce((t, u) => Math.max(t, u.end), journal.clock.m);
    await writer.finish(heard, 'Finished after an interruption: the meeting may have gone on after these notes end.');
    writer.dispose();
    await this.record.forget();
    await this.openNotes(place.uri(record.notesPath));
  }

  private begin(o: { writer: NotesWriter; notesPath: string; place: NotesPlace; tracks: TrackSpec[]; engine: ChosenEngine; document: NotesDocumentMirror; clock?: MeetingClock }): Meeting {
    const lineFormat = notesLineFormat();
    const session = new MeetingSession({
      speech: this.deps.speech,
      engine: o.engine.engine,
      tracks: o.tracks,
      writer: o.writer,
      clock: o.clock,
      resumed: !!o.clock,
      // Word times give the pauses that end sentences inside a line.
      recognizer: lineFormat ? { words: true } : {},
      lineFormat,
    });
    const m: Meeting = {
      session,
      engine: o.engine,
      writer: o.writer,
      notesPath: o.notesPath,
      uri: o.place.uri(o.notesPath).toString(),
      tracks: o.tracks,
      document: o.document,
      levels: new Map(),
      unwritten: new Set(),
      stopping: false,
      restartNoticeShown: false,
      subscriptions: [],
    };
    const store = this.deps.store;
    m.subscriptions.push(
      session.onFinal((f) => this.onFinal(m, f)),
      session.onPartial((p) => store.setSpeakerPartial(p.label, p.text)),
      session.onLevel((l) => {
        m.levels.set(l.track, l.dbfs);
        this.changed.fire('level');
      }),
      session.onTrackState((t) => {
        this.deps.log.info(`Meeting notes: ${t.track} ${t.state}`);
        this.changed.fire('state');
      }),
      session.onProblem((p) => this.onProblem(m, p)),
      session.onState((s) => this.onState(s)),
      o.document.watch(),
    );
    this.meeting = m;
    session.start();
    this.deps.log.info(`Meeting notes into ${o.notesPath} (${o.tracks.map((t) => t.label).join(', ')}; engine ${o.engine.name})`);
    // Opened once its header is on disk.
    void o.writer
      .flushed()
      .then(() => (this.meeting === m ? this.openNotes(vscode.Uri.parse(m.uri)) : undefined))
      .catch((e) => this.deps.log.warn(`Meeting notes: could not open ${o.notesPath}: ${(e as Error).message}`));
    return m;
  }

  private end(m: Meeting): void {
    if (this.meeting !== m) return;
    this.meeting = undefined;
    m.subscriptions.forEach((s) => s.dispose());
    m.session.dispose();
    m.writer.dispose();
    this.deps.store.clearSpeakerPartials();
    this.onState('stopped');
  }

  private notesDocument(uri: vscode.Uri, meeting: () => Meeting | undefined): NotesDocumentMirror {
    return new NotesDocumentMirror(uri.toString(), {
      log: this.deps.log,
      restoreMissing: () => meeting()?.writer.restoreMissing() ?? Promise.resolve(0),
      onFirstEdit: notices.editingNotes,
    });
  }

  private writerOptions(document: NotesDocumentMirror, meeting: () => Meeting | undefined, place: NotesPlace): NotesWriterOptions {
    return {
      storage: place.storage,
      onWritten: (blocks) => document.written(blocks),
      onError: (e) => {
        const m = meeting();
        // The panel keeps what the disk refuses, marked, until it is written.
        if (m) this.deps.store.setPending(m.unwritten, true);
        notices.writeFailed(this.deps.log, e);
      },
      onRecovered: notices.writingRecovered,
    };
  }

  private onFinal(m: Meeting, f: MeetingFinal): void {
    const store = this.deps.store;
    const u = store.addUtterance(f.text, false, { speaker: f.speaker ?? '', pending: !!m.writer.error });
    m.unwritten.add(u.id);
    void f.written.then(() => {
      m.unwritten.delete(u.id);
      if (u.pending) store.setPending([u.id], false);
    });
  }

  private onProblem(m: Meeting, p: { track: TrackKind } & TrackProblem): void {
    this.deps.log.warn(`Meeting notes, ${p.track}: [${p.code}] ${p.message} ${p.hint}`);
    if (!p.restarting) return this.deps.reportError(p);
    if (m.restartNoticeShown) return;
    m.restartNoticeShown = true;
    notices.sourceRestarting(p.message, m.notesPath);
  }

  private onState(s: MeetingState): void {
    const context = s === 'running' || s === 'paused' || s === 'stopping' ? s : undefined;
    void vscode.commands.executeCommand('setContext', MEETING_CONTEXT, context);
    this.changed.fire('state');
  }

  private async openNotes(uri: vscode.Uri): Promise<void> {
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
  }
}
