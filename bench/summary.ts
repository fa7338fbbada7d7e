/**
 * Summarize Meeting's figure for `npm run bench`: time to the three sections for
 * a one-hour meeting (900 lines, one every 4 s, two speakers) through the local
 * stand-in chat-completions endpoint, as Voxnote sends it to a local server
 * (8000-character parts, then combined). The stand-in answers at once, so this
 * is Voxnote's own cost and the number of round trips; a real local model adds
 * its generation time per request.
 */
import { endpointChat } from '../src/notes/chatEndpoint';
import { splitTranscript, summarize } from '../src/notes/meetingSummary';
import { meetingLines, startChatStandIn } from '../test/support/chatStandIn';

const PART_CHARS = 8000;

export async function summaryBench() {
  const server = await startChatStandIn();
  try {
    const lines = meetingLines(900);
    const t0 = performance.now();
    const sections = await summarize(lines, endpointChat({ baseUrl: server.baseUrl, model: 'stand-in' }), PART_CHARS);
    const ms = performance.now() - t0;
    return {
      meetingMinutes: 60,
      transcriptLines: lines.length,
      transcriptChars: lines.join('\n').length,
      parts: splitTranscript(lines, PART_CHARS).length,
      requests: server.requests.length,
      timeToSummaryMs: Math.round(ms * 10) / 10,
      actionItems: sections.actionItems.length,
      note: 'stand-in answers instantly: Voxnote overhead and round trips only',
    };
  } finally {
    await server.close();
  }
}
