/**
 * The transcript panel, host side: one panel at a time (createOrShow reveals
 * it), restored after a window reload through a serializer. It never takes
 * focus from the editor being dictated into.
 */
import * as vscode from 'vscode';
import type { TranscriptStore } from '../dictation/transcriptState';
import { HostMessage, isWebviewMessage, WebviewMessage } from './panelProtocol';

export const PANEL_VIEW_TYPE = 'voxnote.transcript';

export interface PanelActions {
  toggle(): void;
  copy(): void;
  clear(): void;
}

export class TranscriptPanel implements vscode.Disposable {
  private static current: TranscriptPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(extensionUri: vscode.Uri, store: TranscriptStore, actions: PanelActions): TranscriptPanel {
    if (TranscriptPanel.current) {
      TranscriptPanel.current.panel.reveal(undefined, true);
      return TranscriptPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Voxnote Transcript',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      TranscriptPanel.options(extensionUri),
    );
    return new TranscriptPanel(panel, extensionUri, store, actions);
  }

  /** For the serializer: a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, store: TranscriptStore, actions: PanelActions): void {
    panel.webview.options = TranscriptPanel.options(extensionUri);
    new TranscriptPanel(panel, extensionUri, store, actions);
  }

  static get isOpen(): boolean {
    return !!TranscriptPanel.current;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly store: TranscriptStore,
    private readonly actions: PanelActions,
  ) {
    TranscriptPanel.current = this;
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isWebviewMessage(m)) this.onMessage(m);
      }),
      store.onDidChange((change) => {
        if (change === 'partial') this.post({ method: 'transcript/partial', params: { text: store.state.partial } });
        else if (change === 'level') this.post({ method: 'transcript/level', params: { dbfs: store.state.level } });
        else if (change === 'speakerPartials') this.post({ method: 'transcript/speakerPartials', params: { partials: store.state.speakerPartials } });
        else this.post({ method: 'transcript/state', params: store.state });
      }),
    );
  }

  private onMessage(m: WebviewMessage): void {
    switch (m.method) {
      case 'transcript/ready':
        return void this.post({ method: 'transcript/state', params: this.store.state });
      case 'transcript/toggle':
        return this.actions.toggle();
      case 'transcript/copy':
        return this.actions.copy();
      case 'transcript/clear':
        return this.actions.clear();
    }
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = Array.from({ length: 32 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'transcript.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'transcript.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Voxnote Transcript</title>
</head>
<body>
<header class="toolbar" role="toolbar" aria-label="Transcript actions">
  <button id="toggle" type="button">Start</button>
  <button id="copy" type="button" title="Copy the transcript to the clipboard">Copy</button>
  <button id="clear" type="button" title="Clear the transcript">Clear</button>
  <span class="meter" role="meter" aria-label="Input level" aria-valuemin="-60" aria-valuemax="0"><span id="level"></span></span>
  <span id="status" class="status"></span>
</header>
<p id="details" class="details"></p>
<p id="cloud" class="cloud" role="status" hidden></p>
<p id="error" class="error" role="alert" hidden></p>
<section id="partial" class="partial" aria-live="polite" aria-label="What you are saying"></section>
<section id="speakerPartials" class="partial" aria-live="polite" aria-label="What is being said in the meeting"></section>
<ol id="utterances" class="utterances" aria-label="Transcript"></ol>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (TranscriptPanel.current === this) TranscriptPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
