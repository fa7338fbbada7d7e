/**
 * Owns dictation in the workbench: its lifecycle (dictationLifecycle.ts, a
 * state machine) opens speech sessions on the dictation lane; this routes
 * partials to the ghost text and the transcript, finals through the formatter
 * into the editor, and tells the person when a session restarts or ends with
 * an error. One dictation at a time, plus the one still finishing its last
 * final when a press starts the next.
 */
import * as vscode from 'vscode';
import { readDictationSettings } from '../config';
import { withDeadline } from '../shared/deadline';
import type { ChosenEngine, EngineChoice } from '../speech/vscode/engineChoice';
import type { SpeechEnd, SpeechError, SpeechFinal, SpeechSession } from '../speech/speechSession';
import type { SpeechLane } from '../speech/speechService';
import { Dictation, DictationLifecycle } from './dictationLifecycle';
import { FinalDelivery } from './finalDelivery';
import { GhostText } from './ghostText';
import { describeTarget, type StartOptions, type StartTargets, type TargetSpec } from './targets/startTarget';
import type { Target, TargetDelivery } from './targets/targetDelivery';
import type { TranscriptStore } from '../transcript/transcriptStore';

export const DICTATING_CONTEXT = 'voxnote.dictating';

export type { StartOptions } from './targets/startTarget';

/** One dictation as the workbench sees it: where its words go and which notices it has shown. */
interface EditorDictation extends Dictation<ChosenEngine> {
  /** Where the current utterance is going, fixed when it begins. */
  utteranceTarget?: Target;
  restartNoticeShown: boolean;
  fallbackNoticeShown: boolean;
}

export interface ControllerDeps {
  /** Dictation's lane of the speech service: its worker stays warm between sessions. */
  lane: SpeechLane;
  engines: EngineChoice;
  store: TranscriptStore;
  log: vscode.LogOutputChannel;
  /** A model, microphone or engine problem: a notification with a next step. */
  reportError(error: { code: string; message: string; hint: string }): void;
  /** Which input has the focus as a dictation starts. */
  targets: StartTargets;
  /** Puts finals there (or runs them as voice commands). */
  delivery: TargetDelivery;
}

const OFFER = { purpose: 'dictating', command: 'voxnote.startDictation' };

export class DictationController implements vscode.Disposable {
  private readonly lifecycle: DictationLifecycle<ChosenEngine, EditorDictation>;
  /** The options of the last start: where the next dictation goes. */
  private options: StartOptions = {};
  /** Where the next dictation goes: resolved as the person asks, before anything is awaited. */
  private target?: TargetSpec;
  private readonly ghost = new GhostText();
  /** Finals are inserted strictly in order, even though insertion is async; each on its own. */
  private readonly finals: FinalDelivery<{ dictation: EditorDictation; target: Target | undefined }>;
  private readonly disposables: vscode.Disposable[] = [];
  private shuttingDown?: Promise<void>;

  constructor(private readonly deps: ControllerDeps) {
    this.finals = new FinalDelivery(
      {
        beforeEach: () => this.ghost.clear(),
        insert: (words, aim) => this.deps.delivery.deliver(words, aim?.target),
        fallbackText: (words) => this.deps.delivery.fallbackText(words),
        show: (text, undelivered) => void this.deps.store.addUtterance(text, undelivered),
        copy: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
        kept: (_text, reason, aim) => this.onKept(reason, aim?.dictation),
      },
      (what, e) => this.deps.log.error(`Dictation: ${what} failed: ${(e as Error).message ?? e}`),
    );
    this.lifecycle = new DictationLifecycle({
      choose: () => this.deps.engines.choose('dictation', { ...OFFER, args: [this.options] }),
      open: (engine) => this.open(engine),
      started: (_d, e) => this.deps.store.update({ status: 'listening', device: e.device }),
      partial: (d, text) => this.onPartial(d, text),
      level: (_d, dbfs) => this.deps.store.setLevel(dbfs),
      deliver: (d, final) => this.deliverFinal(d, final),
      discarded: () => {
        this.ghost.clear();
        this.deps.store.setPartial('');
      },
      problem: (d, e) => this.onError(d, e),
      ended: (d, e) => this.onEnd(d, e),
      idle: () => this.onIdle(),
    });
    this.disposables.push(this.ghost);
  }

