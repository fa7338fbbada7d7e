/** The pure parts of Summarize Meeting: transcript, splitting, the model's sections, placement, map-reduce. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { VoxnoteError } from '../../src/shared/errors';
import {
  type ChatMessage,
  parseSummary,
  splitTranscript,
  summarize,
  summaryMarkdown,
  summaryRange,
  transcriptLines,
} from '../../src/notes/meetingSummary';

const HEADER = '# 2025-01-31 1405 Meeting\n\n- **Date:** 2025-01-31 14:05\n- **Sources:** Me (microphone), Others (system audio)\n- **Model:** tone\n\n';
const LINES = '[00:00:03] **Me:** Shall we start.\n\n[00:00:06] **Others:** Yes, go ahead.\n\n';
const FOOTER = '---\n\n- **Duration:** 00:00:10\n- **Words:** Me 3, Others 3\n\n';
const ANSWER = '## Summary\n\nThey started.\n\n## Decisions\n\n- Start now.\n\n## Action items\n\n- Send the budget (owner: Ana, due: Friday)\n* [ ] Book a room\n';

describe('meeting summary', () => {
  it('reads the transcript lines only', () => {
    assert.deepEqual(transcriptLines(HEADER + LINES + FOOTER), ['[00:00:03] **Me:** Shall we start.', '[00:00:06] **Others:** Yes, go ahead.']);
  });

  it('splits into parts within the limit, keeping every line in order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 80 }).map((s) => s.replace(/\n/g, ' ')), { maxLength: 60 }), fc.integer({ min: 40, max: 400 }), (lines, max) => {
        const parts = splitTranscript(lines, max);
        for (const p of parts) assert.ok(p.length <= max, `part of ${p.length} > ${max}`);
        const short = lines.every((l) => l.length <= max);
        if (short) assert.deepEqual(parts.flatMap((p) => p.split('\n')), lines);
      }),
    );
  });

  it('parses the three sections and makes action items a task list', () => {
    const s = parseSummary(ANSWER);
    assert.equal(s.summary, 'They started.');
    assert.equal(s.decisions, '- Start now.');
    assert.deepEqual(s.actionItems, ['- [ ] Send the budget (owner: Ana, due: Friday)', '- [ ] Book a room']);
    assert.equal(summaryMarkdown(s), '## Summary\n\nThey started.\n\n## Decisions\n\n- Start now.\n\n## Action items\n\n- [ ] Send the budget (owner: Ana, due: Friday)\n- [ ] Book a room\n\n');
  });

  it('reads "None." as no action items and tolerates other heading levels', () => {
    const s = parseSummary('# Summary:\nA chat.\n### Decisions\nNone.\n## Action Items\nNone.');
    assert.deepEqual([s.summary, s.decisions, s.actionItems], ['A chat.', 'None.', []]);
  });

  it('refuses an answer without a summary (a refusal) with a clear error', () => {
    assert.throws(
      () => parseSummary("I'm sorry, I can't help with that."),
      (e: unknown) => e instanceof VoxnoteError && /did not answer with a summary.*sorry.*notes are unchanged/.test(e.message),
    );
  });

  it('places the summary after the header, and replaces an earlier one', () => {
    const notes = HEADER + LINES + FOOTER;
    const first = summaryRange(notes);
    assert.equal(first.start, HEADER.length);
    assert.equal(first.end, HEADER.length);
    const block = summaryMarkdown(parseSummary(ANSWER));
    const once = notes.slice(0, first.start) + block + notes.slice(first.end);
    const again = summaryRange(once);
    assert.deepEqual(again, { start: HEADER.length, end: HEADER.length + block.length });
    assert.equal(summaryRange(HEADER).start, HEADER.length, 'notes with only a header: at the end');
  });

  it('asks once for a short meeting; in parts and then combined for a long one', async () => {
    const asked: ChatMessage[][] = [];
    const chat = async (m: ChatMessage[]) => (asked.push(m), ANSWER);
    const lines = Array.from({ length: 40 }, (_, i) => `[00:00:${String(i).padStart(2, '0')}] **Me:** line ${i} of the meeting`);
    await summarize(lines.slice(0, 3), chat, 10_000);
    assert.equal(asked.length, 1);
    asked.length = 0;
    let last = { done: 0, total: 0 };
    const s = await summarize(lines, chat, 400, (p) => (last = p));
    const parts = splitTranscript(lines, 400).length;
    assert.ok(parts > 3);
    const partRequests = asked.filter((m) => /Part \d+ of \d+/.test(m[1].content));
    assert.equal(partRequests.length, parts, 'one request per part');
    assert.ok(asked.length > parts, 'then combined');
    assert.match(asked.at(-1)![1].content, /Combine them/);
    // Every line reached the model exactly once, in the part requests.
    for (const l of lines) assert.equal(partRequests.filter((m) => m[1].content.includes(l)).length, 1);
    assert.equal(last.done, asked.length);
    assert.equal(s.summary, 'They started.');
  });

  it('stops at the first part the model refuses', async () => {
    let n = 0;
    const chat = async () => (++n === 2 ? 'No.' : ANSWER);
    const lines = Array.from({ length: 30 }, (_, i) => `[00:00:${String(i).padStart(2, '0')}] **Me:** line ${i}`);
    await assert.rejects(summarize(lines, chat, 200), /did not answer with a summary/);
    assert.equal(n, 2);
  });
});
