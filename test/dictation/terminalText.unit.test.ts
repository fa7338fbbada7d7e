/**
 * Dictating into a terminal never sends a line break or another control
 * character: a misheard word must not run a half-dictated command line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FORMAT_OPTIONS } from '../../src/dictation/formatter';
import type { FormatOptions } from '../../src/shared/settings';
import { formatForTerminal } from '../../src/dictation/terminalText';

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

function terminal(words: string, before = '', options: Partial<FormatOptions> = {}): string {
  const f = formatForTerminal(words, { before }, { ...DEFAULT_FORMAT_OPTIONS, ...options });
  assert.equal(f.kind, 'text');
  return f.kind === 'text' ? f.text : '';
}

describe('terminal dictation text', () => {
  it('"new line" and "new paragraph" become a space, not Enter', () => {
    assert.equal(terminal('git status new line rm dash r f'), 'Git status rm dash r f');
    assert.equal(terminal('yes new paragraph open'), 'Yes open');
  });

  it('punctuation still works around a spoken line break', () => {
    assert.equal(terminal('done period new line next'), 'Done. Next');
  });

  it('a user command whose value holds control characters sends none of them', () => {
    const commands = { 'run it': '\r', 'up arrow': '\u001b[A', tab: '\t', 'end of text': '\u0003', delete: '\u007f' };
    for (const phrase of Object.keys(commands)) {
      const text = terminal(`ls ${phrase} now`, '', { commands });
      assert.doesNotMatch(text, CONTROL, `${phrase}: ${JSON.stringify(text)}`);
    }
    assert.equal(terminal('ls up arrow now', '', { commands }), 'Ls [A now');
  });

  it('recognized text with control characters in it (a cloud engine) is cleaned too', () => {
    assert.equal(terminal('first\nsecond\r\nthird'), 'First second third');
  });

  it('the words before the cursor still decide spacing', () => {
    assert.equal(terminal('status', 'git'), ' status');
    assert.equal(terminal('status', 'git '), 'status');
  });
});
