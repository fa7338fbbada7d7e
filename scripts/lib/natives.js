// @ts-check
/**
 * The native files each per-platform package carries, as one table: adding a
 * native dependency is one entry in NATIVES. stageNatives() copies a target's
 * files into a package stage and checks every one's header (binaryHeader.js):
 * a required file that is missing, or one built for another platform or CPU,
 * is an error, so `npm run package` fails instead of shipping a package that
 * cannot hear or recognise anything.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { HEADER_BYTES, binaryMismatch } = require('./binaryHeader');
const { pinnedPackageRoot } = require('./npmPackage');

/** The targets the vosk package has libvosk for (no arm64 Windows or Linux library). */
const TARGETS = ['linux-x64', 'win32-x64', 'darwin-x64', 'darwin-arm64'];

/**
 * @typedef {{ from: string, to: string, script?: boolean }} NativeFile
 * from: under node_modules; to: under the package root; script: JavaScript that loads the binaries
 * (copied, no header to check)
 * @typedef {{
 *   name: string,
 *   why: string,
 *   files: (target: string, nodeModules: string) => NativeFile[],
 *   optional?: (target: string, host: string) => { skip?: string, absent: string },
 *   registry?: (target: string) => string,
 * }} Native
 * `optional` marks a dependency a package may lack: `skip` says why `target` never gets it from this
 * machine, `absent` why it may be missing. When its files are there, they are checked like the others.
 * `registry` names the npm package `files` come from when npm installs it only on its own platform
 * (os/cpu fields): for other targets it is fetched at the version package-lock.json pins (npmPackage.js).
 */

/** @param {string} target */
const split = (target) => /** @type {[string, string]} */ (target.split('-'));
/** Into dist/native/, where src/worker/vosk.ts and capture/*.ts look in a packaged extension. @param {string} from */
const native = (from) => ({ from, to: `dist/native/${path.basename(from)}` });

/** @type {Record<string, string[]>} */
const VOSK = {
  'linux-x64': ['linux-x86_64/libvosk.so'],
  // libvosk.dll's MinGW runtime; koffi loads DLLs with their own folder on the search path.
  'win32-x64': ['win-x86_64/libvosk.dll', 'win-x86_64/libgcc_s_seh-1.dll', 'win-x86_64/libstdc++-6.dll', 'win-x86_64/libwinpthread-1.dll'],
  'darwin-x64': ['osx-universal/libvosk.dylib'],
  'darwin-arm64': ['osx-universal/libvosk.dylib'],
};
/** @type {Record<string, string>} */
const PVRECORDER = { 'linux-x64': 'linux/x86_64', 'win32-x64': 'windows/amd64', 'darwin-x64': 'mac/x86_64', 'darwin-arm64': 'mac/arm64' };
/** @type {Record<string, string>} */
const PORTAUDIO = { 'linux-x64': 'libportaudio.so.2', 'win32-x64': 'portaudio_x64.dll', 'darwin-x64': 'libportaudio.dylib', 'darwin-arm64': 'libportaudio.dylib' };

/** sherpa-onnx-node's name for a target's native package (it calls Windows "win"). @param {string} t */
const sherpaPackage = (t) => `sherpa-onnx-${t.replace(/^win32-/, 'win-')}`;
/** Besides sherpa-onnx.node, what it links (its C++ API library is not used). @type {Record<string, string[]>} */
const SHERPA_LIBS = {
  'linux-x64': ['libsherpa-onnx-c-api.so', 'libonnxruntime.so'],
  'win32-x64': ['sherpa-onnx-c-api.dll', 'onnxruntime.dll', 'onnxruntime_providers_shared.dll'],
  'darwin-x64': ['libsherpa-onnx-c-api.dylib', 'libonnxruntime.dylib'],
  'darwin-arm64': ['libsherpa-onnx-c-api.dylib', 'libonnxruntime.dylib'],
};
/**
 * sherpa-onnx-node's JavaScript goes to dist/native/sherpa-onnx-node/ (src/worker/engines/sherpa/addon.ts
 * loads it from there in a packaged extension: vsce --no-dependencies ships no node_modules), and the
 * native package beside it, where that JavaScript looks (../sherpa-onnx-<platform>-<arch>/).
 * @param {string} nodeModules
 */
const sherpaScripts = (nodeModules) => {
  const dir = path.join(nodeModules, 'sherpa-onnx-node');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.js') || f === 'package.json') : ['package.json'];
  return names.map((f) => ({ from: `sherpa-onnx-node/${f}`, to: `dist/native/sherpa-onnx-node/${f}`, script: true }));
};

