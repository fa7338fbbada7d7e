/**
 * `Voxnote: Listen for a Command`: one utterance, commands only. The
 * recognizer is told the command phrases (a Vosk grammar with "[unk]" for
 * anything else, so nothing is forced onto a command; AssemblyAI key terms),
 * near misses count, and nothing is ever typed: an utterance that is no
 * command only says so in the status bar.
 */
import * as vscode from 'vscode';
import { readDictationSettings } from '../../config';
import type { Disposable } from '../../speech/lifecycle';
import type { SpeechLane } from '../../speech/speechService';
import type { SpeechError, SpeechSession } from '../../speech/speechSession';
import type { EngineChoice } from '../../speech/vscode/engineChoice';
import type { VoiceCommands } from './voiceCommands';

/** Listening ends after this long without a command. */
const LISTEN_MS = 10_000;
const STATUS_MS = 4000;
/** AssemblyAI's key terms prompt takes up to 100 terms. */
const MAX_KEY_TERMS = 100;

export interface ListenerDeps {
  lane: SpeechLane;
  engines: EngineChoice;
  commands: VoiceCommands;
  log: vscode.LogOutputChannel;
  reportError(error: { code: string; message: string; hint: string }): void;
}

export class CommandListener implements vscode.Disposable {
  private session?: SpeechSession;
  private readonly item = vscode.window.createStatusBarItem('voxnote.command', vscode.StatusBarAlignment.Left, 99);

  constructor(private readonly deps: ListenerDeps) {
    this.item.name = 'Voxnote Command';
  }

  async listen(): Promise<void> {
    if (this.session) return;
    if (this.deps.lane.active) {
      void vscode.window.showInformationMessage('Voxnote: dictation is running; say the command while dictating, or stop dictation first.');
      return;
    }
    const engine = await this.deps.engines.choose('dictation', { purpose: 'listening for a command', command: 'voxnote.listenForCommand' });
    if (!engine || this.session || this.deps.lane.active) return;
    const settings = readDictationSettings();
    // Vosk takes them all as its grammar; a cloud engine takes a short list of key terms.
    const all = await this.deps.commands.phrases();
    const phrases = engine.engine.kind === 'vosk' ? [...all, '[unk]'] : all.slice(0, MAX_KEY_TERMS);
    const session = this.deps.lane.createSession({
      engine: engine.engine,
      purpose: 'dictation',
      source: { kind: 'mic', device: settings.device, backend: settings.backend },
      options: { partials: true, levels: false, phrases },
    });
    this.session = session;
    this.show('$(record) Say a command…', 'Voxnote is listening for one voice command (never typed)');
    let handled = false;
    const subs: Disposable[] = [];
    const timer = setTimeout(() => void session.stop(), LISTEN_MS);
    subs.push(
      session.onPartial((e) => this.show(`$(record) ${e.text || 'Say a command…'}`)),
      session.onFinal((e) => {
        const text = e.text.replace(/\[unk\]/g, '').trim();
        if (handled || !text) return;
        handled = true;
        void session.stop();
        void this.deps.commands.run(text, 'command').then((ran) => {
          if (!ran) vscode.window.setStatusBarMessage(`$(mic) Voxnote: "${text}" is not a voice command`, STATUS_MS);
        });
      }),
      session.onError((e: SpeechError) => {
        this.deps.log[e.fatal ? 'error' : 'info'](`Command mode: [${e.code}] ${e.message}`);
      }),
      session.onEnd((e) => {
        clearTimeout(timer);
        subs.forEach((s) => s.dispose());
        if (this.session === session) this.session = undefined;
        this.item.hide();
        if (e.error) this.deps.reportError(e.error);
        else if (!handled) vscode.window.setStatusBarMessage('$(mic) Voxnote: no command heard', STATUS_MS);
      }),
    );
  }

  private show(text: string, tooltip?: string): void {
    this.item.text = text;
    if (tooltip) this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.session?.dispose();
    this.item.dispose();
  }
}
