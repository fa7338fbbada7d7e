/**
 * Live capture with a sherpa-onnx streaming model: tone speech played into the
 * virtual microphone, recognized by `voxnote listen` (bundled CLI, worker, real sherpa-onnx).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startVirtualAudio, VirtualAudio } from '../support/pulse';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { CLI } from '../support/worker';

let audio: VirtualAudio;
before(async () => {
  audio = await startVirtualAudio(os.tmpdir());
});
after(() => audio?.stop());

describe('voxnote listen with a sherpa-onnx streaming model', () => {
  it('hears the virtual microphone: partials, then finals split at the pause', async () => {
    const model = sherpaModel('streaming');
    const wav = sherpaToneWav([0.3, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 1.5], 48000);
    const child = spawn(process.execPath, [CLI, 'listen', '--model', model, '--source', 'mic', '--format', 'ndjson', '--max-seconds', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await sleep(1500); // the worker loads sherpa-onnx and the recorder starts well within this
    await audio.play('mic', wav.path);
    assert.equal(await exited, 0);
    assert.equal(err, '', 'nothing on stderr');
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text: string });
    assert.deepEqual(events.filter((e) => e.type === 'final').map((e) => e.text), ['yes no', 'open file']);
    const partials = events.filter((e) => e.type === 'partial').map((e) => e.text);
    assert.ok(partials.includes('yes') && partials.includes('open file'), JSON.stringify(partials));
  });
});
