/**
 * Owns the dictation session: starts and stops the worker's session, routes
 * partials to the ghost text and the transcript, finals through the formatter
 * into the editor, and recovers when the worker crashes. One session at a time.
 */
import * as vscode from 'vscode';
import { preloadModel, readDictationSettings } from '../config';
import type { WorkerSupervisor } from '../speech/workerSupervisor';
import type { ModelStore, ResolvedModel } from '../models/modelStore';
import type { EventOf, WorkerEvent } from '../shared/protocol';
import { GhostText } from './ghostText';
import { HoldDetector } from './holdDetector';
import { Target, TextInserter } from './insertion';
import type { TranscriptStore } from './transcriptState';

export const DICTATING_CONTEXT = 'voxnote.dictating';

export interface StartOptions {
  /** Set by the terminal keybinding: dictate into the active terminal. */
  target?: 'terminal';
}

interface Session {
  model: ResolvedModel;
  toTerminal: boolean;
  started: boolean;
  stopping: boolean;
  /** Escape: the flushed last final is dropped, not inserted. */
  discard: boolean;
  /** Where the current utterance is going, fixed when it begins. */
  utteranceTarget?: Target;
  crashes: number;
  fallbackNoticeShown: boolean;
}

export interface ControllerDeps {
  supervisor: WorkerSupervisor;
  store: TranscriptStore;
  models: ModelStore;
  log: vscode.LogOutputChannel;
  /** No model at all: offer to get one. */
  firstRun(): void;
  /** A model, microphone or engine problem: a notification with a next step. */
  reportError(error: { code: string; message: string; hint: string }): void;
}

