/**
 * `voxnote transcribe FILE --engine assemblyai` as a person runs it: the bundled
 * CLI and the real worker against the local TLS mock of AssemblyAI's v3
 * streaming endpoint (test/support/assemblyaiMock.ts), which transcribes the
 * tone words it hears. The key comes from ASSEMBLYAI_API_KEY only and shows up
 * in no argument list, no worker environment and no output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssemblyAIMock } from '../support/assemblyaiMock';
import { voxnote } from '../support/cliRun';
import { toneWav } from '../support/worker';

const KEY = 'aai-cli-key-3c9d41e07b26';

describe('voxnote --engine assemblyai (local streaming mock)', () => {
  let mock: AssemblyAIMock;
  let env: NodeJS.ProcessEnv;
  const audio = toneWav([0.5, 'yes', 0.35, 'no', 1.5, 'open', 0.35, 'file', 1.5]);
  before(async () => {
    mock = await AssemblyAIMock.start({ apiKey: KEY });
    env = { ASSEMBLYAI_API_KEY: KEY, ASSEMBLYAI_STREAMING_URL: mock.url, NODE_EXTRA_CA_CERTS: mock.caFile };
  });
  after(() => mock.close());

  it('transcribes a file streamed at real-time pace, with the key only in the Authorization header', async () => {
    const before = mock.connections.length;
    const t0 = performance.now();
    const r = await voxnote(['transcribe', audio.path, '--engine', 'assemblyai'], env);
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Yes no.\nOpen file.\n');
    assert.equal(r.stderr, '');
    const [conn] = mock.connections.slice(before);
    assert.equal(conn.authorization, KEY);
    assert.equal(conn.url.searchParams.get('sample_rate'), '16000');
    assert.ok(seconds >= audio.script.samples.length / audio.script.sampleRate, `paced like live audio: ${seconds.toFixed(1)} s`);
    assert.ok(r.argv.length > 0 && r.argv.some((a) => a.some((x) => x.endsWith('worker.js'))), 'the worker was seen running');
    assert.ok(r.argv.every((a) => !a.join(' ').includes(KEY)), 'no argument list holds the key');
    assert.ok(r.environ.length > 0 && r.environ.every((e) => !e.includes(KEY)), 'no worker environment holds the key');
  });

  it('prints the same formats as with a local model: SRT cues with the utterance times', async () => {
    const r = await voxnote(['transcribe', audio.path, '--engine', 'assemblyai', '--format', 'srt'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\n00:00:00,[45]\d\d --> 00:00:01,[01]\d\d\nYes no\.\n\n2\n00:00:02,[5-7]\d\d --> 00:00:03,[5-7]\d\d\nOpen file\.\n\n$/);
  });

  it('a rejected key: exit 1 and one line naming what to do, without the key', async () => {
    const wrong = 'aai-wrong-key-77aa01';
    const r = await voxnote(['transcribe', audio.path, '--engine', 'assemblyai'], { ...env, ASSEMBLYAI_API_KEY: wrong });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^voxnote: AssemblyAI rejected the API key.*\n$/);
    assert.ok(!r.stderr.includes(wrong));
  });

  it('no key in the environment: exit 2 and a line saying where the key goes', async () => {
    const r = await voxnote(['transcribe', audio.path, '--engine', 'assemblyai'], { ...env, ASSEMBLYAI_API_KEY: '' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^voxnote: --engine assemblyai needs your AssemblyAI API key in the ASSEMBLYAI_API_KEY environment variable\. Run "voxnote --help" for usage\.\n$/);
  });

  it('a streaming URL that is not wss:// is refused before anything is sent', async () => {
    const before = mock.connections.length;
    const r = await voxnote(['transcribe', audio.path, '--engine', 'assemblyai'], { ...env, ASSEMBLYAI_STREAMING_URL: 'http://127.0.0.1:1/v3/ws' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ASSEMBLYAI_STREAMING_URL must be a full wss:\/\/ URL/);
    assert.equal(mock.connections.length, before);
  });
});
