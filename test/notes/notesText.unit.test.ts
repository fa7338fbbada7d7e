/** Action items into code (TODO syntax, issue drafts), Rename Speaker's edits and diarization's corrections, on notes text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { footerBlock, headerBlock, utteranceBlock } from '../../src/notes/notesFormat';
import { actionItemsIn, commentSyntax, issueDraft, lineLink, meetingDate, todoComment } from '../../src/notes/actionItems';
import { labelProblem, relabelEdits, renameSpeakerEdits, speakerLabels, type SpeakerCorrection, type TextEdit } from '../../src/notes/speakerLabels';

const NOTES = [
  '# 2025-01-31 1405 Meeting',
  '',
  '- **Date:** 2025-01-31 14:05',
  '- **Sources:** Me (microphone), Speaker 1 (system audio)',
  '- **Model:** tone',
  '',
  '## Summary',
  '',
  'Budget talk with Speaker 1.',
  '',
  '## Action items',
  '',
  '- [ ] Send the budget (owner: Speaker 1, due: Friday)',
  '- [x] Book a room',
  '- [ ] Call (the) bank',
  '',
  '[00:00:03] **Me:** Shall we start.',
  '',
  '[00:00:06] **Speaker 1:** Speaker 1 here, yes.',
  '',
  '---',
  '',
  '- **Duration:** 00:00:10',
  '- **Words:** Me 3, Speaker 1 4',
  '',
].join('\n');

const apply = (text: string, edits: TextEdit[]) => [...edits].reverse().reduce((t, e) => t.slice(0, e.start) + e.text + t.slice(e.end), text);

describe('action items', () => {
  it('reads the task list with owners, dates, done state and lines', () => {
    const items = actionItemsIn(NOTES);
    assert.deepEqual(items, [
      { task: 'Send the budget', owner: 'Speaker 1', due: 'Friday', line: 12, done: false },
      { task: 'Book a room', line: 13, done: true },
      { task: 'Call (the) bank', line: 14, done: false },
    ]);
    assert.equal(meetingDate(NOTES), '2025-01-31 14:05');
  });

  it('writes a TODO in each language’s comment syntax, plain text where none is known', () => {
    const item = actionItemsIn(NOTES)[0];
    const link = lineLink('notes/2025-01-31 1405 Meeting.md', item.line);
    assert.equal(link, 'notes/2025-01-31 1405 Meeting.md#L13');
    assert.equal(todoComment(item, 'typescript', link), `// TODO(Speaker 1): Send the budget (due: Friday), from ${link}`);
    assert.equal(todoComment(item, 'python', link), `# TODO(Speaker 1): Send the budget (due: Friday), from ${link}`);
    assert.equal(todoComment(item, 'sql', link).slice(0, 8), '-- TODO(');
    assert.equal(todoComment(item, 'html', link), `<!-- TODO(Speaker 1): Send the budget (due: Friday), from ${link} -->`);
    assert.equal(todoComment(item, 'css', link).slice(-3), ' */');
    assert.equal(todoComment(item, 'plaintext', link), `TODO(Speaker 1): Send the budget (due: Friday), from ${link}`);
    assert.equal(commentSyntax('rust')?.open, '// ');
    assert.equal(commentSyntax('shellscript')?.open, '# ');
  });

  it('drafts an issue with the meeting date and the link to the line', () => {
    const item = actionItemsIn(NOTES)[0];
    assert.equal(
      issueDraft(item, { title: '2025-01-31 1405 Meeting', date: '2025-01-31 14:05', link: 'notes/m.md#L13' }),
      'Send the budget\n\n- **Owner:** Speaker 1\n- **Due:** Friday\n- **From:** 2025-01-31 1405 Meeting, 2025-01-31 14:05 ([notes, line 13](<notes/m.md#L13>))\n',
    );
  });
});

describe('Rename Speaker', () => {
  it('finds the labels in first-spoken order', () => {
    assert.deepEqual(speakerLabels(NOTES), ['Me', 'Speaker 1']);
  });

  it('renames the label on lines, in sources, words and owners, and not in what was said', () => {
    const out = apply(NOTES, renameSpeakerEdits(NOTES, 'Speaker 1', 'Ana'));
    assert.match(out, /^\[00:00:06\] \*\*Ana:\*\* Speaker 1 here, yes\.$/m);
    assert.match(out, /^- \*\*Sources:\*\* Me \(microphone\), Ana \(system audio\)$/m);
    assert.match(out, /^- \*\*Words:\*\* Me 3, Ana 4$/m);
    assert.match(out, /\(owner: Ana, due: Friday\)/);
    assert.match(out, /Budget talk with Speaker 1\./, 'the summary prose is the person’s to edit');
    assert.deepEqual(speakerLabels(out), ['Me', 'Ana']);
  });

  it('refuses names that would break the lines or merge two speakers', () => {
    assert.equal(labelProblem('Ana', ['Me']), undefined);
    assert.match(labelProblem('A:na', ['Me'])!, /cannot contain/);
    assert.match(labelProblem('Me', ['Me', 'Speaker 1'])!, /merge/);
    assert.match(labelProblem('  ', [])!, /needs a name/);
  });
});

