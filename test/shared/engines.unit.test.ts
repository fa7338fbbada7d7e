/**
 * The engine descriptors (src/shared/engines.ts) are the one table of what an
 * engine is: package.json's engine settings and key commands must say what
 * they say, and every answer to "where does the audio go" comes from them.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { audioGoesTo, checkEngineSpec, CLI_ENGINES, CREDENTIALS, describeEngine, engineLabel, ENGINES, filesAtRealtimePace, SETTING_ENGINES } from '../../src/shared/engines';

const ROOT = path.resolve(__dirname, '../../..');
interface Property {
  enum?: string[];
  enumItemLabels?: string[];
  enumDescriptions?: string[];
  scope?: string;
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: Array<{ properties: Record<string, Property> }>; commands: Array<{ command: string; title: string }> };
};
const property = (id: string): Property => manifest.contributes.configuration.map((c) => c.properties[id]).find((p) => p)!;

describe('engine descriptors', () => {
  for (const id of ['voxnote.engine.dictation', 'voxnote.engine.meetingNotes']) {
    it(`${id} offers local and each descriptor's setting value, with its label, in user scope only`, () => {
      const p = property(id);
      assert.deepEqual(p.enum, ['local', ...SETTING_ENGINES.map((e) => e.value)]);
      assert.deepEqual(p.enumItemLabels?.slice(1), SETTING_ENGINES.map((e) => e.label));
      assert.equal(p.scope, 'application', 'a workspace must never redirect audio');
    });
  }

  it("package.json contributes each credential's set and clear commands with the descriptor's titles", () => {
    const commands = new Map(manifest.contributes.commands.map((c) => [c.command, c.title]));
    for (const c of CREDENTIALS) {
      assert.equal(commands.get(c.setCommand.id), c.setCommand.title);
      assert.equal(commands.get(c.clearCommand.id), c.clearCommand.title);
    }
  });

  it('a local engine keeps audio here; a service names who receives it', () => {
    assert.equal(audioGoesTo({ kind: 'vosk', model: '/m/vosk-small' }), undefined);
    assert.equal(audioGoesTo({ kind: 'sherpa', model: '/m/whisper' }), undefined);
    assert.equal(audioGoesTo({ kind: 'assemblyai', credential: 'k' }), 'AssemblyAI');
    assert.equal(engineLabel({ kind: 'vosk', model: '/m/vosk-small' }, 'vosk-small'), 'vosk-small');
    assert.equal(engineLabel({ kind: 'assemblyai', credential: 'secret-key-123' }), 'AssemblyAI (cloud)');
    assert.equal(describeEngine({ kind: 'sherpa', model: '/m/w' }), 'the model at /m/w');
    assert.equal(filesAtRealtimePace({ kind: 'assemblyai', credential: 'k' }), true);
    assert.equal(filesAtRealtimePace({ kind: 'vosk', model: '/m' }), false);
  });

  it('the wire check names every kind the table has', () => {
    assert.throws(() => checkEngineSpec({ kind: 'whisper' }), (e: Error) => Object.keys(ENGINES).every((k) => e.message.includes(`"${k}"`)));
  });

  it('settings and the CLI build AssemblyAI specs through the one wss:// check', () => {
    const assemblyai = SETTING_ENGINES.find((e) => e.kind === 'assemblyai')!;
    const read = ((name: string) => (name === 'assemblyai.streamingUrl' ? 'https://proxy.example/v3/ws' : '')) as Parameters<typeof assemblyai.fromSettings>[0];
    const bad = assemblyai.fromSettings(read, 'k');
    assert.ok('problem' in bad && /wss:\/\//.test(bad.problem.message));
    const cli = CLI_ENGINES.find((e) => e.value === 'assemblyai')!;
    const fromEnv = cli.fromEnv({ ASSEMBLYAI_API_KEY: 'the-key-1234', ASSEMBLYAI_STREAMING_URL: 'ws://x' }, {});
    assert.ok('problem' in fromEnv && /ASSEMBLYAI_STREAMING_URL/.test(fromEnv.problem.message) && !fromEnv.problem.message.includes('the-key-1234'));
    assert.deepEqual(cli.fromEnv({ ASSEMBLYAI_API_KEY: ' the-key-1234 ' }, {}), { spec: { kind: 'assemblyai', credential: 'the-key-1234' } });
  });
});
