// The installed layout, for real: this machine's .vsix is built (npm run package,
// from the bundles in dist/), unpacked as VS Code installs it, and its own
// dist/worker.js decodes the sherpa tone models with the sherpa-onnx it carries
// (the streaming model, and the offline one segmented by the bundled Silero VAD),
// far from the repository's node_modules. On Linux, /proc/PID/maps shows which
// files the worker loaded; elsewhere that check is skipped, saying so.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { extractZip } from '../../src/models/extract';
import { linuxOnly } from '../support/platform';
import { mappedFiles } from '../support/processes';
import { sherpaModel, sherpaToneWav, vadWav } from '../support/sherpaWorker';
import { ROOT, TestWorker } from '../support/worker';

const run = promisify(execFile);
const HOST = `${process.platform}-${process.arch}`;
const SHERPA_DIR = `sherpa-onnx-${HOST.replace('win32', 'win')}`;

describe(`the ${HOST} .vsix runs sherpa-onnx from its own files`, () => {
  let tmp: string;
  let extension: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-packaged-'));
    await run(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--no-build', '--out', tmp], { cwd: ROOT });
    const vsix = fs.readdirSync(tmp).find((f) => f.endsWith('.vsix'));
    assert.ok(vsix, 'npm run package wrote a .vsix');
    await extractZip(path.join(tmp, vsix), path.join(tmp, 'installed'), { maxBytes: 2 ** 30 });
    extension = path.join(tmp, 'installed', 'extension');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("carries the CLI package.json's bin names, beside the worker it starts", () => {
    const { bin } = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.deepEqual(Object.keys(bin), ['voxnote']);
    assert.ok(fs.existsSync(path.join(extension, bin.voxnote)), `${bin.voxnote} is in the .vsix`);
    assert.ok(fs.existsSync(path.join(extension, 'dist', 'worker.js')));
  });

  /** The packaged worker on a WAV file; also returns the sherpa-onnx files its process mapped. */
  async function transcribe(model: string, wav: string) {
    // NODE_PATH could lead require() back to the repository; the worker must not need it.
    const w = new TestWorker({ NODE_PATH: '' }, undefined, path.join(extension, 'dist', 'worker.js'));
    let mapped: string[] = [];
    w.client.onEvent((e) => {
      if (e.type === 'ready' && process.platform === 'linux') mapped = mappedFiles(w.client.pid!).filter((f) => /sherpa-onnx|onnxruntime/.test(f));
    });
    w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: wav }, options: {} });
    await w.waitFor((e) => e.type === 'stopped' || e.type === 'error', 60000);
    await w.close();
    return { w, mapped };
  }

  it('decodes the streaming tone model', async () => {
    const { w } = await transcribe(sherpaModel('streaming'), sherpaToneWav([0.5, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 2]).path);
    assert.deepEqual(w.of('error'), [], w.stderr.join('\n'));
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes no', 'open file']);
  });

  it('loaded the addon and onnxruntime from the extension, nothing from elsewhere', linuxOnly('reads the files the worker mapped from /proc/PID/maps'), async () => {
    const { w, mapped } = await transcribe(sherpaModel('streaming'), sherpaToneWav([0.5, 'yes', 2]).path);
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes'], w.stderr.join('\n'));
    for (const lib of ['sherpa-onnx.node', 'libsherpa-onnx-c-api.so', 'libonnxruntime.so']) {
      assert.ok(mapped.includes(path.join(extension, 'dist', 'native', SHERPA_DIR, lib)), `${lib} from the extension; mapped: ${mapped.join(', ')}`);
    }
    assert.ok(mapped.every((f) => f.startsWith(extension)), `nothing from elsewhere: ${mapped.join(', ')}`);
  });

  it('segments the offline tone model with the Silero VAD the package ships', async () => {
    const { w } = await transcribe(sherpaModel('offline', { vad: false }), vadWav([['yes'], ['open', 'file']]).path);
    assert.deepEqual(w.of('error'), [], w.stderr.join('\n'));
    assert.deepEqual(w.of('final').map((f) => f.text), ['yes', 'open file']);
  });
});
