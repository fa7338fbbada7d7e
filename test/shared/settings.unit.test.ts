/**
 * Settings defaults have one source (src/shared/settings.ts): package.json must
 * declare the same, and the code that falls back on a default (config.ts, the
 * formatter, the hold detector) must fall back on that one.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_FORMAT_OPTIONS } from '../../src/dictation/formatter';
import { DEFAULT_HOLD_TIMING } from '../../src/dictation/holdDetector';
import { notesFolder, SETTING_DEFAULTS } from '../../src/shared/settings';

const ROOT = path.resolve(__dirname, '../../..');
interface Declared {
  default: unknown;
  enum?: unknown[];
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: Array<{ title: string; properties: Record<string, Declared> }> };
};
// Settings come in categories (one object per Settings UI section).
const declared = new Map(
  manifest.contributes.configuration.flatMap((c) => Object.entries(c.properties)).map(([key, p]) => [key.replace(/^voxnote\./, ''), p]),
);
const packageDefault = (name: string): unknown => declared.get(name)?.default;

/**
 * Loads config.ts against a VS Code whose settings are all unset, as VS Code's
 * `get(key, fallback)` then answers: what it returns is what config.ts falls back on.
 */
function configWithNothingSet(): typeof import('../../src/config') {
  const vscode = {
    workspace: {
      getConfiguration: () => ({ get: (_key: string, fallback: unknown) => fallback, inspect: () => ({ key: '' }) }),
      workspaceFolders: [{ uri: { fsPath: '/ws' } }],
    },
    ConfigurationTarget: { Global: 1 },
  };
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    return request === 'vscode' ? vscode : load.call(this, request, parent, isMain);
  };
  try {
    return require('../../src/config') as typeof import('../../src/config');
  } finally {
    loader._load = load;
  }
}

describe('settings defaults', () => {
  it('package.json declares every setting the code knows, with the same default', () => {
    assert.deepEqual([...declared.keys()].sort(), Object.keys(SETTING_DEFAULTS).sort());
    for (const [name, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(packageDefault(name), value, `voxnote.${name}`);
  });

  it('each enum setting defaults to one of its values', () => {
    for (const [name, p] of declared) if (p.enum) assert.ok(p.enum.includes(p.default), `voxnote.${name}: ${String(p.default)} is not one of ${p.enum.join(', ')}`);
  });

  it('the formatter and the hold detector start from the package.json defaults', () => {
    assert.deepEqual(DEFAULT_FORMAT_OPTIONS, {
      spacing: packageDefault('format.spacing'),
      capitalize: packageDefault('format.capitalize'),
      spokenPunctuation: packageDefault('format.spokenPunctuation'),
      numbersAsDigits: packageDefault('format.numbersAsDigits'),
      numbersMinimum: packageDefault('format.numbersMinimum'),
      commands: packageDefault('format.commands'),
    });
    assert.equal(DEFAULT_HOLD_TIMING.releaseTailMs, packageDefault('pushToTalk.releaseTailMs'));
  });

  it('config.ts falls back on the package.json defaults when nothing is set', () => {
    const config = configWithNothingSet();
    assert.deepEqual(config.readDictationSettings(), {
      modelPath: packageDefault('model.path'),
      device: undefined, // '' means the system default
      backend: undefined, // 'auto'
      pushToTalkMode: packageDefault('pushToTalk.mode'),
      releaseTailMs: packageDefault('pushToTalk.releaseTailMs'),
      ghostText: packageDefault('editor.ghostText'),
      phrases: packageDefault('phrases'),
      format: DEFAULT_FORMAT_OPTIONS,
    });
    assert.deepEqual(config.readMeetingSettings(), {
      folderSetting: packageDefault('notes.folder'),
      folderIgnored: undefined,
      fileNameTemplate: packageDefault('notes.fileNameTemplate'),
      labels: { mic: packageDefault('notes.labels.mic'), system: packageDefault('notes.labels.system') },
      devices: { mic: undefined, system: undefined },
      backend: undefined,
      // voxnote.notes.formatLines is on by default: dictation's formatting, spoken punctuation per the notes setting.
      lineFormat: { ...DEFAULT_FORMAT_OPTIONS, spokenPunctuation: packageDefault('notes.spokenPunctuation') },
      // No diarization models by default: lines are labelled by source.
      diarization: { mic: undefined, system: undefined },
    });
    assert.deepEqual(config.readSummarySettings(), { baseUrl: packageDefault('summary.baseUrl'), model: packageDefault('summary.model') });
    assert.equal(config.preloadModel(), packageDefault('preloadModel'));
    assert.equal(config.partialLength(), packageDefault('statusBar.partialLength'));
    assert.equal(config.maxModelBytes(), (packageDefault('model.maxUnpackedGB') as number) * 1024 ** 3);
  });
});

describe('the notes folder setting', () => {
  it('is in the workspace, under home for ~, or in ~/Voxnote Notes with no folder open', () => {
    assert.equal(notesFolder('notes', '/ws', '/home/u'), path.join('/ws', 'notes'));
    assert.equal(notesFolder('', '/ws', '/home/u'), path.join('/ws', 'notes'));
    assert.equal(notesFolder('~/Meetings', '/ws', '/home/u'), path.join('/home/u', 'Meetings'));
    assert.equal(notesFolder('/srv/notes/', '/ws', '/home/u'), path.normalize('/srv/notes/'));
    assert.equal(notesFolder('notes', undefined, '/home/u'), path.join('/home/u', 'Voxnote Notes'));
  });
});
