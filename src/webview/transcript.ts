/**
 * The transcript panel's script, running inside the webview. It renders what
 * the host sends and posts button presses back; no state of its own but the
 * DOM, so a reloaded panel simply asks for the state again.
 */
import type { TranscriptState } from '../dictation/transcriptState';
import type { HostMessage, WebviewMessage } from '../ui/panelProtocol';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const post = (method: WebviewMessage['method']) => vscode.postMessage({ method, params: {} } as WebviewMessage);

const STATUS_TEXT: Record<TranscriptState['status'], string> = {
  idle: 'Idle',
  loading: 'Loading model…',
  listening: 'Listening',
  error: 'Error',
};

function renderLevel(dbfs: number | null): void {
  // -60 dBFS and below shows empty; 0 dBFS full.
  const fraction = dbfs === null ? 0 : Math.min(1, Math.max(0, (dbfs + 60) / 60));
  $('level').style.width = `${Math.round(fraction * 100)}%`;
  $('level').parentElement!.setAttribute('aria-valuenow', String(dbfs ?? -60));
}

/** Each meeting source's live partial, labelled. */
function renderSpeakerPartials(partials: Record<string, string>): void {
  $('speakerPartials').replaceChildren(
    ...Object.entries(partials).map(([speaker, text]) => {
      const line = document.createElement('p');
      line.append(speakerLabel(speaker), ' ', text);
      return line;
    }),
  );
}

function speakerLabel(speaker: string): HTMLElement {
  const label = document.createElement('b');
  label.className = 'speaker';
  label.textContent = `${speaker}:`;
  return label;
}

function renderState(s: TranscriptState): void {
  $('status').textContent = STATUS_TEXT[s.status];
  $('toggle').textContent = s.status === 'listening' || s.status === 'loading' ? 'Stop' : 'Start';
  $('details').textContent = `${s.source} · ${s.device} · ${s.model || 'no model'}`;
  const cloud = $('cloud');
  cloud.hidden = !s.cloud;
  cloud.textContent = s.cloud ? `Audio leaves this machine: it is sent to ${s.cloud} for transcription.` : '';
  const error = $('error');
  error.hidden = !s.error;
  error.textContent = s.error ? `${s.error.message} ${s.error.hint}` : '';
  $('partial').textContent = s.partial;
  renderSpeakerPartials(s.speakerPartials);
  renderLevel(s.level);
  const list = $('utterances');
  list.replaceChildren(
    ...s.utterances.map((u) => {
      const item = document.createElement('li');
      if (u.undelivered) item.classList.add('undelivered');
      if (u.pending) item.classList.add('pending');
      const time = document.createElement('time');
      time.dateTime = u.time;
      time.textContent = new Date(u.time).toLocaleTimeString();
      const text = document.createElement('span');
      text.textContent = u.text;
      item.append(time, ...(u.speaker ? [speakerLabel(u.speaker), ' '] : []), text);
      if (u.undelivered) item.title = 'No editor could take this: it is here and on the clipboard.';
      if (u.pending) item.title = 'Not in the notes file yet: Voxnote keeps it and writes it as soon as it can.';
      return item;
    }),
  );
  list.lastElementChild?.scrollIntoView({ block: 'nearest' });
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  switch (m.method) {
    case 'transcript/state':
      return renderState(m.params);
    case 'transcript/partial':
      $('partial').textContent = m.params.text;
      return;
    case 'transcript/level':
      return renderLevel(m.params.dbfs);
    case 'transcript/speakerPartials':
      return renderSpeakerPartials(m.params.partials);
  }
});

$('toggle').addEventListener('click', () => post('transcript/toggle'));
$('copy').addEventListener('click', () => post('transcript/copy'));
$('clear').addEventListener('click', () => post('transcript/clear'));
// Marks the webview for the serializer, which restores the panel after a reload.
vscode.setState({ restored: true });
post('transcript/ready');
