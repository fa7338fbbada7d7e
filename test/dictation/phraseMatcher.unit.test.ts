/**
 * The voice-command phrase matcher: exact phrases during dictation, fuzzy ones
 * in command mode, numbers through the formatter's number words, names picked
 * from a list, and ambiguity reported rather than guessed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_PHRASES, commandPhrases, commandTable, actsOutsideEditor } from '../../src/dictation/voiceCommands/commandTable';
import { matchCommand, pickByName, similarity } from '../../src/dictation/voiceCommands/phraseMatcher';

const table = commandTable({ 'format document': 'editor.action.formatDocument', 'close tab': { command: 'workbench.action.closeActiveEditor', args: { x: 1 } } });
const exact = { fuzzy: false };
const fuzzy = { fuzzy: true };

describe('voice command phrases', () => {
  it('an exact phrase names its command; case and punctuation do not matter', () => {
    const m = matchCommand('Save file.', table.entries, exact);
    assert.equal(m.kind, 'command');
    assert.deepEqual(m.kind === 'command' && m.candidate.entry.action, { kind: 'builtin', id: 'save' });
    const user = matchCommand('close tab', table.entries, exact);
    assert.deepEqual(user.kind === 'command' && user.candidate.entry.action, { kind: 'command', command: 'workbench.action.closeActiveEditor', args: { x: 1 } });
  });

  it('during dictation prose is never a command: only the whole utterance counts, no fuzziness', () => {
    assert.equal(matchCommand('please save file now', table.entries, exact).kind, 'none');
    assert.equal(matchCommand('safe file', table.entries, exact).kind, 'none');
    assert.equal(matchCommand('', table.entries, exact).kind, 'none');
  });

  it('command mode forgives a misheard word', () => {
    const m = matchCommand('safe file', table.entries, fuzzy);
    assert.equal(m.kind === 'command' && m.candidate.entry.phrase, 'save file');
    assert.ok(m.kind === 'command' && m.candidate.score < 1);
    assert.equal(matchCommand('the weather is nice today', table.entries, fuzzy).kind, 'none');
  });

  it('numbers come from the formatter\'s number words', () => {
    const m = matchCommand('go to line forty two', table.entries, exact);
    assert.equal(m.kind === 'command' && m.candidate.number, 42);
    const big = matchCommand('go to line one thousand and five', table.entries, exact);
    assert.equal(big.kind === 'command' && big.candidate.number, 1005);
    assert.equal(matchCommand('go to line 7', table.entries, exact).kind === 'command', true);
    assert.equal(matchCommand('go to line banana', table.entries, exact).kind, 'none');
    assert.equal(matchCommand('go to line', table.entries, exact).kind, 'none');
  });

  it('a name slot keeps the words after the phrase', () => {
    const m = matchCommand('open file package json', table.entries, exact);
    assert.equal(m.kind === 'command' && m.candidate.name, 'package json');
  });

  it('two phrases equally close are ambiguous, never guessed', () => {
    const t = commandTable({ 'close tab': 'a', 'close tap': 'b' });
    const m = matchCommand('close tab', t.entries, fuzzy);
    assert.equal(m.kind, 'command', 'an exact match wins over a fuzzy one');
    const amb = matchCommand('close tav', t.entries, fuzzy);
    assert.equal(amb.kind, 'ambiguous');
    assert.deepEqual(amb.kind === 'ambiguous' && amb.candidates.map((c) => c.entry.phrase).sort(), ['close tab', 'close tap']);
  });

  it('names: exact compact forms, extensions optional, close names ambiguous', () => {
    const files = ['package.json', 'README.md', 'notes.md', 'notes.txt'].map((label) => ({ label, value: label }));
    const pkg = pickByName('package json', files);
    assert.equal(pkg.kind === 'command' && pkg.candidate.value, 'package.json');
    const readme = pickByName('readme', files);
    assert.equal(readme.kind === 'command' && readme.candidate.value, 'README.md');
    const notes = pickByName('notes', files);
    assert.equal(notes.kind, 'ambiguous');
    assert.equal(pickByName('zebra', files).kind, 'none');
  });

  it('the setting adds, overrides and removes phrases, and says what it skipped', () => {
    const t = commandTable({ 'save file': '', 'Undo That': 'my.undo', broken: 42 });
    assert.equal(matchCommand('save file', t.entries, exact).kind, 'none');
    const undo = matchCommand('undo that', t.entries, exact);
    assert.deepEqual(undo.kind === 'command' && undo.candidate.entry.action, { kind: 'command', command: 'my.undo' });
    assert.equal(t.problems.length, 1);
    assert.match(t.problems[0], /broken/);
  });

  it('every built-in phrase matches itself exactly', () => {
    const t = commandTable({});
    for (const phrase of Object.keys(BUILTIN_PHRASES)) {
      const spoken = phrase.replace('<number>', 'three').replace('<name>', 'notes');
      const m = matchCommand(spoken, t.entries, exact);
      assert.equal(m.kind, 'command', spoken);
    }
  });

  it('command mode phrases: whole phrases, numbers and names in words', () => {
    const phrases = commandPhrases(commandTable({}).entries, ['package.json']);
    assert.ok(phrases.includes('save file'));
    assert.ok(phrases.includes('go to line ninety nine'));
    assert.ok(phrases.includes('open file package json'));
    for (const p of phrases) assert.equal(matchCommand(p, commandTable({}).entries, exact).kind === 'none', false, p);
  });

  it('commands that act outside the editor are recognised to ask first', () => {
    assert.ok(actsOutsideEditor('git.push'));
    assert.ok(actsOutsideEditor('workbench.action.terminal.sendSequence'));
    assert.ok(actsOutsideEditor('deleteFile'));
    assert.ok(!actsOutsideEditor('editor.action.formatDocument'));
  });

  it('similarity is symmetric, 1 only for equal strings, within [0, 1]', () => {
    const words = ['', 'a', 'save', 'safe', 'file', 'save file', 'go to line', 'xyz'];
    for (const a of words) {
      for (const b of words) {
        const s = similarity(a, b);
        assert.ok(s >= 0 && s <= 1);
        assert.equal(s, similarity(b, a));
        assert.equal(s === 1, a === b);
      }
    }
  });
});
