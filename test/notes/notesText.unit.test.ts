/** Action items into code (TODO syntax, issue drafts) and Rename Speaker's edits, on notes text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionItemsIn, commentSyntax, issueDraft, lineLink, meetingDate, todoComment } from '../../src/notes/actionItems';
import { labelProblem, renameSpeakerEdits, speakerLabels, type TextEdit } from '../../src/notes/speakerLabels';

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
