/**
 * The dictation status bar item's tooltip, as plain text: error messages and
 * device names come from outside (the worker, the sound server, settings) and
 * are shown as written, never rendered as Markdown. No VS Code API here.
 */
import type { TranscriptState } from '../transcript/transcriptStore';

export function dictationTooltip(s: TranscriptState): string {
  const error = s.status === 'error' && s.error ? `${s.error.message}\n${s.error.hint}\n\n` : '';
  const click = s.status === 'error' ? 'Click for details.' : 'Click to start or stop dictation.';
  const cloud = s.cloud ? `Audio is sent to ${s.cloud} for transcription.\n\n` : '';
  return `${cloud}${error}Source: ${s.source}\nDevice: ${s.device}\nModel: ${s.model || 'none yet (click to get one)'}\n\n${click}`;
}
