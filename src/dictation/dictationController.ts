/**
 * Owns dictation: opens a speech session on its lane of the speech service,
 * routes partials to the ghost text and the transcript, finals through the
 * formatter into the editor, and tells the person when the session restarts
 * or ends with an error. One session at a time.
 */
import * as vscode from 'vscode';
import { readDictationSettings } from '../config';
import { withDeadline } from '../shared/deadline';
import type { ChosenEngine, EngineChoice } from '../speech/vscode/engineChoice';
import type { Disposable } from '../speech/lifecycle';
import type { SpeechEnd, SpeechError, SpeechFinal, SpeechSession } from '../speech/speechSession';
import type { SpeechLane } from '../speech/speechService';
import { FinalDelivery } from './finalDelivery';
import { GhostText } from './ghostText';
import { HoldDetector } from './holdDetector';
import { Target, TextInserter } from './insertion';
import type { TranscriptStore } from '../transcript/transcriptStore';

export const DICTATING_CONTEXT = 'voxnote.dictating';

export interface StartOptions {
  /** Set by the terminal keybinding: dictate into the active terminal. */
  target?: 'terminal';
}

interface Session {
  speech: SpeechSession;
  engine: ChosenEngine;
  toTerminal: boolean;
  stopping: boolean;
  /** Escape: the flushed last final is dropped, not inserted. */
  discard: boolean;
  /** Where the current utterance is going, fixed when it begins. */
  utteranceTarget?: Target;
  restartNoticeShown: boolean;
  fallbackNoticeShown: boolean;
  subscriptions: Disposable[];
}

export interface ControllerDeps {
  /** Dictation's lane of the speech service: its worker stays warm between sessions. */
  lane: SpeechLane;
  engines: EngineChoice;
  store: TranscriptStore;
  log: vscode.LogOutputChannel;
  /** A model, microphone or engine problem: a notification with a next step. */
  reportError(error: { code: string; message: string; hint: string }): void;
}

const OFFER = { purpose: 'dictating', command: 'voxnote.startDictation' };

export class DictationController implements vscode.Disposable {
  private session?: Session;
  /** A start waiting for its engine (the API key); a stop meanwhile cancels it. */
  private pending?: { cancelled: boolean };
  private readonly ghost = new GhostText();
  private readonly inserter = new TextInserter(() => readDictationSettings().format);
  private hold?: HoldDetector;
  private holdMode?: string;
  private holdOptions: StartOptions = {};
  /** Finals are inserted strictly in order, even though insertion is async; each on its own. */
  private readonly finals: FinalDelivery<{ session: Session; target: Target | undefined }>;
  private readonly disposables: vscode.Disposable[] = [];
  /** Called once the session has ended (shutdown waits for it). */
  private readonly endWaiters: Array<() => void> = [];
  private shuttingDown?: Promise<void>;

  constructor(private readonly deps: ControllerDeps) {
    this.finals = new FinalDelivery(
      {
        beforeEach: () => this.ghost.clear(),
        insert: (words, aim) => this.inserter.insert(words, aim?.target),
        fallbackText: (words) => this.inserter.fallbackText(words),
        show: (text, undelivered) => void this.deps.store.addUtterance(text, undelivered),
        copy: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
        kept: (_text, reason, aim) => this.onKept(reason, aim?.session),
      },
      (what, e) => this.deps.log.error(`Dictation: ${what} failed: ${(e as Error).message ?? e}`),
    );
    this.disposables.push(this.ghost);
  }

  get active(): boolean {
    return !!this.session || !!this.pending;
  }

  /**
   * Keeps a warm worker with the model loaded, so push-to-talk captures at once.
   * A model that fails here is reported once; the worker is not started again until dictation starts.
   */
  warmUp(): void {
    const engine = this.deps.engines.preloadable('dictation');
    if (!engine) return;
    this.deps.lane.warm(engine).catch((e: SpeechError) => {
      this.deps.log.error(`Preloading the model failed: [${e.code}] ${e.message}`);
      this.deps.reportError({ code: e.code, message: `Preloading the model failed: ${e.message}`, hint: e.hint });
    });
  }

  async start(options: StartOptions = {}): Promise<void> {
    if (this.session || this.pending) return;
    const pending = (this.pending = { cancelled: false });
    let engine: ChosenEngine | undefined;
    try {
      engine = await this.deps.engines.choose('dictation', { ...OFFER, args: [options] });
    } finally {
      this.pending = undefined;
    }
    if (!engine || pending.cancelled || this.session) return;
    const settings = readDictationSettings();
    const toTerminal = options.target === 'terminal';
    this.inserter.reset();
    void vscode.commands.executeCommand('setContext', DICTATING_CONTEXT, true);
    this.deps.store.update({
      status: 'loading',
      source: toTerminal ? 'Microphone → terminal' : 'Microphone',
      device: settings.device ?? 'default',
      model: engine.name,
    });
    this.deps.log.info(`Dictation from ${settings.device ?? 'the default microphone'} with ${engine.name}${engine.cloud ? ' (audio is sent to the cloud)' : ''}`);
    const speech = this.deps.lane.createSession({
      engine: engine.engine,
      purpose: 'dictation',
      source: { kind: 'mic', device: settings.device, backend: settings.backend },
      options: { partials: true, levels: true, phrases: settings.phrases.length ? settings.phrases : undefined },
    });
    const session: Session = {
      speech,
      engine,
      toTerminal,
      stopping: false,
      discard: false,
      restartNoticeShown: false,
      fallbackNoticeShown: false,
      subscriptions: [],
    };
    this.session = session;
    session.subscriptions.push(
      speech.onStarted((e) => this.deps.store.update({ status: 'listening', device: e.device })),
      speech.onPartial((e) => this.onPartial(session, e.text)),
      speech.onFinal((e) => {
        if (!session.discard) this.queueFinal(session, e);
      }),
      speech.onLevel((dbfs) => this.deps.store.setLevel(dbfs)),
      speech.onError((e) => this.onError(session, e)),
      speech.onEnd((e) => this.onEnd(session, e)),
    );
  }