/** @type {Native[]} */
const NATIVES = [
  {
    name: 'koffi',
    why: 'binds libvosk',
    // Where koffi's bundled loader looks (see esbuild.mjs).
    files: (t) => {
      const triplet = t.replace('-', '_');
      return [{ from: `koffi/build/koffi/${triplet}/koffi.node`, to: `koffi/${triplet}/koffi.node` }];
    },
  },
  { name: 'libvosk', why: 'the Vosk recognizer', files: (t) => VOSK[t].map((f) => native(`vosk/lib/${f}`)) },
  {
    name: 'PvRecorder',
    why: 'microphone and system-audio capture (the only capture off Linux)',
    files: (t) => [native(`@picovoice/pvrecorder-node/lib/${PVRECORDER[t]}/pv_recorder.node`)],
  },
  {
    name: 'AudioTee',
    why: 'system audio on macOS 14.2+ through a Core Audio process tap, no BlackHole (src/worker/capture/processTap.ts)',
    // One universal (x86_64 + arm64) helper, ad-hoc signed; spawned, never loaded.
    files: (t) => (t.startsWith('darwin-') ? [native('audiotee/bin/audiotee')] : []),
  },
  { name: 'sherpa-onnx-node', why: "loads sherpa-onnx's addon", files: (_t, nm) => sherpaScripts(nm) },
  {
    name: 'sherpa-onnx',
    why: 'the sherpa-onnx recognizer',
    registry: sherpaPackage,
    files: (t) => ['sherpa-onnx.node', ...SHERPA_LIBS[t]].map((f) => ({ from: `${sherpaPackage(t)}/${f}`, to: `dist/native/${sherpaPackage(t)}/${f}` })),
  },
  {
    name: 'naudiodon',
    why: 'PortAudio capture, an alternative back-end',
    // Compiled at install (scripts/build-native.sh), so only the machine's own platform has it.
    optional: (t, host) => ({
      skip: t !== host ? `its addon can only be built on ${t} itself` : undefined,
      absent: 'its addon is not built here (bash scripts/build-native.sh)',
    }),
    files: (t) => [native('naudiodon/build/Release/naudiodon.node'), native(`naudiodon/portaudio/bin/${PORTAUDIO[t]}`)],
  },
];

/** @param {string} file */
function readHead(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    return buf.subarray(0, fs.readSync(fd, buf, 0, HEADER_BYTES, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies `target`'s natives from `nodeModules` into `stage` (skipped when `stage`
 * is undefined: check only) and checks each file's header.
 * @param {string} nodeModules
 * @param {string} target e.g. 'darwin-arm64'
 * @param {string | undefined} stage
 * @param {{ host?: string, natives?: Native[], cacheDir?: string }} [options] host: this machine's target;
 *   natives: the table (tests); cacheDir: where fetched packages are kept (default .cache/npm-natives/)
 * @returns {{ errors: string[], notes: string[], files: string[] }} files: the binaries checked (and staged)
 */
function stageNatives(nodeModules, target, stage, options = {}) {
  const host = options.host ?? `${process.platform}-${process.arch}`;
  const cacheDir = options.cacheDir ?? path.join(nodeModules, '..', '.cache', 'npm-natives');
  const [platform, arch] = split(target);
  /** @type {string[]} */ const errors = [];
  /** @type {string[]} */ const notes = [];
  /** @type {string[]} */ const files = [];
  if (!TARGETS.includes(target)) return { errors: [`no package for ${target}: libvosk exists for ${TARGETS.join(', ')} only`], notes, files };
  for (const dep of options.natives ?? NATIVES) {
    let root = nodeModules;
    if (dep.registry) {
      try {
        root = pinnedPackageRoot(nodeModules, dep.registry(target), cacheDir);
      } catch (e) {
        errors.push(`${target}: ${dep.name} (${dep.why}): ${/** @type {Error} */ (e).message}`);
        continue;
      }
    }
    const list = dep.files(target, nodeModules);
    const missing = list.filter((f) => !fs.existsSync(path.join(root, f.from)));
    const optional = dep.optional?.(target, host);
    if (optional && (optional.skip || missing.length)) {
      notes.push(`${target}: no ${dep.name} (${dep.why}): ${optional.skip ?? optional.absent}`);
      continue;
    }
    if (missing.length) {
      errors.push(`${target}: ${dep.name} (${dep.why}) is missing: ${missing.map((f) => f.from).join(', ')} (run npm ci)`);
      continue;
    }
    for (const f of list) {
      const from = path.join(root, f.from);
      const wrong = f.script ? undefined : binaryMismatch(readHead(from), platform, arch);
      if (wrong) {
        errors.push(`${target}: ${dep.name}'s ${f.from} is ${wrong}`);
        continue;
      }
      if (!f.script) files.push(f.to);
      if (stage) {
        fs.mkdirSync(path.dirname(path.join(stage, f.to)), { recursive: true });
        fs.copyFileSync(from, path.join(stage, f.to));
      }
    }
  }
  return { errors, notes, files };
}

module.exports = { TARGETS, NATIVES, stageNatives };