  get active(): boolean {
    return this.lifecycle.state !== 'idle';
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

  /** Starts dictating; a start while the previous dictation is still stopping starts the next one at once. */
  start(options: StartOptions = {}): Promise<void> {
    this.aimAt(options);
    return this.lifecycle.start();
  }

  stop(): void {
    this.lifecycle.stop();
  }

  /** Escape: stop and drop what has not been finalized. */
  cancel(): void {
    this.lifecycle.cancel();
  }

  toggle(options: StartOptions = {}): void {
    this.aimAt(options);
    this.lifecycle.toggle();
  }

  /** One press of the push-to-talk key; key repeats while held arrive as more presses. */
  pushToTalk(options: StartOptions = {}): void {
    const { pushToTalkMode: mode, releaseTailMs } = readDictationSettings();
    this.aimAt(options);
    this.lifecycle.pushToTalk({ mode, releaseTailMs });
  }

  /** Before anything is awaited: the focus is where the person started from. */
  private aimAt(options: StartOptions): void {
    this.options = options;
    this.target = this.deps.targets.resolve(options);
  }

  private open(engine: ChosenEngine): EditorDictation {
    const settings = readDictationSettings();
    const target = this.target ?? this.deps.targets.resolve(this.options);
    this.deps.delivery.begin(target, this.options);
    void vscode.commands.executeCommand('setContext', DICTATING_CONTEXT, true);
    this.deps.store.update({
      status: 'loading',
      source: `Microphone → ${describeTarget(target)}`,
      target: describeTarget(target),
      device: settings.device ?? 'default',
      model: engine.name,
    });
    this.deps.log.info(`Dictation from ${settings.device ?? 'the default microphone'} with ${engine.name}`);
    const speech: SpeechSession = this.deps.lane.createSession({
      engine: engine.engine,
      purpose: 'dictation',
      source: { kind: 'mic', device: settings.device, backend: settings.backend },
      options: { partials: true, levels: true, phrases: settings.phrases.length ? settings.phrases : undefined },
    });
    const dictation: EditorDictation = { speech, engine, restartNoticeShown: false, fallbackNoticeShown: false };
    return dictation;
  }

  private onPartial(dictation: EditorDictation, text: string): void {
    dictation.utteranceTarget ??= this.deps.delivery.aim();
    this.deps.store.setPartial(text);
    this.showGhost(dictation, text);
  }

  private showGhost(dictation: EditorDictation, text: string): void {
    const target = dictation.utteranceTarget;
    const editor = vscode.window.activeTextEditor;
    if (!readDictationSettings().ghostText || target?.kind !== 'editor' || editor?.document !== target.document) return;
    this.ghost.show(editor, text);
  }

  /** The one place a final goes to its target (or is kept): the utterance's target, else where the person is now. */
  private deliverFinal(dictation: EditorDictation, e: SpeechFinal): void {
    const target = dictation.utteranceTarget ?? this.deps.delivery.aim();
    dictation.utteranceTarget = undefined;
    this.finals.queue(e.text, { dictation, target });
  }

  /** A final no editor or terminal took: it is in the panel and on the clipboard. */
  private onKept(reason: string, dictation: EditorDictation | undefined): void {
    this.deps.log.warn(`Utterance kept in the transcript and clipboard: ${reason}`);
    if (!dictation || dictation.fallbackNoticeShown) return;
    dictation.fallbackNoticeShown = true;
    void vscode.window
      .showWarningMessage(`Voxnote: ${reason}, so your words are in the transcript panel and on the clipboard.`, 'Show Transcript')
      .then((pick) => pick && vscode.commands.executeCommand('voxnote.showTranscript'));
  }

  private onError(dictation: EditorDictation, e: SpeechError): void {
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
    dictation.utteranceTarget = undefined;
    this.deps.store.update({ status: 'loading' });
    if (!dictation.restartNoticeShown) {
      dictation.restartNoticeShown = true;
      void vscode.window.showWarningMessage('Voxnote: the speech engine stopped unexpectedly and is restarting. What you dictated so far is kept.');
    }
  }

  /** A dictation ended: its last finals are delivered before the status goes idle. */
  private async onEnd(dictation: EditorDictation, e: SpeechEnd): Promise<void> {
    if (!e.error) return this.finals.idle();
    // One still finishing beside the next dictation does not take over the status.
    if (this.lifecycle.dictation === dictation) this.deps.store.update({ status: 'error', error: { message: e.error.message, hint: e.error.hint } });
    this.deps.reportError(e.error);
  }

  private onIdle(): void {
    // First: nothing below may leave the "dictating" keys (Escape cancels) active.
    void vscode.commands.executeCommand('setContext', DICTATING_CONTEXT, false);
    void this.deps.delivery.finish();
    this.ghost.clear();
    if (this.deps.store.state.status !== 'error') this.deps.store.update({ status: 'idle' });
  }

  /**
   * The window is closing (deactivate): the session stops, the worker's last
   * final is delivered or kept (the panel's kept transcript is saved), within `ms`.
   */
  shutdown(ms: number): Promise<void> {
    this.shuttingDown ??= (async () => {
      await this.lifecycle.shutdown(ms);
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
    this.lifecycle.dispose();
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