  stop(): void {
    if (this.pending) this.pending.cancelled = true;
    const session = this.session;
    if (!session || session.stopping) return;
    session.stopping = true;
    void session.speech.stop();
  }

  /** Escape: stop and drop what has not been finalized. */
  cancel(): void {
    if (this.pending) this.pending.cancelled = true;
    if (!this.session) return;
    this.session.discard = true;
    this.ghost.clear();
    this.deps.store.setPartial('');
    this.stop();
  }

  toggle(options: StartOptions = {}): void {
    if (this.session || this.pending) this.stop();
    else void this.start(options);
  }

  /** One press of the push-to-talk key; key repeats while held arrive as more presses. */
  pushToTalk(options: StartOptions = {}): void {
    const { pushToTalkMode: mode, releaseTailMs } = readDictationSettings();
    if (!this.hold || this.holdMode !== mode) {
      this.hold?.dispose();
      this.holdMode = mode;
      this.hold = new HoldDetector(
        { mode, releaseTailMs },
        { onStart: () => void this.start(this.holdOptions), onStop: () => this.stop() },
      );
    }
    this.holdOptions = options;
    this.hold.press();
  }

  private currentTarget(session: Session): Target | undefined {
    if (session.toTerminal) {
      const terminal = vscode.window.activeTerminal;
      return terminal ? { kind: 'terminal', terminal } : undefined;
    }
    const editor = vscode.window.activeTextEditor;
    return editor ? { kind: 'editor', document: editor.document } : undefined;
  }

  private onPartial(session: Session, text: string): void {
    if (session.discard) return;
    session.utteranceTarget ??= this.currentTarget(session);
    this.deps.store.setPartial(text);
    this.showGhost(session, text);
  }

  private showGhost(session: Session, text: string): void {
    const target = session.utteranceTarget;
    const editor = vscode.window.activeTextEditor;
    if (!readDictationSettings().ghostText || target?.kind !== 'editor' || editor?.document !== target.document) return;
    this.ghost.show(editor, text);
  }

  private queueFinal(session: Session, e: SpeechFinal): void {
    const target = session.utteranceTarget ?? this.currentTarget(session);
    session.utteranceTarget = undefined;
    this.finals.queue(e.text, { session, target });
  }

  /** A final no editor or terminal took: it is in the panel and on the clipboard. */
  private onKept(reason: string, session: Session | undefined): void {
    this.deps.log.warn(`Utterance kept in the transcript and clipboard: ${reason}`);
    if (!session || session.fallbackNoticeShown) return;
    session.fallbackNoticeShown = true;
    void vscode.window
      .showWarningMessage(`Voxnote: ${reason}, so your words are in the transcript panel and on the clipboard.`, 'Show Transcript')
      .then((pick) => pick && vscode.commands.executeCommand('voxnote.showTranscript'));
  }

  private onError(session: Session, e: SpeechError): void {
    this.deps.log.error(`[${e.code}] ${e.message} ${e.hint}`);
    if (!e.fatal) {
      if (e.code === 'phrases-unsupported') void vscode.window.showInformationMessage(`Voxnote: ${e.message}`);
      // Lost audio is never silent: the words said then are missing from the text.
      if (e.code === 'audio-dropped') this.deps.reportError(e);
      return;
    }
    this.ghost.clear();
    // The session ends after this error: onEnd reports it.
    if (!e.restarting) return;
    // The cut utterance is gone with the worker: the next one aims at wherever the user is then.
    session.utteranceTarget = undefined;
    this.deps.store.update({ status: 'loading' });
    if (!session.restartNoticeShown) {
      session.restartNoticeShown = true;
      void vscode.window.showWarningMessage('Voxnote: the speech engine stopped unexpectedly and is restarting. What you dictated so far is kept.');
    }
  }

  private onEnd(session: Session, e: SpeechEnd): void {
    if (!e.error) {
      void this.finals.idle().then(() => this.end(session));
      return;
    }
    this.end(session);
    this.deps.store.update({ status: 'error', error: { message: e.error.message, hint: e.error.hint } });
    this.deps.reportError(e.error);
  }

  private end(session: Session): void {
    if (this.session !== session) return;
    this.session = undefined;
    // First: nothing below may leave the "dictating" keys (Escape cancels) active.
    void vscode.commands.executeCommand('setContext', DICTATING_CONTEXT, false);
    session.subscriptions.forEach((s) => s.dispose());
    this.endWaiters.splice(0).forEach((resolve) => resolve());
    this.hold?.reset();
    this.ghost.clear();
    if (this.deps.store.state.status !== 'error') this.deps.store.update({ status: 'idle' });
  }

  /**
   * The window is closing (deactivate): the session stops, the worker's last
   * final is delivered or kept (the panel's kept transcript is saved), within `ms`.
   */
  shutdown(ms: number): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.hold?.dispose();
      if (this.pending) this.pending.cancelled = true;
      if (this.session) {
        const ended = new Promise<void>((resolve) => this.endWaiters.push(resolve));
        this.stop();
        await withDeadline(ended, ms);
      }
      await withDeadline(this.finals.idle(), ms);
    })();
    return this.shuttingDown;
  }

  dispose(): void {
    // During shutdown() the last final still has to come in: disposed after it.
    if (this.shuttingDown) return void this.shuttingDown.finally(() => this.disposeNow());
    this.disposeNow();
  }

  private disposeNow(): void {
    this.session?.speech.dispose();
    this.hold?.dispose();
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