/** Diarized notes as the writer makes them: random lines of Speaker 1–4 (what they say may name a speaker too), and the footer. */
const diarizedNotes = fc
  .array(fc.record({ speaker: fc.integer({ min: 1, max: 4 }), gap: fc.integer({ min: 0, max: 4000 }), said: fc.constantFrom('yes', 'Speaker 2 said so', 'no Speaker 1', 'open file') }), { minLength: 1, maxLength: 25 })
  .map((items) => {
    let t = 0;
    const lines = items.map((i, n) => {
      t += i.gap / 1000;
      // Two lines alike in time, label and text could be either: told apart by what was said.
      return { start: Math.round(t * 1000) / 1000, end: t + 1, text: `${i.said} ${n}`, speaker: `Speaker ${i.speaker}` };
    });
    const words = new Map<string, number>();
    for (const l of lines) words.set(l.speaker, (words.get(l.speaker) ?? 0) + l.text.split(' ').length);
    const text = headerBlock({ title: 'M', startedAt: new Date(0), sources: ['Others (system audio)'], model: 'm' }) + lines.map(utteranceBlock).join('') + footerBlock({ duration: t + 1, words });
    return { lines, text };
  });

const lineLabels = (text: string) => [...text.matchAll(/^\[\d\d:\d\d:\d\d\] \*\*(.+?):\*\* (.*)$/gm)].map((m) => [m[1], m[2]]);

describe('Rename Speaker in diarized notes', () => {
  it('renames every line of that speaker and the footer, no other line, nothing said', () => {
    fc.assert(
      fc.property(diarizedNotes, fc.integer({ min: 1, max: 4 }), ({ lines, text }, n) => {
        const from = `Speaker ${n}`;
        const out = apply(text, renameSpeakerEdits(text, from, 'Ana'));
        assert.deepEqual(lineLabels(out), lines.map((l) => [l.speaker === from ? 'Ana' : l.speaker, l.text]));
        if (lines.some((l) => l.speaker === from)) assert.match(out, /^- \*\*Words:\*\* .*\bAna \d+/m);
        assert.ok(!new RegExp(`^- \\*\\*Words:\\*\\* .*${from} \\d`, 'm').test(out));
      }),
    );
  });
});

describe("diarization's corrections to notes text", () => {
  it('gives exactly the corrected lines their new label, finds lines whose text the person edited, and sets the footer', () => {
    fc.assert(
      fc.property(diarizedNotes, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 5 }), fc.boolean())), ({ lines, text }, picks) => {
        const chosen = new Map<number, { to: string; edited: boolean }>();
        for (const [i, to, edited] of picks) if (lines[i % lines.length].speaker !== `Speaker ${to}`) chosen.set(i % lines.length, { to: `Speaker ${to}`, edited });
        // The person edited the text of some lines since: found by time and label all the same.
        let notes = text;
        for (const [i, c] of chosen) if (c.edited) notes = notes.replace(utteranceBlock(lines[i]), utteranceBlock({ ...lines[i], text: `${lines[i].text} (edited ${i})` }));
        // In utterance order, as the worker gives them.
        const corrections: SpeakerCorrection[] = [...chosen].sort(([a], [b]) => a - b).map(([i, c]) => ({ start: lines[i].start, text: lines[i].text, from: lines[i].speaker, to: c.to }));
        const after = { utterances: lines.map((l, i) => ({ ...l, speaker: chosen.get(i)?.to ?? l.speaker })), words: new Map([['X', 1]]) };
        const out = apply(notes, relabelEdits(notes, corrections, after));
        const got = lineLabels(out).map(([label]) => label);
        const want = lines.map((l, i) => chosen.get(i)?.to ?? l.speaker);
        assert.deepEqual(got, want);
        if (chosen.size) assert.match(out, /^- \*\*Words:\*\* X 1$/m);
      }),
    );
  });

  it('leaves alone a line the person relabelled or deleted', () => {
    const notes = '[00:00:01] **Ana:** yes\n\n[00:00:02] **Speaker 2:** no\n\n';
    const corrections = [
      { start: 1, text: 'yes', from: 'Speaker 1', to: 'Speaker 3' },
      { start: 5, text: 'gone', from: 'Speaker 2', to: 'Speaker 3' },
      { start: 2, text: 'no', from: 'Speaker 2', to: 'Speaker 1' },
    ];
    assert.equal(apply(notes, relabelEdits(notes, corrections)), '[00:00:01] **Ana:** yes\n\n[00:00:02] **Speaker 1:** no\n\n');
  });
});
