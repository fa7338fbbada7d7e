/**
 * The meeting's status bar item, shown while meeting notes run: elapsed meeting
 * time (each second), a dot per source that fills while it hears sound, and a
 * click that opens Pause/Resume/Stop. Codicons in the item's own colour, so it
 * follows the theme.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { MeetingController, MeetingSource } from '../notes/meetingController';
import { clockTime } from '../shared/time';

export const MEETING_MENU_COMMAND = 'voxnote.meetingMenu';
/** A source at or above this level shows a filled dot: speech, not room noise. */
export const SOUND_DBFS = -45;

function sourceIcon(s: MeetingSource): string {
  switch (s.state) {
    case 'starting':
    case 'resuming':
    case 'restarting':
      return '$(sync~spin)';
    case 'failed':
    case 'ended':
      return '$(circle-slash)';
    case 'suspended':
    case 'idle':
    case 'pausing':
      return '$(debug-pause)';
    default:
      return (s.dbfs ?? -Infinity) >= SOUND_DBFS ? '$(circle-filled)' : '$(circle-outline)';
  }
}

const STATE_WORDS: Record<NonNullable<MeetingSource['state']>, string> = {
  idle: 'paused',
  starting: 'starting',
  running: 'listening',
  pausing: 'pausing',
  resuming: 'resuming',
  stopping: 'stopping',
  suspended: 'paused while you dictate',
  restarting: 'restarting',
  ended: 'ended',
  failed: 'stopped by an error',
  stopped: 'stopped',
};

export class MeetingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('voxnote.meeting', vscode.StatusBarAlignment.Right, 101);
  private readonly subscription: vscode.Disposable;
  private timer?: NodeJS.Timeout;
  /** The icons last shown, so levels re-render only when a dot changes. */
  private icons = '';

  constructor(private readonly meeting: MeetingController) {
    this.item.name = 'Voxnote Meeting Notes';
    this.item.command = MEETING_MENU_COMMAND;
    this.subscription = meeting.onDidChange((change) => {
      if (change === 'state' || this.sourceIcons() !== this.icons) this.render();
    });
    this.render();
  }

  private sourceIcons(): string {
    return this.meeting.sources().map(sourceIcon).join();
  }

  private render(): void {
    const status = this.meeting.status;
    if (status === 'idle') {
      clearInterval(this.timer);
      this.timer = undefined;
      this.item.hide();
      return;
    }
    // Elapsed time moves each second while running.
    if (status === 'running') this.timer ??= setInterval(() => this.render(), 1000);
    else {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const sources = this.meeting.sources();
    this.icons = this.sourceIcons();
    const time = clockTime(this.meeting.elapsed());
    const dots = sources.map((s) => `${s.label} ${sourceIcon(s)}`).join('  ');
    const lead = { running: '$(record)', paused: '$(debug-pause)', stopping: '$(loading~spin)' }[status];
    // Audio that leaves the machine is never a surprise.
    const cloud = this.meeting.cloud ? `  $(cloud-upload) ${this.meeting.cloud}` : '';
    this.item.text = status === 'stopping' ? `${lead} Finishing notes…` : `${lead} ${time}  ${dots}${status === 'paused' ? '  paused' : ''}${cloud}`;
    this.item.backgroundColor = sources.some((s) => s.state === 'failed' || s.state === 'restarting')
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    const tooltip = new vscode.MarkdownString(undefined, true);
    const notes = this.meeting.notesPath;
    tooltip.appendMarkdown(`**Meeting notes** ${status === 'paused' ? '(paused)' : ''}\n\n`);
    if (notes) tooltip.appendText(`${path.basename(notes)}\n\n`);
    if (this.meeting.cloud) tooltip.appendText(`Audio is sent to ${this.meeting.cloud} for transcription.\n\n`);
    for (const s of sources) tooltip.appendText(`${s.label} (${s.kind === 'mic' ? 'microphone' : 'system audio'}): ${s.state ? STATE_WORDS[s.state] : 'starting'}\n\n`);
    tooltip.appendMarkdown('Click to pause, resume or stop.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = {
      label: `Voxnote meeting notes ${status}, ${time}; ${sources.map((s) => `${s.label} ${s.state ? STATE_WORDS[s.state] : 'starting'}`).join(', ')}`,
    };
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
