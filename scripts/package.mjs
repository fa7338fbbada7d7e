// Builds per-platform .vsix files, each carrying only its platform's native
// libraries: koffi's addon at koffi/<triplet>/ (where koffi's bundled loader
// looks, see esbuild.mjs), libvosk and naudiodon's addon with PortAudio in
// dist/native/ (where src/worker/vosk.ts and capture/portaudio.ts look).
//
//   node scripts/package.mjs                      # this machine's platform
//   node scripts/package.mjs --target win32-x64   # repeatable; or --all
//   node scripts/package.mjs --out DIR            # where the .vsix files go (default: the project)
//   node scripts/package.mjs --no-build           # package dist/ as it is (tests build first)
//
// Each target is staged in a temporary copy of the project's shipped files, so
// the working tree never holds another platform's natives; .vscodeignore
// decides what goes in. naudiodon's addon can only be built on its own
// platform: for other targets the package has no PortAudio capture, and this
// script says so.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NM = path.join(ROOT, 'node_modules');
const VOSK_LIB = path.join(NM, 'vosk', 'lib');
const NAUDIODON = path.join(NM, 'naudiodon');

/** What each target carries. Paths are relative to VOSK_LIB and naudiodon's portaudio/bin. */
const TARGETS = {
  'linux-x64': {
    koffi: 'linux_x64',
    vosk: ['linux-x86_64/libvosk.so'],
    portaudio: 'libportaudio.so.2',
  },
  'win32-x64': {
    koffi: 'win32_x64',
    // libvosk.dll's MinGW runtime; koffi loads DLLs with their own folder on the search path.
    vosk: ['win-x86_64/libvosk.dll', 'win-x86_64/libgcc_s_seh-1.dll', 'win-x86_64/libstdc++-6.dll', 'win-x86_64/libwinpthread-1.dll'],
    portaudio: 'portaudio_x64.dll',
  },
  'darwin-x64': {
    koffi: 'darwin_x64',
    vosk: ['osx-universal/libvosk.dylib'],
    portaudio: 'libportaudio.dylib',
  },
  'darwin-arm64': {
    koffi: 'darwin_arm64',
    vosk: ['osx-universal/libvosk.dylib'],
    portaudio: 'libportaudio.dylib',
  },
};
/** Copied into the stage; .vscodeignore then picks what ships. */
const SHIPPED = ['package.json', '.vscodeignore', 'README.md', 'LICENSE', 'dist', 'media', 'models'];

const HOST = `${process.platform}-${process.arch}`;

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function warn(message) {
  console.warn(`package: WARNING: ${message}`);
}

function copy(from, to) {
  if (!fs.existsSync(from)) fail(`${path.relative(ROOT, from)} is missing (run npm ci?)`);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Stages the natives of `target` into `stage`; returns what is missing, for the caller to report. */
function stageNatives(target, stage) {
  const spec = TARGETS[target];
  copy(path.join(NM, 'koffi', 'build', 'koffi', spec.koffi, 'koffi.node'), path.join(stage, 'koffi', spec.koffi, 'koffi.node'));
  const native = path.join(stage, 'dist', 'native');
  for (const file of spec.vosk) copy(path.join(VOSK_LIB, file), path.join(native, path.basename(file)));

  // The addon in naudiodon's build folder is this machine's (scripts/build-native.sh).
  const addon = path.join(NAUDIODON, 'build', 'Release', 'naudiodon.node');
  if (target !== HOST) {
    return `naudiodon's addon can only be built on ${target} itself; run "npm run package -- --target ${target}" on such a machine after "bash scripts/build-native.sh"`;
  }
  if (!fs.existsSync(addon)) return `naudiodon's addon is not built; run "bash scripts/build-native.sh" first`;
  copy(addon, path.join(native, 'naudiodon.node'));
  copy(path.join(NAUDIODON, 'portaudio', 'bin', spec.portaudio), path.join(native, spec.portaudio));
  return undefined;
}

function vsce(args, cwd) {
  execFileSync(process.execPath, [path.join(NM, '@vscode', 'vsce', 'vsce'), ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

function packageTarget(target, outDir, version) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), `voxnote-package-${target}-`));
  try {
    for (const entry of SHIPPED) {
      const from = path.join(ROOT, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
      else if (entry !== 'README.md') fail(`${entry} is missing`);
    }
    fs.rmSync(path.join(stage, 'dist', 'native'), { recursive: true, force: true });
    const missing = stageNatives(target, stage);
    const out = path.join(outDir, `voxnote-${target}-${version}.vsix`);
    vsce(['package', '--target', target, '--no-dependencies', '--out', out], stage);
    console.log(`package: ${out} (${target}, ${(fs.statSync(out).size / 2 ** 20).toFixed(2)} MB)`);
    if (missing) {
      warn(`${target}: no PortAudio capture in this package: ${missing}.` +
        (target.startsWith('linux') ? ' Linux users can still dictate through parec/pw-record.' : ' Without it this platform has NO microphone capture.'));
    }
    return { target, file: out, missing };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const targets = values.all ? Object.keys(TARGETS) : (values.target ?? [HOST]).flatMap((t) => t.split(','));
for (const t of targets) {
  if (!TARGETS[t]) fail(`no package for ${t}: the vosk package has libvosk for ${Object.keys(TARGETS).join(', ')} only`);
}
const outDir = path.resolve(values.out ?? ROOT);
fs.mkdirSync(outDir, { recursive: true });

if (!values['no-build']) execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const results = targets.map((t) => packageTarget(t, outDir, version));
if (results.some((r) => r.missing)) {
  warn(`incomplete: ${results.filter((r) => r.missing).map((r) => r.target).join(', ')} (see above)`);
}
