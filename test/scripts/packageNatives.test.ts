// The package check for every target (what `npm run package` runs before
// packaging): each per-platform package gets koffi, libvosk, PvRecorder and
// sherpa-onnx built for its own platform and CPU, and a wrong or missing one
// fails. Other platforms' sherpa-onnx packages come from the npm registry on
// the first run and from .cache/npm-natives/ after that.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { readBinaryHeader, HEADER_BYTES } from '../../scripts/lib/binaryHeader';
import { NATIVES, stageNatives, TARGETS } from '../../scripts/lib/natives';

const ROOT = path.resolve(__dirname, '../../..');
const NM = path.join(ROOT, 'node_modules');
const run = promisify(execFile);

const sherpaDir = (target: string) => `dist/native/sherpa-onnx-${target.replace('win32', 'win')}`;

test('every target stages koffi, libvosk, PvRecorder and sherpa-onnx for its own platform and CPU', () => {
  assert.deepEqual(TARGETS, ['linux-x64', 'win32-x64', 'darwin-x64', 'darwin-arm64']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vxn-'));
  try {
    for (const target of TARGETS) {
      const stage = path.join(tmp, target);
      const { errors, files } = stageNatives(NM, target, stage, { host: 'linux-x64' });
      assert.deepEqual(errors, [], target);
      const [platform, arch] = target.split('-');
      for (const name of [`koffi/${platform}_${arch}/koffi.node`, 'dist/native/pv_recorder.node']) assert.ok(files.includes(name), `${target}: ${name}`);
      assert.ok(files.some((f) => /^dist\/native\/libvosk\.(so|dll|dylib)$/.test(f)), `${target}: libvosk`);
      // macOS's system-audio helper (a universal Mach-O, so both Mac packages carry the same file), on macOS only.
      assert.equal(files.includes('dist/native/audiotee'), platform === 'darwin', `${target}: audiotee`);
      if (platform === 'darwin') assert.ok(fs.statSync(path.join(stage, 'dist/native/audiotee')).mode & 0o100, `${target}: audiotee stays executable`);
      const sherpa = files.filter((f) => f.startsWith(`${sherpaDir(target)}/`)).map((f) => path.basename(f));
      assert.deepEqual(sherpa, {
        'linux-x64': ['sherpa-onnx.node', 'libsherpa-onnx-c-api.so', 'libonnxruntime.so'],
        'win32-x64': ['sherpa-onnx.node', 'sherpa-onnx-c-api.dll', 'onnxruntime.dll', 'onnxruntime_providers_shared.dll'],
        'darwin-x64': ['sherpa-onnx.node', 'libsherpa-onnx-c-api.dylib', 'libonnxruntime.dylib'],
        'darwin-arm64': ['sherpa-onnx.node', 'libsherpa-onnx-c-api.dylib', 'libonnxruntime.dylib'],
      }[target], target);
      // sherpa-onnx-node's JavaScript, beside it, looks for it at ../sherpa-onnx-<platform>-<arch>/.
      const loader = fs.readFileSync(path.join(stage, 'dist/native/sherpa-onnx-node/addon-static-import.js'), 'utf8');
      assert.ok(loader.includes(`'../${path.basename(sherpaDir(target))}/sherpa-onnx.node'`), target);
      assert.ok(fs.existsSync(path.join(stage, 'dist/native/sherpa-onnx-node/package.json')), target);
      // What landed in the stage, read back: every file is for this target.
      for (const f of files) {
        const info = readBinaryHeader(fs.readFileSync(path.join(stage, f)).subarray(0, HEADER_BYTES));
        assert.equal(info?.platform, platform, `${target}: ${f}`);
        assert.ok(info?.archs.includes(arch), `${target}: ${f} is ${info?.archs.join('+')}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a missing required native or one for another platform or CPU is an error naming the file', () => {
  const swapped = NATIVES.map((n) => (n.name === 'PvRecorder' ? { ...n, files: () => [{ from: '@picovoice/pvrecorder-node/lib/mac/x86_64/pv_recorder.node', to: 'dist/native/pv_recorder.node' }] } : n));
  assert.deepEqual(stageNatives(NM, 'darwin-arm64', undefined, { natives: swapped }).errors, [
    "darwin-arm64: PvRecorder's @picovoice/pvrecorder-node/lib/mac/x86_64/pv_recorder.node is MACHO for darwin-x64, not arm64",
  ]);
  assert.deepEqual(stageNatives(NM, 'win32-x64', undefined, { natives: swapped }).errors, [
    "win32-x64: PvRecorder's @picovoice/pvrecorder-node/lib/mac/x86_64/pv_recorder.node is MACHO for darwin-x64, not win32",
  ]);
  // sherpa-onnx's Intel Mac package given to the arm64 one, and a library its package lacks.
  const sherpa = NATIVES.find((n) => n.name === 'sherpa-onnx')!;
  const intelMac = [{ ...sherpa, registry: () => 'sherpa-onnx-darwin-x64', files: () => [{ from: 'sherpa-onnx-darwin-x64/sherpa-onnx.node', to: 'dist/native/sherpa-onnx-darwin-arm64/sherpa-onnx.node' }] }];
  assert.deepEqual(stageNatives(NM, 'darwin-arm64', undefined, { natives: intelMac }).errors, [
    "darwin-arm64: sherpa-onnx's sherpa-onnx-darwin-x64/sherpa-onnx.node is MACHO for darwin-x64, not arm64",
  ]);
  const lacking = [{ ...sherpa, files: (t: string) => [...sherpa.files(t, NM), { from: 'sherpa-onnx-win-x64/onnxruntime_providers_cuda.dll', to: 'dist/native/x.dll' }] }];
  assert.deepEqual(stageNatives(NM, 'win32-x64', undefined, { natives: lacking }).errors, [
    'win32-x64: sherpa-onnx (the sherpa-onnx recognizer) is missing: sherpa-onnx-win-x64/onnxruntime_providers_cuda.dll (run npm ci)',
  ]);
  assert.match(stageNatives(NM, 'linux-arm64', undefined).errors[0], /no package for linux-arm64/);
});

test('naudiodon is optional: only the machine it was built on ships it, and its dylib would be rejected on arm64', () => {
  const win = stageNatives(NM, 'win32-x64', undefined, { host: 'linux-x64' });
  assert.deepEqual(win.notes, ['win32-x64: no naudiodon (PortAudio capture, an alternative back-end): its addon can only be built on win32-x64 itself']);
  assert.ok(!win.files.some((f) => /naudiodon|portaudio/.test(f)));
  // On an arm64 Mac the addon could be present, but PortAudio's dylib (in naudiodon's tarball) has no arm64 code.
  const naudiodon = NATIVES.find((n) => n.name === 'naudiodon')!;
  const dylibOnly = [{ ...naudiodon, files: () => [{ from: 'naudiodon/portaudio/bin/libportaudio.dylib', to: 'dist/native/libportaudio.dylib' }] }];
  assert.deepEqual(stageNatives(NM, 'darwin-arm64', undefined, { host: 'darwin-arm64', natives: dylibOnly }).errors, [
    "darwin-arm64: naudiodon's naudiodon/portaudio/bin/libportaudio.dylib is MACHO for darwin-ia32+x64, not arm64",
  ]);
});

test('npm run package -- --all --check-only passes here, and a bad target fails the run', async () => {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--all', '--check-only'], { cwd: ROOT });
  for (const t of TARGETS) assert.match(stdout, new RegExp(`^package: ${t}: natives checked: .*pv_recorder\\.node.*${sherpaDir(t)}/sherpa-onnx\\.node`, 'm'));
  await assert.rejects(run(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--target', 'win32-arm64', '--check-only'], { cwd: ROOT }), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 1);
    assert.match(e.stderr, /no package for win32-arm64/);
    return true;
  });
});
