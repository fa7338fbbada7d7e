/**
 * A meeting's lifetime on the VS Code side: a MeetingSession into a new notes
 * file (or, after a window reload, into the interrupted one), the notes opened
 * beside the editor, writes mirrored into a dirty notes document
 * (NotesBufferSync, docs/notes.md "Editing during a meeting"), partials and
 * finals in the transcript panel, problems reported. Commands and the status
 * bar only call it and observe it.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { readMeetingSettings } from '../config';
import type { TranscriptStore } from '../dictation/transcriptState';
import type { ChosenEngine } from '../speech/vscode/engineChoice';
import type { SpeechService } from '../speech/speechService';
import { MeetingClock } from './meetingClock';
import { MeetingFinal, MeetingSession, MeetingState } from './meetingSession';
import type { TrackKind, TrackProblem, TrackSpec, TrackState } from './meetingTrack';
import { utteranceBlock } from './notesFormat';
import { Journal, readJournal } from './notesJournal';
import { notesTitle, uniqueNotesPath } from './notesPath';
import { NotesBufferSync } from './notesReconcile';
import { NotesWriteError, NotesWriter, NotesWriterOptions } from './notesWriter';

export const MEETING_CONTEXT = 'voxnote.meeting';
/** workspaceState: the meeting under way, so that a reloaded window offers to resume it. */
const ACTIVE_KEY = 'voxnote.meeting.active';

interface ActiveRecord {
  notesPath: string;
  tracks: Array<{ kind: TrackKind; label: string }>;
}

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
  sync: NotesBufferSync;
  levels: Map<TrackKind, number>;
  /** Panel ids of this meeting's lines not on disk yet. */
  unwritten: Set<number>;
  /** Edits of the notes document, one at a time, so none inserts what an earlier one did. */
  edits: Promise<void>;
  documentDirty: boolean;
  stopping: boolean;
  restartNoticeShown: boolean;
  editHintShown: boolean;
  subscriptions: vscode.Disposable[];
}

