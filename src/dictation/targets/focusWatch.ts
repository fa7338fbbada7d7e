/**
 * Tells when the focus has visibly left an input Voxnote types into through
 * VS Code's commands (the commit box, the chat input, a webview): a click or
 * keys in an editor, another active editor or terminal, another tab. From
 * then on finals are kept (panel and clipboard) instead of typed where the
 * focus now is.
 */
import * as vscode from 'vscode';

export class FocusWatch implements vscode.Disposable {
  private reason?: string;
  private readonly disposables: vscode.Disposable[];

  constructor(label: string, tab?: vscode.Tab) {
    const left = (why: string) => (this.reason ??= `the focus left the ${label} (${why})`);
    this.disposables = [
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.kind === vscode.TextEditorSelectionChangeKind.Mouse || e.kind === vscode.TextEditorSelectionChangeKind.Keyboard) left('an editor took it');
      }),
      vscode.window.onDidChangeActiveTextEditor(() => left('another editor became active')),
      vscode.window.onDidChangeActiveTerminal(() => left('a terminal became active')),
      vscode.window.tabGroups.onDidChangeTabs(() => this.checkTab(tab, left)),
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.checkTab(tab, left)),
    ];
  }

  /** A webview target: its tab must stay the active one. */
  private checkTab(tab: vscode.Tab | undefined, left: (why: string) => void): void {
    const viewType = (t: vscode.Tab | undefined) => (t?.input instanceof vscode.TabInputWebview ? t.input.viewType : undefined);
    if (tab && viewType(vscode.window.tabGroups.activeTabGroup.activeTab) !== viewType(tab)) left('another tab became active');
  }

  /** Why the input is no longer the target; undefined while it still is. */
  get gone(): string | undefined {
    return this.reason;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
