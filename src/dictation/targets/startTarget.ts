/**
 * Which input dictation goes to: the one focused when it starts. An extension
 * cannot read VS Code's focus, but a keybinding's `when` clause can: each of
 * Voxnote's keys is bound once per kind of input (package.json), and passes
 * the kind as `{ target }`. The Command Palette takes the focus away, so its
 * keys (F1, Ctrl+Shift+P) are bound the same way in inputs other than editors
 * and terminals (`voxnote.showCommands`):
 * they note where the focus was, then open the palette; VS Code gives the
 * focus back when it closes, and a Start Dictation from it goes there.
 */
import * as vscode from 'vscode';
import type { TargetKind } from './targetText';

/** What a keybinding, the palette or the transcript panel asks for. */
export type TargetRequest = TargetKind | 'lastEditor';

export interface StartOptions {
  /** The kind of input that had the focus (set by Voxnote's keybindings). */
  target?: TargetRequest;
  /** Dictate and Send: Enter after the last final, in a chat input or a terminal. */
  send?: boolean;
}

/** Where a session's finals go, fixed when it starts (an editor target follows the active editor, as before). */
export type TargetSpec =
  | { kind: 'editor' }
  /** The panel's Start: this editor, visible but not active. */
  | { kind: 'document'; document: vscode.TextDocument; selections?: readonly vscode.Selection[] }
  | { kind: 'terminal' }
  | { kind: 'commit' | 'chat' | 'input'; label: string }
  | { kind: 'webview'; label: string; tab?: vscode.Tab };

/** A palette opened from an input is remembered this long. */
const PALETTE_MEMORY_MS = 60_000;
const KINDS: readonly TargetRequest[] = ['editor', 'terminal', 'commit', 'chat', 'input', 'webview', 'lastEditor'];
const isRequest = (v: unknown): v is TargetRequest => KINDS.includes(v as TargetRequest);

const LABELS: Record<'commit' | 'chat' | 'input', string> = { commit: 'commit message', chat: 'chat input', input: 'focused input' };

export class StartTargets implements vscode.Disposable {
  /** The input the palette was opened from, until it is used or the focus visibly moves. */
  private fromPalette?: { request: TargetRequest; at: number };
  private lastEditor?: vscode.TextEditor;
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.lastEditor = vscode.window.activeTextEditor;
    const forget = () => (this.fromPalette = undefined);
    this.disposables = [
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
        forget();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.kind !== vscode.TextEditorSelectionChangeKind.Command) forget();
      }),
      vscode.window.onDidChangeActiveTerminal(forget),
    ];
  }

  /** `voxnote.showCommands`: note where the focus is, then open the Command Palette. */
  async showCommands(options?: StartOptions): Promise<void> {
    this.fromPalette = isRequest(options?.target) ? { request: options.target, at: Date.now() } : undefined;
    await vscode.commands.executeCommand('workbench.action.showCommands');
  }

  /** The target of a session started with `options`. */
  resolve(options: StartOptions = {}): TargetSpec {
    let request = isRequest(options.target) ? options.target : undefined;
    if (!request && this.fromPalette && Date.now() - this.fromPalette.at < PALETTE_MEMORY_MS) request = this.fromPalette.request;
    this.fromPalette = undefined;
    request ??= this.webviewTab() ? 'webview' : 'editor';
    switch (request) {
      case 'terminal':
        return { kind: 'terminal' };
      case 'commit':
      case 'chat':
      case 'input':
        return { kind: request, label: LABELS[request] };
      case 'webview': {
        const tab = this.webviewTab();
        return { kind: 'webview', label: tab ? tab.label : 'webview input', tab };
      }
      case 'lastEditor': {
        const editor = vscode.window.activeTextEditor ?? this.lastEditor;
        // Its cursors, in case it has to be shown again (a hidden editor's own are gone).
        return editor && !editor.document.isClosed ? { kind: 'document', document: editor.document, selections: editor.selections } : { kind: 'editor' };
      }
      default:
        return { kind: 'editor' };
    }
  }

  /** The active tab when it is another extension's webview. */
  private webviewTab(): vscode.Tab | undefined {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    return tab?.input instanceof vscode.TabInputWebview && !/voxnote\.transcript$/.test(tab.input.viewType) ? tab : undefined;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** How the status bar names the target. */
export function describeTarget(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'editor':
      return 'editor';
    case 'document':
      return spec.document.uri.path.split('/').pop() ?? 'editor';
    case 'terminal':
      return 'terminal';
    default:
      return spec.label;
  }
}
