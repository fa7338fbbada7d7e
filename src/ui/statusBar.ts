/**
 * The status bar item: idle, loading, listening (with the live partial) or
 * error. Clicking toggles dictation, or shows the error and its next step.
 */
import * as vscode from 'vscode';
import type { TranscriptStore } from '../transcript/transcriptStore';
import { dictationTooltip } from './statusTooltip';

export class StatusBarController implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('voxnote.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: TranscriptStore, private readonly partialLength: () => number) {
    this.item.name = 'Voxnote Dictation';
    this.subscription = store.onDidChange((change) => {
      // A dictation final ends the partial shown.
      if (change.kind === 'status' || change.kind === 'partial' || (change.kind === 'utterance' && !change.utterance.speaker)) this.render();
    });
    this.render();
    this.item.show();
  }

  private render(): void {
    const s = this.store.state;
    const item = this.item;
    item.backgroundColor = undefined;
    switch (s.status) {
      case 'idle':
        item.text = '$(mic) Voxnote';
        item.command = 'voxnote.toggleDictation';
        break;
      case 'loading':
        item.text = '$(loading~spin) Voxnote: loading model…';
        item.command = 'voxnote.stopDictation';
        break;
      case 'listening': {
        const max = this.partialLength();
        const partial = s.partial.length > max ? `…${s.partial.slice(-max)}` : s.partial;
        item.text = `$(mic-filled) ${partial || (s.target ? `Listening → ${s.target}…` : 'Listening…')}`;
        item.command = 'voxnote.toggleDictation';
        break;
      }
      case 'error':
        item.text = '$(error) Voxnote';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        item.command = 'voxnote.showError';
        break;
    }
    // Audio that leaves the machine is never a surprise.
    if (s.cloud) item.text = `$(cloud-upload) ${item.text}`;
    // A string tooltip is plain text: error messages and device names are not Markdown.
    item.tooltip = dictationTooltip(s);
    item.accessibilityInformation = { label: `Voxnote ${s.status}${s.status === 'listening' && s.target ? ` into the ${s.target}` : ''}${s.cloud ? `, sending audio to ${s.cloud}` : ''}${s.partial ? `: ${s.partial}` : ''}` };
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