export class DictationController implements vscode.Disposable {
  private session?: Session;
  private readonly ghost = new GhostText();
  private readonly inserter = new TextInserter(() => readDictationSettings().format);
  private hold?: HoldDetector;
  private holdMode?: string;
  private holdOptions: StartOptions = {};
  /** Finals are inserted strictly in order, even though insertion is async. */
  private finals: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: ControllerDeps) {
    this.disposables.push(
      this.ghost,
      deps.supervisor.onEvent((e) => this.onEvent(e)),
      deps.supervisor.onRestart(() => this.onWorkerRestart()),
    );
  }

  get active(): boolean {
    return !!this.session;
  }

  /** Keeps a warm worker with the model loaded, so push-to-talk captures at once. */
  warmUp(): void {
    const model = this.deps.models.resolve();
    if (model?.check.ok) this.deps.supervisor.send({ type: 'load', engine: { kind: 'vosk', model: model.path } });
  }

  start(options: StartOptions = {}): void {
    if (this.session) return;
    const model = this.deps.models.resolve();
    if (!model) return this.deps.firstRun();
    if (!model.check.ok) return this.deps.reportError({ code: 'bad-model', ...model.check });
    this.session = {
      model,
      toTerminal: options.target === 'terminal',
      started: false,
      stopping: false,
      discard: false,
      crashes: 0,
      fallbackNoticeShown: false,
    };
    this.inserter.reset();
    void vscode.commands.executeCommand('setContext', DICTATING_CONTEXT, true);
    this.sendStart(this.session);
  }

  stop(): void {
    const session = this.session;
    if (!session || session.stopping) return;
    session.stopping = true;
    if (this.deps.supervisor.running) this.deps.supervisor.send({ type: 'stop' });
    else this.end();
  }

  /** Escape: stop and drop what has not been finalized. */
  cancel(): void {
    if (!this.session) return;
    this.session.discard = true;
    this.ghost.clear();
    this.deps.store.setPartial('');
    this.stop();
  }

  toggle(options: StartOptions = {}): void {
    if (this.session) this.stop();
    else this.start(options);
  }

  /** One press of the push-to-talk key; key repeats while held arrive as more presses. */
  pushToTalk(options: StartOptions = {}): void {
    const { pushToTalkMode: mode, releaseTailMs } = readDictationSettings();
    if (!this.hold || this.holdMode !== mode) {
      this.hold?.dispose();
      this.holdMode = mode;
      this.hold = new HoldDetector(
        { mode, releaseTailMs },
        { onStart: () => this.start(this.holdOptions), onStop: () => this.stop() },
      );
    }
    this.holdOptions = options;
    this.hold.press();
  }

  private sendStart(session: Session): void {
    const settings = readDictationSettings();
    this.deps.store.update({
      status: 'loading',
      source: session.toTerminal ? 'Microphone → terminal' : 'Microphone',
      device: settings.device ?? 'default',
      model: session.model.name,
    });
    this.deps.supervisor.send({
      type: 'start',
      source: { kind: 'mic', device: settings.device, backend: settings.backend },
      engine: { kind: 'vosk', model: session.model.path },
      options: { partials: true, levels: true, phrases: settings.phrases.length ? settings.phrases : undefined },
    });
  }

  private currentTarget(session: Session): Target | undefined {
    if (session.toTerminal) {
      const terminal = vscode.window.activeTerminal;
      return terminal ? { kind: 'terminal', terminal } : undefined;
    }
    const editor = vscode.window.activeTextEditor;
    return editor ? { kind: 'editor', document: editor.document } : undefined;
  }

  private onEvent(e: WorkerEvent): void {
    const session = this.session;
    switch (e.type) {
      case 'started':
        if (!session) return;
        session.started = true;
        this.deps.store.update({ status: 'listening', device: e.device });
        return;
      case 'partial':
        if (!session || session.discard) return;
        session.utteranceTarget ??= this.currentTarget(session);
        this.deps.store.setPartial(e.text);
        this.showGhost(session, e.text);
        return;
      case 'final':
        if (!session || session.discard) return;
        this.queueFinal(session, e);
        return;
      case 'level':
        if (session) this.deps.store.setLevel(e.dbfs);
        return;
      case 'error':
        return this.onError(e);
      case 'stopped':
        if (session) void this.finals.then(() => this.end());
        return;
    }
  }

  private showGhost(session: Session, text: string): void {
    const target = session.utteranceTarget;
    const editor = vscode.window.activeTextEditor;
    if (!readDictationSettings().ghostText || target?.kind !== 'editor' || editor?.document !== target.document) return;
    this.ghost.show(editor, text);
  }

  private queueFinal(session: Session, e: EventOf<'final'>): void {
    const target = session.utteranceTarget ?? this.currentTarget(session);
    session.utteranceTarget = undefined;
    this.finals = this.finals.then(async () => {
      this.ghost.clear();
      const delivery = await this.inserter.insert(e.text, target);
      if (delivery.delivered && !delivery.text) return; // "scratch that"
      this.deps.store.addUtterance(delivery.text, !delivery.delivered);
      if (delivery.delivered) return;
      // Never dropped: the panel and the clipboard keep it.
      await vscode.env.clipboard.writeText(delivery.text);
      this.deps.log.warn(`Utterance kept in the transcript and clipboard: ${delivery.reason}`);
      if (!session.fallbackNoticeShown) {
        session.fallbackNoticeShown = true;
        void vscode.window
          .showWarningMessage(
            `Voxnote: ${delivery.reason}, so your words are in the transcript panel and on the clipboard.`,
            'Show Transcript',
          )
          .then((pick) => pick && vscode.commands.executeCommand('voxnote.showTranscript'));
      }
    });
  }

  private onError(e: EventOf<'error'>): void {
    const session = this.session;
    this.deps.log.error(`[${e.code}] ${e.message} ${e.hint}`);
    if (!e.fatal) {
      if (e.code === 'phrases-unsupported') void vscode.window.showInformationMessage(`Voxnote: ${e.message}`);
      return;
    }
    if (!session) return;
    this.ghost.clear();
    // A crash while listening is recovered: the supervisor starts a new worker and the session resumes.
    if ((e.code === 'worker-crashed' || e.code === 'worker-unresponsive') && session.started && !session.stopping) {
      session.crashes++;
      session.started = false;
      // The cut utterance is gone with the worker: the next one aims at wherever the user is then.
      session.utteranceTarget = undefined;
      this.deps.store.update({ status: 'loading' });
      if (session.crashes === 1) {
        void vscode.window.showWarningMessage('Voxnote: the speech engine stopped unexpectedly and is restarting. What you dictated so far is kept.');
      }
      return;
    }
    this.end();
    this.deps.store.update({ status: 'error', error: { message: e.message, hint: e.hint } });
    this.deps.reportError(e);
  }

  private onWorkerRestart(): void {
    const session = this.session;
    if (session && !session.started && !session.stopping) this.sendStart(session);
    else if (!session && preloadModel()) this.warmUp();
  }

  private end(): void {
    if (!this.session) return;
    this.session = undefined;
    this.hold?.reset();
    this.ghost.clear();
    void vscode.commands.executeCommand('setContext', DICTATING_CONTEXT, false);
    if (this.deps.store.state.status !== 'error') this.deps.store.update({ status: 'idle' });
  }

  dispose(): void {
    this.hold?.dispose();
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
