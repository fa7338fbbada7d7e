/** Messages that name a Voxnote command offer it as a button: which commands a text names. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { OFFLINE_HINT } from '../../src/models/errors';
import { checkModelFolder } from '../../src/shared/modelFolder';
import { commandsNamedIn, settingsNamedIn, type ContributedCommand } from '../../src/notify/commandsNamed';

const ROOT = path.join(__dirname, '..', '..', '..');
const COMMANDS: ContributedCommand[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.commands;
const named = (text: string) => commandsNamedIn(text, COMMANDS).map((c) => c.command);

describe('commands a message names', () => {
  it('the offline download error names Install Model from Folder or Zip…', () => {
    assert.deepEqual(named(`Voxnote: Cannot download https://x/y.zip: getaddrinfo ENOTFOUND x. ${OFFLINE_HINT}`), ['voxnote.installModel']);
  });

  it('an incomplete model folder names Download Model…', () => {
    const check = checkModelFolder(path.join(ROOT, 'no-such-model'));
    assert.equal(check.ok, false);
    assert.deepEqual(named(check.ok ? '' : `${check.message} ${check.hint}`), ['voxnote.downloadModel']);
  });

  it('finds titles without quotes, in the order they appear, each once', () => {
    assert.deepEqual(named('Choose an available device with Voxnote: Select Microphone, or check that it is connected.'), ['voxnote.selectMicrophone']);
    assert.deepEqual(
      named('Run "Voxnote: Select Model", then "Voxnote: Start Dictation" or "Voxnote: Select Model" again.'),
      ['voxnote.selectModel', 'voxnote.startDictation'],
    );
  });

  it('a title that begins another is not found inside it', () => {
    const commands = [
      { command: 'a.toggle', title: 'Toggle Dictation', category: 'Voxnote' },
      { command: 'a.toggleMore', title: 'Toggle Dictation Loudly', category: 'Voxnote' },
    ];
    assert.deepEqual(commandsNamedIn('Try "Voxnote: Toggle Dictation Loudly".', commands).map((c) => c.command), ['a.toggleMore']);
  });

  it('nothing when no command is named: "Voxnote:" as a prefix, lower case, or a title of another extension', () => {
    assert.deepEqual(named('Voxnote: the model "x" is installed and active.'), []);
    assert.deepEqual(named('Run "Git: Select Model".'), []);
  });
});

describe('settings a message names', () => {
  const SETTINGS: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.flatMap((c: { properties: object }) => Object.keys(c.properties));

  it('finds whole setting ids, in order, each once', () => {
    assert.deepEqual(settingsNamedIn('Raise voxnote.model.maxUnpackedGB if you trust this model.', SETTINGS), ['voxnote.model.maxUnpackedGB']);
    assert.deepEqual(settingsNamedIn(`x ${OFFLINE_HINT}`, [...SETTINGS, 'http.proxy']), ['http.proxy']);
    assert.deepEqual(
      settingsNamedIn('Use a small model, or clear voxnote.phrases; voxnote.phrasesX is not one, voxnote.phrases again is the same.', SETTINGS),
      ['voxnote.phrases'],
    );
  });

  it('file names and addresses are not settings', () => {
    assert.deepEqual(settingsNamedIn('Cannot download https://alphacephei.com/vosk/models/model.zip to notes.md.', SETTINGS), []);
  });
});
