/**
 * The speech service's two touch points with the workbench: the global
 * `voxnote.speechInProgress` context key (like VS Code's
 * SpeechToTextInProgress), and the question asked when dictation wants the
 * microphone a meeting is using.
 */
import * as vscode from 'vscode';
import type { HandoverRequest } from '../microphoneArbiter';
import type { SpeechService } from '../speechService';

export const SPEECH_IN_PROGRESS_CONTEXT = 'voxnote.speechInProgress';
export const PAUSE_MEETING_MIC = 'Pause meeting microphone and dictate';

/** Keeps the context key equal to service.inProgress. */
export function bindSpeechContext(service: SpeechService): vscode.Disposable {
  void vscode.commands.executeCommand('setContext', SPEECH_IN_PROGRESS_CONTEXT, service.inProgress);
  return service.onDidChangeInProgress((inProgress) => void vscode.commands.executeCommand('setContext', SPEECH_IN_PROGRESS_CONTEXT, inProgress));
}

/** Dictation asks for the microphone a meeting holds: the person chooses. */
export async function confirmMicrophoneHandover(request: HandoverRequest): Promise<boolean> {
  if (request.holder !== 'meeting' || request.claimant !== 'dictation') return false;
  const pick = await vscode.window.showWarningMessage(
    'Voxnote: meeting notes are taking the microphone. Pause the meeting\'s microphone while you dictate? It resumes when dictation stops; system audio keeps being transcribed.',
    PAUSE_MEETING_MIC,
    'Cancel',
  );
  return pick === PAUSE_MEETING_MIC;
}
