/**
 * What the transcript panel's webview is sent for each change of the store:
 * the change alone (incremental), never the whole transcript but when the
 * webview (re)loads. No VS Code API here (the bench measures it).
 */
import type { TranscriptChange, TranscriptState } from '../transcript/transcriptStore';
import type { HostMessage } from './panelProtocol';

/** Everything, for a webview that just loaded. */
export const fullState = (state: TranscriptState): HostMessage => ({ method: 'transcript/state', params: state });

export function panelMessage(change: TranscriptChange, state: TranscriptState): HostMessage {
  switch (change.kind) {
    case 'status': {
      const { utterances: _u, speakerPartials: _p, ...status } = state;
      return { method: 'transcript/status', params: status };
    }
    case 'partial':
      return { method: 'transcript/partial', params: { text: state.partial } };
    case 'level':
      return { method: 'transcript/level', params: { dbfs: state.level } };
    case 'speakerPartials':
      return { method: 'transcript/speakerPartials', params: { partials: state.speakerPartials } };
    case 'utterance':
      // The webview ends the partial the final replaces, as the store did.
      return { method: 'transcript/append', params: { utterance: change.utterance, dropped: change.dropped } };
    case 'pending':
      return { method: 'transcript/pending', params: { ids: change.ids, pending: change.pending } };
    case 'cleared':
      return { method: 'transcript/cleared', params: {} };
  }
}
