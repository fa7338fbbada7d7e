/** Recognized words → inserted text: spacing, capitals, spoken punctuation, numbers, scratch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_COMMANDS,
  DEFAULT_FORMAT_OPTIONS,
  formatUtterance,
  SCRATCH_COMMAND,
  type Formatted,
} from '../../src/dictation/formatter';
import type { FormatOptions } from '../../src/shared/settings';

function format(words: string, before = '', options: Partial<FormatOptions> = {}): Formatted {
  return formatUtterance(words, { before }, { ...DEFAULT_FORMAT_OPTIONS, ...options });
}

/** The text to insert; fails if the utterance was a scratch. */
function text(words: string, before = '', options: Partial<FormatOptions> = {}): string {
  const result = format(words, before, options);
  assert.equal(result.kind, 'text', `expected text, got ${JSON.stringify(result)}`);
  return result.kind === 'text' ? result.text : '';
}

const ALL_OFF: Partial<FormatOptions> = { spacing: false, capitalize: false, spokenPunctuation: false, numbersAsDigits: false };

describe('formatUtterance', () => {
  it('turns a Vosk utterance into punctuated, capitalized text', () => {
    assert.deepEqual(format('hello world period new line how are you question mark'), {
      kind: 'text',
      text: 'Hello world.\nHow are you?',
    });
  });

  it('gives empty text for an empty utterance', () => {
    assert.deepEqual(format(''), { kind: 'text', text: '' });
    assert.deepEqual(format('  \n '), { kind: 'text', text: '' });
  });

  it('collapses odd whitespace between recognized words', () => {
    assert.equal(text('  hello   there '), 'Hello there');
  });

  describe('spacing against the text before the cursor', () => {
    it('adds no space at the start of the document', () => {
      assert.equal(text('hello', ''), 'Hello');
    });

    it('adds a space after a word', () => {
      assert.equal(text('world', 'Hello'), ' world');
    });

    it('adds a space after sentence punctuation', () => {
      assert.equal(text('world', 'Hello.'), ' World');
      assert.equal(text('no', 'Yes,'), ' no');
      assert.equal(text('then', 'Wait)'), ' then');
    });

    it('adds no space at the start of a line', () => {
      assert.equal(text('world', 'Hello\n'), 'World');
    });

    it('adds no space after existing whitespace', () => {
      assert.equal(text('world', 'Hello '), 'world');
      assert.equal(text('world', 'Hello\t'), 'world');
    });

    it('adds no space after an opening bracket', () => {
      assert.equal(text('foo', 'call('), 'foo');
      assert.equal(text('foo', 'list['), 'foo');
      assert.equal(text('foo', 'set{'), 'foo');
    });

    it('adds no space after an opening straight quote', () => {
      assert.equal(text('hello', 'She said "'), 'hello');
    });

    it('adds a space after a closing straight quote', () => {
      assert.equal(text('and left', 'She said "hi"'), ' and left');
    });

    it('attaches punctuation that starts the utterance to the text before', () => {
      assert.equal(text('comma world', 'Hello'), ', world');
      assert.equal(text('close quote', 'She said "hi'), '"');
    });

    it('never edits existing text, so a space already typed stays before punctuation', () => {
      assert.equal(text('period', 'Hello '), '.');
    });

    it('with spacing off adds no space against the text before, but still spaces the words', () => {
      assert.equal(text('world', 'Hello', { spacing: false }), 'world');
      assert.equal(text('big world comma ok', 'Hello', { spacing: false }), 'big world, ok');
    });
  });

  describe('spoken punctuation', () => {
    it('attaches punctuation to the previous word and spaces the next', () => {
      assert.equal(text('one comma two semicolon three colon four exclamation mark'), 'One, two; three: four!');
    });

    it('accepts "full stop" and "exclamation point" as alternatives', () => {
      assert.equal(text('done full stop wow exclamation point'), 'Done. Wow!');
    });

    it('wraps words in brackets without inner spaces', () => {
      assert.equal(text('open paren see below close paren', 'Note'), ' (see below)');
      assert.equal(text('open parenthesis a close parenthesis', 'Note'), ' (a)');
    });

    it('opens and closes straight quotes by their count on the line', () => {
      assert.equal(text('open quote hi there close quote and left', 'She said'), ' "hi there" and left');
    });

    it('puts new lines and paragraphs without surrounding spaces', () => {
      assert.equal(text('first new line second'), 'First\nSecond');
      assert.equal(text('new paragraph next', 'Done.'), '\n\nNext');
    });

    it('matches the longest phrase first, so "new" alone stays a word', () => {
      assert.equal(text('a new idea new line next'), 'A new idea\nNext');
    });

    it('matches phrases regardless of case', () => {
      assert.equal(text('Hello Period'), 'Hello.');
    });

    it('leaves the words as spoken when spoken punctuation is off', () => {
      assert.equal(text('hello period new line', '', { spokenPunctuation: false }), 'Hello period new line');
    });
  });

  describe('the user command map', () => {
    it('adds phrases, normalizing their case and spaces', () => {
      assert.equal(text('wait em dash what', '', { commands: { 'Em  Dash': '—' } }), 'Wait — what');
    });

    it('overrides a default', () => {
      assert.equal(text('a comma b', '', { commands: { comma: ';' } }), 'A; b');
    });

    it('removes a default with an empty replacement', () => {
      assert.equal(text('colon cancer screening', '', { commands: { colon: '' } }), 'Colon cancer screening');
    });

    it('prefers a longer user phrase over a default inside it', () => {
      assert.equal(text('the period table', '', { commands: { 'period table': 'periodic table' } }), 'The periodic table');
    });

    it('takes precedence over numbers', () => {
      assert.equal(
        text('read catch twenty two', '', { numbersAsDigits: true, numbersMinimum: 0, commands: { 'catch twenty two': 'Catch-22' } }),
        'Read Catch-22',
      );
    });

    it('inserts replacements exactly as configured, even at a sentence start', () => {
      assert.equal(text('my email', '', { commands: { 'my email': 'me@example.com' } }), 'me@example.com');
    });

    it('lets a replacement that ends a sentence capitalize the next word', () => {
      assert.equal(text('sign off bye', '', { commands: { 'sign off': 'Cheers.' } }), 'Cheers. Bye');
    });

    it('is ignored with spoken punctuation off', () => {
      assert.equal(text('my email', '', { spokenPunctuation: false, commands: { 'my email': 'me@example.com' } }), 'My email');
    });
  });

  describe('capitals', () => {
    it('starts a sentence after . ? and !', () => {
      assert.equal(text('really question mark yes exclamation mark wow period ok'), 'Really? Yes! Wow. Ok');
    });

    it('starts a sentence after a period inside closing brackets or quotes', () => {
      assert.equal(text('then', 'He left.)'), ' Then');
      assert.equal(text('so', 'He said "go."'), ' So');
    });

    it('starts a sentence at a line start, even an indented one', () => {
      assert.equal(text('buy milk new line call mom'), 'Buy milk\nCall mom');
      assert.equal(text('item', 'Title\n  '), 'Item');
    });

    it('starts a sentence after an opening bracket at a sentence start', () => {
      assert.equal(text('maybe', 'Done. ('), 'Maybe');
    });

    it('continues the sentence after a word, comma or colon', () => {
      assert.equal(text('cat', 'The'), ' cat');
      assert.equal(text('thanks', 'Dear sir,'), ' thanks');
      assert.equal(text('this', 'Note:'), ' this');
    });

    it('writes the pronoun "I" in capitals', () => {
      assert.equal(text("yes i think i'm right and i'll go"), "Yes I think I'm right and I'll go");
    });

    it('leaves everything lowercase when capitalizing is off', () => {
      assert.equal(text('hello period i agree', '', { capitalize: false }), 'hello. i agree');
    });
  });

  describe('scratch that', () => {
    it('alone removes the previous utterance', () => {
      assert.deepEqual(format('scratch that'), { kind: 'scratch', rest: '' });
    });

    it('at the start removes the previous utterance and returns the raw words after it', () => {
      assert.deepEqual(format('scratch that hello world period'), { kind: 'scratch', rest: 'hello world period' });
    });

    it('said twice returns the second one as the rest, which removes one more utterance', () => {
      assert.deepEqual(format('scratch that scratch that'), { kind: 'scratch', rest: 'scratch that' });
      assert.deepEqual(format('scratch that'), { kind: 'scratch', rest: '' });
    });

    it('is recognized in any case and spacing', () => {
      assert.deepEqual(format(' Scratch   That '), { kind: 'scratch', rest: '' });
    });

    it('in the middle drops what was said before it in the same utterance', () => {
      assert.deepEqual(format('send it to bob scratch that to alice period'), { kind: 'text', text: 'To alice.' });
    });

    it('in the middle formats the rest against the text before the cursor', () => {
      assert.equal(text('foo scratch that bar', 'Hi.'), ' Bar');
      assert.equal(text('foo scratch that bar', 'Hi'), ' bar');
    });

    it('at the end of an utterance leaves nothing to insert', () => {
      assert.deepEqual(format('hello world scratch that'), { kind: 'text', text: '' });
    });

    it('keeps only what follows the last one in the middle', () => {
      assert.equal(text('a scratch that b scratch that c'), 'C');
    });

    it('still works with spoken punctuation off', () => {
      assert.deepEqual(format('scratch that', '', { spokenPunctuation: false }), { kind: 'scratch', rest: '' });
    });

    it('can be given another phrase', () => {
      assert.deepEqual(format('delete that', '', { commands: { 'delete that': SCRATCH_COMMAND } }), { kind: 'scratch', rest: '' });
    });

    it('can be turned off with an empty replacement', () => {
      assert.deepEqual(format('scratch that', '', { commands: { 'scratch that': '' } }), { kind: 'text', text: 'Scratch that' });
    });
  });

  describe('numbers as digits', () => {
    const digits = (words: string, numbersMinimum = 0): string => text(words, '', { numbersAsDigits: true, numbersMinimum });

    const cases: [string, string][] = [
      ['zero', '0'],
      ['seven', '7'],
      ['thirteen', '13'],
      ['forty', '40'],
      ['twenty five', '25'],
      ['ninety nine', '99'],
      ['one hundred', '100'],
      ['one hundred and five', '105'],
      ['one hundred five', '105'],
      ['nine hundred ninety nine', '999'],
      ['twelve hundred', '1200'],
      ['twenty five hundred', '2500'],
      ['one thousand', '1000'],
      ['two thousand twenty six', '2026'],
      ['two thousand and five', '2005'],
      ['one thousand nine hundred eighty four', '1984'],
      ['one hundred thousand', '100000'],
      ['three million two hundred thousand and one', '3200001'],
    ];
    for (const [words, expected] of cases) {
      it(`reads "${words}" as ${expected}`, () => {
        assert.equal(digits(words), expected);
      });
    }

    it('reads adjacent numbers that cannot combine as separate numbers', () => {
      assert.equal(digits('one two three'), '1 2 3');
      assert.equal(digits('nineteen ninety nine'), '19 99');
      assert.equal(digits('twenty twenty'), '20 20');
      assert.equal(digits('zero five'), '0 5');
      assert.equal(digits('two thousand three thousand'), '2000 3000');
    });

    it('keeps "and" a word unless a number follows it', () => {
      assert.equal(digits('one hundred and the rest'), '100 and the rest');
      assert.equal(digits('rock and roll'), 'Rock and roll');
      assert.equal(digits('two and three'), '2 and 3');
    });

    it('needs a count before "hundred" and "thousand"', () => {
      assert.equal(digits('hundred thousand'), 'Hundred thousand');
    });

    it('works inside sentences and next to punctuation', () => {
      assert.equal(digits('i have two cats comma twenty five period'), 'I have 2 cats, 25.');
    });

    it('leaves numbers below the minimum as words', () => {
      assert.equal(digits('no one came', 10), 'No one came');
      assert.equal(digits('one of ten', 10), 'One of 10');
      assert.equal(digits('nine lives', 10), 'Nine lives');
      assert.equal(digits('zero', 10), 'Zero');
      assert.equal(digits('twenty five', 10), '25');
    });

    it('keeps a whole phrase below the minimum as words, without converting its parts', () => {
      assert.equal(digits('one thousand nine hundred', 2000), 'One thousand nine hundred');
      assert.equal(digits('two thousand twenty six', 2000), '2026');
    });

    it('leaves number words alone when off', () => {
      assert.equal(text('twenty five', '', { numbersAsDigits: false }), 'Twenty five');
    });
  });

  describe('switches off', () => {
    it('all off gives the raw words back', () => {
      assert.equal(text('hello world period twenty five i', 'Hello', ALL_OFF), 'hello world period twenty five i');
    });

    it('all off but spacing gives the raw words with a separating space', () => {
      assert.equal(text('hello world period twenty five i', 'Hello', { ...ALL_OFF, spacing: true }), ' hello world period twenty five i');
    });
  });

  describe('defaults', () => {
    it('speaks these commands', () => {
      assert.deepEqual(DEFAULT_COMMANDS, {
        period: '.',
        'full stop': '.',
        comma: ',',
        'question mark': '?',
        'exclamation mark': '!',
        'exclamation point': '!',
        colon: ':',
        semicolon: ';',
        'new line': '\n',
        'new paragraph': '\n\n',
        'open paren': '(',
        'close paren': ')',
        'open parenthesis': '(',
        'close parenthesis': ')',
        'open quote': '"',
        'close quote': '"',
        'scratch that': SCRATCH_COMMAND,
      });
    });

    it('space, capitalize and punctuate, and keep numbers as words', () => {
      assert.deepEqual(DEFAULT_FORMAT_OPTIONS, {
        spacing: true,
        capitalize: true,
        spokenPunctuation: true,
        numbersAsDigits: false,
        numbersMinimum: 10,
        commands: {},
      });
    });
  });
});
