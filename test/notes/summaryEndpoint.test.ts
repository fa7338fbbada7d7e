/**
 * Summarize Meeting's OpenAI-compatible endpoint client against a local
 * stand-in server: the sections come back, a long meeting goes in parts and is
 * combined, nothing is sent before summarize runs, and failures say what failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endpointChat } from '../../src/notes/chatEndpoint';
import { summarize, summaryMarkdown, summaryRange } from '../../src/notes/meetingSummary';
import { VoxnoteError } from '../../src/shared/errors';
import { type ChatStandIn, meetingLines, startChatStandIn } from '../support/chatStandIn';

const PART_CHARS = 8000;

describe('summary through an OpenAI-compatible endpoint (local stand-in)', () => {
  let server: ChatStandIn;
  before(async () => (server = await startChatStandIn()));
  after(() => server.close());

  it('sends the transcript only when summarize runs, and the sections land after the header', async () => {
    server.requests.length = 0;
    const lines = meetingLines(20);
    const chat = endpointChat({ baseUrl: server.baseUrl + '/', model: 'llama3.2' });
    assert.equal(server.requests.length, 0, 'making the client sends nothing');
    const sections = await summarize(lines, chat, PART_CHARS);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].model, 'llama3.2');
    for (const l of lines) assert.ok(server.requests[0].messages.some((m) => m.content.includes(l)), `sent: ${l}`);
    const notes = `# Meeting\n\n- **Date:** 2025-01-31 14:05\n\n${lines.join('\n\n')}\n\n`;
    const { start, end } = summaryRange(notes);
    const out = notes.slice(0, start) + summaryMarkdown(sections) + notes.slice(end);
    assert.match(out, /^# Meeting\n\n- \*\*Date:\*\* .+\n\n## Summary\n\nThe meeting, the part from 00:00:00\.\n\n## Decisions\n\n- Ship on Friday\.\n\n## Action items\n\n- \[ \] Send the budget \(owner: Ana, due: Friday\)\n- \[ \] Book a room\n\n\[00:00:00\] /);
  });

  it('splits a one-hour meeting into parts that fit, then combines them', async () => {
    server.requests.length = 0;
    const lines = meetingLines(900); // one line every 4 s
    const sections = await summarize(lines, endpointChat({ baseUrl: server.baseUrl, model: 'm' }), PART_CHARS);
    const parts = server.requests.filter((r) => /Part \d+ of \d+/.test(r.messages[1].content));
    assert.ok(parts.length >= 5, `${parts.length} parts`);
    for (const r of parts) assert.ok(r.messages[1].content.length <= PART_CHARS + 100, 'each part within the budget');
    assert.ok(server.requests.length > parts.length, 'and combination requests');
    assert.equal(sections.summary, 'The meeting, the combined parts.');
    for (const l of [lines[0], lines[450], lines[899]]) assert.equal(parts.filter((r) => r.messages[1].content.includes(l)).length, 1);
  });

  it('a server error, a refusal and an unreachable server each give a clear error', async () => {
    const failing = await startChatStandIn(() => ({ status: 500, body: JSON.stringify({ error: { message: 'model "m" not found, try pulling it first' } }) }));
    const refusing = await startChatStandIn(() => "I can't help with that.");
    try {
      await assert.rejects(summarize(meetingLines(3), endpointChat({ baseUrl: failing.baseUrl, model: 'm' }), PART_CHARS), (e: unknown) => {
        assert.ok(e instanceof VoxnoteError);
        assert.match(e.message, /answered 500: model "m" not found.*notes are unchanged/);
        return true;
      });
      await assert.rejects(summarize(meetingLines(3), endpointChat({ baseUrl: refusing.baseUrl, model: 'm' }), PART_CHARS), /did not answer with a summary; it said: "I can't help with that\."/);
    } finally {
      await Promise.all([failing.close(), refusing.close()]);
    }
    const gone = failing.baseUrl;
    await assert.rejects(summarize(meetingLines(3), endpointChat({ baseUrl: gone, model: 'm' }), PART_CHARS), (e: unknown) => {
      assert.ok(e instanceof VoxnoteError);
      assert.match(e.message, /Cannot reach the chat endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: .+\. The notes are unchanged\.$/);
      assert.match(e.hint, /voxnote\.summary\.baseUrl/);
      return true;
    });
    assert.throws(() => endpointChat({ baseUrl: 'localhost:11434', model: 'm' }), /not an http/);
  });
});
