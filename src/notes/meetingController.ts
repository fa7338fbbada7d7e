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
import type { TranscriptStore } from '../transcript/transcriptStore';
import type { ResolvedModel } from '../models/modelStore';
import { MeetingClock } from './meetingClock';
import { NotesDocumentMirror } from './meetingDocument';
import * as notices from './meetingNotices';
import { ActiveMeeting, MeetingResumeRecord } from './meetingResumeRecord';
import { MeetingFinal, MeetingSession, MeetingState } from './meetingSession';
import type { TrackKind, TrackProblem, TrackSpec, TrackState } from './meetingTrack';
import { utteranceBlock } from './notesFormat';
import { Journal, readJournal } from './notesJournal';
import { notesTitle, uniqueNotesPath } from './notesPath';
import { NotesWriter, NotesWriterOptions } from './notesWriter';

export const MEETING_CONTEXT = 'voxnote.meeting';

export interface MeetingControllerDeps {
  workerPath: string;
  /** The model to use; undefined once the first-run offer or the model's problem has been shown. */
  model(): ResolvedModel | undefined;
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
  writer: NotesWriter;
  notesPath: string;
  tracks: TrackSpec[];
  document: NotesDocumentMirror;
  levels: Map<TrackKind, number>;
  /** Panel ids of this meeting's lines not on disk yet. */
  unwritten: Set<number>;
  stopping: boolean;
  restartNoticeShown: boolean;
  subscriptions: vscode.Disposable[];
}

export class MeetingController implements vscode.Disposable {
  private meeting?: Meeting;
  private readonly record: MeetingResumeRecord;
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

  get notesPath(): string | undefined {
    return this.meeting?.notesPath;
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
    if (this.meeting) await this.openNotes(this.meeting.notesPath);
  }

  /** Starts meeting notes from these sources into a new notes file; with a meeting under way, shows its notes. */
  async start(kinds: TrackKind[]): Promise<void> {
    if (this.meeting) return this.showNotes();
    const model = this.deps.model();
    if (!model) return;
    const settings = readMeetingSettings();
    const tracks: TrackSpec[] = kinds.map((kind) => ({ kind, label: settings.labels[kind], device: settings.devices[kind], backend: settings.backend }));
    const startedAt = new Date();
    const notesPath = uniqueNotesPath(settings.folder, settings.fileNameTemplate, startedAt);
    let meeting: Meeting | undefined;
    const document = this.notesDocument(notesPath, () => meeting);
    const header = { title: notesTitle(notesPath), startedAt, sources: tracks.map((t) => `${t.label} (${SOURCE_NAMES[t.kind]})`), model: model.name };
    const writer = NotesWriter.create(notesPath, header, this.writerOptions(document, () => meeting));
    meeting = this.begin({ writer, notesPath, tracks, model, document });
    await this.record.save({ notesPath, tracks });
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
    await m.session.stop();
    await m.document.settled();
    this.end(m);
    await this.record.forget();
    notices.notesComplete(m.notesPath);
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
      journal = await readJournal(record.notesPath);
    } catch (e) {
      this.deps.log.warn(`Not offering to resume the meeting notes ${record.notesPath}: ${(e as Error).message}`);
      return this.record.forget();
    }
    if (journal.end) return this.record.forget();
    const pick = await notices.askToResume(record.notesPath);
    if (this.meeting) return;
    try {
      if (pick === 'Resume') await this.resumeInto(record, journal);
      if (pick === 'Finish It') await this.finishInterrupted(record.notesPath);
    } catch (e) {
      this.deps.log.error(`Meeting notes: ${pick} ${record.notesPath}: ${(e as Error).message}`);
      notices.cannotContinue(record.notesPath, e);
    }
  }

  dispose(): void {
    // The record stays: the next window over this workspace offers to resume.
    if (this.meeting) this.end(this.meeting);
    this.changed.dispose();
  }

  private async resumeInto(record: ActiveMeeting, journal: Journal): Promise<void> {
    const model = this.deps.model();
    if (!model) return;
    const settings = readMeetingSettings();
    const tracks: TrackSpec[] = record.tracks.map(({ kind, label }) => ({ kind, label, device: settings.devices[kind], backend: settings.backend }));
    let meeting: Meeting | undefined;
    const document = this.notesDocument(record.notesPath, () => meeting);
    // An unsaved copy restored with the window may lack lines written before the reload.
    document.written(journal.utterances.map(utteranceBlock));
    const { writer, journal: latest } = await NotesWriter.resume(record.notesPath, this.writerOptions(document, () => meeting));
    const clock = new MeetingClock(Date.now, latest.clock);
    meeting = this.begin({ writer, notesPath: record.notesPath, tracks, model, document, clock });
  }

  /** Ends interrupted notes where Voxnote last heard the meeting. */
  private async finishInterrupted(notesPath: string): Promise<void> {
    const { writer, journal } = await NotesWriter.resume(notesPath, { onError: (e) => notices.writeFailed(this.deps.log, e) });
    const heard = journal.utterances.reduce((t, u) => Math.max(t, u.end), journal.clock.m);
    await writer.finish(heard, 'Finished after an interruption: the meeting may have gone on after these notes end.');
    writer.dispose();
    await this.record.forget();
    await this.openNotes(notesPath);
  }

  private begin(o: { writer: NotesWriter; notesPath: string; tracks: TrackSpec[]; model: ResolvedModel; document: NotesDocumentMirror; clock?: MeetingClock }): Meeting {
    const session = new MeetingSession({
      workerPath: this.deps.workerPath,
      modelPath: o.model.path,
      tracks: o.tracks,
      writer: o.writer,
      clock: o.clock,
      resumed: !!o.clock,
      supervisor: { log: (line) => this.deps.log.debug(`[meeting worker] ${line}`) },
    });
    const m: Meeting = {
      session,
      writer: o.writer,
      notesPath: o.notesPath,
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
    this.deps.log.info(`Meeting notes into ${o.notesPath} (${o.tracks.map((t) => t.label).join(', ')}; model ${o.model.name})`);
    // Opened once its header is on disk.
    void o.writer
      .flushed()
      .then(() => (this.meeting === m ? this.openNotes(o.notesPath) : undefined))
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

  private notesDocument(notesPath: string, meeting: () => Meeting | undefined): NotesDocumentMirror {
    return new NotesDocumentMirror(notesPath, {
      log: this.deps.log,
      restoreMissing: () => meeting()?.writer.restoreMissing() ?? Promise.resolve(0),
      onFirstEdit: notices.editingNotes,
    });
  }

  private writerOptions(document: NotesDocumentMirror, meeting: () => Meeting | undefined): NotesWriterOptions {
    return {
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

  private async openNotes(notesPath: string): Promise<void> {
    await vscode.window.showTextDocument(vscode.Uri.file(notesPath), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
  }
}