export class MeetingController implements vscode.Disposable {
  private meeting?: Meeting;
  private readonly changed = new vscode.EventEmitter<'state' | 'level'>();
  /** 'state' for anything the status bar shows but levels, which come often. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: MeetingControllerDeps) {}

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
    const engine = await this.deps.engine();
    if (!engine || this.meeting) return;
    const settings = readMeetingSettings();
    const tracks: TrackSpec[] = kinds.map((kind) => ({ kind, label: settings.labels[kind], device: settings.devices[kind], backend: settings.backend }));
    const startedAt = new Date();
    const notesPath = uniqueNotesPath(settings.folder, settings.fileNameTemplate, startedAt);
    const sync = new NotesBufferSync();
    let meeting: Meeting | undefined;
    const header = { title: notesTitle(notesPath), startedAt, sources: tracks.map((t) => `${t.label} (${SOURCE_NAMES[t.kind]})`), model: engine.name };
    const writer = NotesWriter.create(notesPath, header, this.writerOptions(sync, () => meeting));
    meeting = this.begin({ writer, notesPath, tracks, engine, sync });
    await this.deps.workspaceState.update(ACTIVE_KEY, { notesPath, tracks: tracks.map(({ kind, label }) => ({ kind, label })) } satisfies ActiveRecord);
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
    await m.edits;
    this.end(m);
    await this.deps.workspaceState.update(ACTIVE_KEY, undefined);
    const name = path.basename(m.notesPath);
    void vscode.window.showInformationMessage(`Voxnote: the meeting notes are complete in ${name}.`, 'Export as Subtitles…').then((pick) => {
      if (pick) void vscode.commands.executeCommand('voxnote.exportSubtitles', vscode.Uri.file(m.notesPath));
    });
  }

  /**
   * At activation: a meeting that was under way when the window closed or
   * reloaded (its journal has no end) can be resumed into the same file, or finished.
   */
  async offerResume(): Promise<void> {
    const record = this.deps.workspaceState.get<ActiveRecord>(ACTIVE_KEY);
    if (!record || this.meeting) return;
    let journal: Journal;
    try {
      journal = await readJournal(record.notesPath);
    } catch (e) {
      this.deps.log.warn(`Not offering to resume the meeting notes ${record.notesPath}: ${(e as Error).message}`);
      return this.forget();
    }
    if (journal.end) return this.forget();
    const name = path.basename(record.notesPath);
    const pick = await vscode.window.showInformationMessage(
      `Voxnote: meeting notes were being taken into ${name} when VS Code closed. Resume meeting notes into ${name}?`,
      'Resume',
      'Finish It',
    );
    if (this.meeting) return;
    try {
      if (pick === 'Resume') await this.resumeInto(record, journal);
      if (pick === 'Finish It') await this.finishInterrupted(record.notesPath);
    } catch (e) {
      const hint = (e as { hint?: string }).hint ?? 'Start new meeting notes with "Voxnote: Start Meeting Notes".';
      this.deps.log.error(`Meeting notes: ${pick} ${record.notesPath}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`Voxnote: cannot continue the meeting notes ${name}: ${(e as Error).message} ${hint}`);
    }
  }

  dispose(): void {
    // The record stays: the next window over this workspace offers to resume.
    if (this.meeting) this.end(this.meeting);
    this.changed.dispose();
  }

  private async resumeInto(record: ActiveRecord, journal: Journal): Promise<void> {
    const engine = await this.deps.engine();
    if (!engine || this.meeting) return;
    const settings = readMeetingSettings();
    const tracks: TrackSpec[] = record.tracks.map(({ kind, label }) => ({ kind, label, device: settings.devices[kind], backend: settings.backend }));
    const sync = new NotesBufferSync();
    // An unsaved copy restored with the window may lack lines written before the reload.
    sync.onWritten(journal.utterances.map(utteranceBlock));
    let meeting: Meeting | undefined;
    const { writer, journal: latest } = await NotesWriter.resume(record.notesPath, this.writerOptions(sync, () => meeting));
    const clock = new MeetingClock(Date.now, latest.clock);
    meeting = this.begin({ writer, notesPath: record.notesPath, tracks, engine, sync, clock });
  }

  /** Ends interrupted notes where Voxnote last heard the meeting. */
  private async finishInterrupted(notesPath: string): Promise<void> {
    const { writer, journal } = await NotesWriter.resume(notesPath, { onError: (e) => this.showWriteError(e) });
    const heard = journal.utterances.reduce((t, u) => Math.max(t, u.end), journal.clock.m);
    await writer.finish(heard, 'Finished after an interruption: the meeting may have gone on after these notes end.');
    writer.dispose();
    await this.forget();
    await this.openNotes(notesPath);
  }

  private begin(o: { writer: NotesWriter; notesPath: string; tracks: TrackSpec[]; engine: ChosenEngine; sync: NotesBufferSync; clock?: MeetingClock }): Meeting {
    const session = new MeetingSession({
      speech: this.deps.speech,
      engine: o.engine.engine,
      tracks: o.tracks,
      writer: o.writer,
      clock: o.clock,
      resumed: !!o.clock,
    });
    const m: Meeting = {
      session,
      engine: o.engine,
      writer: o.writer,
      notesPath: o.notesPath,
      uri: vscode.Uri.file(o.notesPath).toString(),
      tracks: o.tracks,
      sync: o.sync,
      levels: new Map(),
      unwritten: new Set(),
      edits: Promise.resolve(),
      documentDirty: false,
      stopping: false,
      restartNoticeShown: false,
      editHintShown: false,
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
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== m.uri) return;
        const dirty = e.document.isDirty;
        // Also covers a keystroke that beat VS Code's reload of the file Voxnote appended to.
        if (dirty && !m.documentDirty) {
          this.syncDocument(m);
          this.showEditHint(m);
        }
        m.documentDirty = dirty;
      }),
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document.uri.toString() === m.uri) e.waitUntil(this.editsBeforeSave(m, e.document));
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        // A save racing an append can drop lines from the disk file: the writer appends them again.
        if (doc.uri.toString() === m.uri) void m.writer.restoreMissing().then((n) => n && this.deps.log.info(`Meeting notes: ${n} lines appended again after a save`));
      }),
    );
    this.meeting = m;
    session.start();
    this.deps.log.info(`Meeting notes into ${o.notesPath} (${o.tracks.map((t) => t.label).join(', ')}; engine ${o.engine.name})`);
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

  private writerOptions(sync: NotesBufferSync, meeting: () => Meeting | undefined): NotesWriterOptions {
    return {
      onWritten: (blocks) => {
        sync.onWritten(blocks);
        const m = meeting();
        if (m) this.syncDocument(m);
      },
      onError: (e) => {
        const m = meeting();
        // The panel keeps what the disk refuses, marked, until it is written.
        if (m) this.deps.store.setPending(m.unwritten, true);
        this.showWriteError(e);
      },
      onRecovered: () => void vscode.window.showInformationMessage('Voxnote: the meeting notes are written again; nothing was lost.'),
    };
  }

  private showWriteError(e: NotesWriteError): void {
    this.deps.log.error(`[notes ${e.code}] ${e.message} ${e.hint}`);
    void vscode.window.showErrorMessage(`Voxnote: ${e.message} ${e.hint}`, 'Show Transcript').then((pick) => {
      if (pick) void vscode.commands.executeCommand('voxnote.showTranscript');
    });
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
    void vscode.window.showWarningMessage(`Voxnote: ${p.message} Voxnote is restarting it; the notes so far are safe in ${path.basename(m.notesPath)}.`);
  }

  private onState(s: MeetingState): void {
    const context = s === 'running' || s === 'paused' || s === 'stopping' ? s : undefined;
    void vscode.commands.executeCommand('setContext', MEETING_CONTEXT, context);
    this.changed.fire('state');
  }

  private notesDocument(m: Meeting): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === m.uri);
  }

  /** Inserts at the end of an open, unsaved notes document the lines the disk has and it lacks. */
  private syncDocument(m: Meeting): void {
    m.edits = m.edits
      .then(async () => {
        const doc = this.notesDocument(m);
        const text = doc && m.sync.edit({ text: doc.getText(), isDirty: doc.isDirty });
        if (!doc || !text) return;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(doc.uri, doc.positionAt(doc.getText().length), text);
        if (!(await vscode.workspace.applyEdit(edit))) this.deps.log.warn('Meeting notes: VS Code refused to add the latest lines to the open notes document.');
      })
      .catch((e) => this.deps.log.error(`Meeting notes: updating the open notes document failed: ${(e as Error).message}`));
  }

  private async editsBeforeSave(m: Meeting, doc: vscode.TextDocument): Promise<vscode.TextEdit[]> {
    await m.edits;
    const text = m.sync.edit({ text: doc.getText(), isDirty: doc.isDirty });
    return text ? [vscode.TextEdit.insert(doc.positionAt(doc.getText().length), text)] : [];
  }

  private showEditHint(m: Meeting): void {
    if (m.editHintShown) return;
    m.editHintShown = true;
    void vscode.window.showInformationMessage(
      'Voxnote: edit the notes freely during the meeting. Each new line goes to the file and to the end of your unsaved copy, ' +
        'so if VS Code says the file on disk is newer when you save, choose Overwrite: nothing is lost.',
    );
  }

  private async openNotes(notesPath: string): Promise<void> {
    await vscode.window.showTextDocument(vscode.Uri.file(notesPath), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
  }

  private async forget(): Promise<void> {
    await this.deps.workspaceState.update(ACTIVE_KEY, undefined);
  }
}
