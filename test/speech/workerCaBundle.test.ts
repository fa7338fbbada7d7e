/**
 * NODE_EXTRA_CA_CERTS only where audio leaves the machine: Node parses the whole
 * bundle at every start, so a worker for local engines starts without it. A cloud
 * engine on the same lane gets a worker started with it, and a company CA still
 * works; the local worker ends, its session already done.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { EngineSpec } from '../../src/shared/protocol';
import type { SpeechLane } from '../../src/speech/speechService';
import { AssemblyAIMock } from '../support/assemblyaiMock';
import { speechService, toneModel, toneWav, vosk } from '../support/worker';

const KEY = 'aai-test-key-0c5e1f27a9d3';

function environ(pid: number): Map<string, string> {
  const pairs = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

async function transcribe(lane: SpeechLane, engine: EngineSpec, words: string[]): Promise<string[]> {
  const items = words.flatMap((w) => [0.35, w]);
  const session = lane.createSession({ engine, purpose: 'transcription', source: { kind: 'file', path: toneWav([...items, 1]).path, realtime: engine.kind !== 'vosk' } });
  const finals: string[] = [];
  session.onFinal((f) => finals.push(f.text));
  assert.equal((await session.ended).reason, 'end-of-input');
  return finals;
}

describe('the CA bundle only for workers that reach the network', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  let mock: AssemblyAIMock;
  let model: string;
  before(async () => {
    mock = await AssemblyAIMock.start({ apiKey: KEY });
    model = toneModel();
  });
  after(() => mock.close());

  it('runs Vosk on a worker without it, AssemblyAI through the company CA on a new one, then Vosk on that one', async () => {
    const speech = speechService({ env: { NODE_EXTRA_CA_CERTS: mock.caFile } });
    const lane = speech.createLane('dictation');
    try {
      await lane.warm(vosk(model));
      const local = lane.pid!;
      assert.equal(environ(local).has('NODE_EXTRA_CA_CERTS'), false);
      assert.deepEqual(await transcribe(lane, vosk(model), ['open', 'file']), ['open file']);

      const cloud: EngineSpec = { kind: 'assemblyai', credential: KEY, url: mock.url };
      assert.deepEqual(await transcribe(lane, cloud, ['yes', 'open']), ['Yes open.'], 'the mock\'s certificate is trusted');
      const network = lane.pid!;
      assert.notEqual(network, local);
      assert.equal(environ(network).get('NODE_EXTRA_CA_CERTS'), mock.caFile);
      assert.equal(fs.existsSync(`/proc/${local}`), false, 'the local worker has ended');

      assert.deepEqual(await transcribe(lane, vosk(model), ['save']), ['save']);
      assert.equal(lane.pid, network, 'a worker that reaches the network runs local engines too');
    } finally {
      await speech.shutdown();
    }
  });
});
