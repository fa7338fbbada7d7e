/**
 * Puts each final where the session's target is: the editor (insertion.ts),
 * the terminal (shell-safe), a focused code-editor widget (`type`), or a
 * webview (paste). First an utterance that is a voice command runs instead.
 * The send phrase at the end of an utterance submits in a chat input or a
 * terminal and is never typed; Dictate and Send submits after the last final.
 * When the target is gone the final is kept (the controller shows it in the
 * panel and puts it on the clipboard), never typed where the focus went.
 */
import * as vscode from 'vscode';
import type { FormatOptions } from '../../shared/settings';
import type { Delivery } from '../finalDelivery';
import { type EditorTarget, TextInserter } from '../insertion';
import { commitBoxText, pasteIntoWebview, submitChat, typeIntoFocusedWidget, TypedText } from './commandInput';
import { FocusWatch } from './focusWatch';
import type { StartOptions, TargetSpec } from './startTarget';
import { SENDS, shapeFor, splitSendPhrase } from './targetText';

/** Where one utterance is aimed, fixed when it begins. */
export type Target =
  | (EditorTarget & { visible?: boolean; selections?: readonly vscode.Selection[] })
  | { kind: 'terminal'; terminal: vscode.Terminal }
  | { kind: 'commit' | 'chat' | 'input' | 'webview'; label: string };

export interface DeliveryDeps {
  format(): FormatOptions;
  sendPhrase(): string;
  /** Runs the utterance when it is a voice command; true when it was one. */
  runCommand(utterance: string): Promise<boolean>;
}

export class TargetDelivery implements vscode.Disposable {
  private readonly inserter: TextInserter;
  private readonly typed = new TypedText();
  private spec: TargetSpec = { kind: 'editor' };
  private watch?: FocusWatch;
  private send = false;
  /** Something was delivered since the last submit (Dictate and Send). */
  private unsent?: Exclude<Target, EditorTarget>;

  constructor(private readonly deps: DeliveryDeps) {
    this.inserter = new TextInserter(deps.format);
  }

  /** A new session: its target, and what the earlier one typed forgotten. */
  begin(spec: TargetSpec, options: StartOptions = {}): void {
    this.spec = spec;
    this.send = !!options.send;
    this.unsent = undefined;
    this.inserter.reset();
    this.typed.reset();
    if (spec.kind === 'commit') this.typed.seed(commitBoxText());
    this.watch?.dispose();
    this.watch = spec.kind === 'editor' || spec.kind === 'document' || spec.kind === 'terminal' ? undefined : new FocusWatch(spec.label, spec.kind === 'webview' ? spec.tab : undefined);
  }

  /** Where the utterance beginning now goes; undefined when nothing can take it. */
  aim(): Target | undefined {
    const spec = this.spec;
    switch (spec.kind) {
      case 'editor': {
        const editor = vscode.window.activeTextEditor;
        return editor ? { kind: 'editor', document: editor.document } : undefined;
      }
      case 'document':
        return { kind: 'editor', document: spec.document, visible: true, selections: spec.selections };
      case 'terminal': {
        const terminal = vscode.window.activeTerminal;
        return terminal ? { kind: 'terminal', terminal } : undefined;
      }
      default:
        return { kind: spec.kind, label: spec.label };
    }
  }

  async deliver(words: string, target: Target | undefined): Promise<Delivery> {
    if (await this.deps.runCommand(words)) return { delivered: true, text: '' };
    const fallback = (reason: string): Delivery => ({ delivered: false, text: this.fallbackText(words), reason });
    if (!target) return fallback(this.spec.kind === 'terminal' ? 'no terminal is open' : 'no editor is open');
    if (target.kind === 'editor') {
      const spoken = splitSendPhrase(words, this.deps.sendPhrase()).words;
      return this.inserter.insert(spoken, target, target.visible, target.selections);
    }
    const gone = this.watch?.gone;
    if (gone) return fallback(gone);
    if (target.kind === 'terminal' && target.terminal.exitStatus) return fallback('the terminal was closed');
    // A browser lets no script paste into a webview's frame (VS Code's Paste there needs Ctrl+V): kept on the clipboard for it.
    if (target.kind === 'webview' && vscode.env.uiKind === vscode.UIKind.Web) return fallback(`VS Code in a browser cannot paste into ${target.label} for an extension; press Ctrl+V there`);
    const shaped = shapeFor(target.kind, words, { before: this.typed.before }, this.deps.format(), this.deps.sendPhrase());
    // A widget's text cannot be taken back: "scratch that" drops only the words before it.
    const text = shaped.kind === 'text' ? shaped.text : this.shapeRest(target, shaped.rest);
    if (text) await this.put(target, text);
    this.typed.add(text);
    if (shaped.send) await this.submit(target);
    else if (text) this.unsent = target;
    return { delivered: true, text };
  }

  /** Dictate and Send: the session has ended and its finals are in; submit what they typed. */
  async finish(): Promise<void> {
    const target = this.unsent;
    this.unsent = undefined;
    this.watch?.dispose();
    this.watch = undefined;
    if (this.send && target && SENDS.has(target.kind)) await this.submit(target);
  }

  /** The words formatted for a fresh line: how a final no target took is kept. */
  fallbackText(words: string): string {
    return this.inserter.fallbackText(splitSendPhrase(words, this.deps.sendPhrase()).words);
  }

  private shapeRest(target: Exclude<Target, EditorTarget>, rest: string): string {
    const shaped = shapeFor(target.kind, rest, { before: this.typed.before }, this.deps.format(), '');
    return shaped.kind === 'text' ? shaped.text : '';
  }

  private async put(target: Exclude<Target, EditorTarget>, text: string): Promise<void> {
    if (target.kind === 'terminal') target.terminal.sendText(text, false);
    else if (target.kind === 'webview') await pasteIntoWebview(text);
    else await typeIntoFocusedWidget(text);
  }

  /** Enter: the one way a line break reaches a terminal. */
  private async submit(target: Exclude<Target, EditorTarget>): Promise<void> {
    this.unsent = undefined;
    if (target.kind === 'terminal') target.terminal.sendText('', true);
    else if (target.kind === 'chat') await submitChat();
  }

  dispose(): void {
    this.watch?.dispose();
  }
}
