// Builds per-platform .vsix files, each carrying only its platform's native
// files, as listed in scripts/lib/natives.js (koffi's addon at koffi/<triplet>/,
// libvosk, PvRecorder, sherpa-onnx-node with its platform package and, where
// built, naudiodon in dist/native/). Another platform's sherpa-onnx package
// comes from the npm registry at the version package-lock.json pins, once:
// it is kept in .cache/npm-natives/.
//
//   node scripts/package.mjs                      # this machine's platform
//   node scripts/package.mjs --target win32-x64   # repeatable; or --all
//   node scripts/package.mjs --out DIR            # where the .vsix files go (default: the project)
//   node scripts/package.mjs --no-build           # package dist/ as it is (tests build first)
//   node scripts/package.mjs --all --check-only   # only check every target's natives (npm test does)
//
// Every target is staged and checked before anything is packaged: a required
// native that is missing or built for another platform or CPU (read from its
// ELF/PE/Mach-O header) fails the run, naming the file. Each stage is a
// temporary copy of the shipped files, so the working tree never holds another
// platform's natives; .vscodeignore decides what goes in.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { TARGETS, stageNatives } = createRequire(import.meta.url)('./lib/natives.js');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NM = path.join(ROOT, 'node_modules');

const SHIPPED = ['package.json', '.vscodeignore', 'README.md', 'LICENSE', 'dist', 'media', 'models'];

const HOST = `${process.platform}-${process.arch}`;

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function vsce(args, cwd) {
  execFileSync(process.execPath, [path.join(NM, '@vscode', 'vsce', 'vsce'), ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** A stage for `target` with the shipped files and its checked natives; fails the run on any error. */
function stageTarget(target) {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), `voxnote-package-${target}-`));
  for (const entry of SHIPPED) {
    const from = path.join(ROOT, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
    else if (entry !== 'README.md') fail(`${entry} is missing`);
  }
  fs.rmSync(path.join(stage, 'dist', 'native'), { recursive: true, force: true });
  return { target, stage, ...stageNatives(NM, target, stage) };
}

function packageTarget({ target, stage }, outDir, version) {
  const out = path.join(outDir, `voxnote-${target}-${version}.vsix`);
  vsce(['package', '--target', target, '--no-dependencies', '--out', out], stage);
  console.log(`package: ${out} (${target}, ${(fs.statSync(out).size / 2 ** 20).toFixed(2)} MB)`);
}

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'check-only': { type: 'boolean', default: false },
  },
});
const targets = values.all ? TARGETS : (values.target ?? [HOST]).flatMap((t) => t.split(','));
for (const t of targets) {
  if (!TARGETS.includes(t)) fail(`no package for ${t}: the vosk package has libvosk for ${TARGETS.join(', ')} only`);
}
const checkOnly = values['check-only'];
if (!checkOnly && !values['no-build']) execFileSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });

const staged = [];
let failure;
try {
  for (const t of targets) {
    const s = checkOnly ? { target: t, ...stageNatives(NM, t, undefined) } : stageTarget(t);
    staged.push(s);
    for (const n of s.notes) console.log(`package: note: ${n}`);
    if (!s.errors.length) console.log(`package: ${t}: natives checked: ${s.files.join(', ')}`);
  }
  const errors = staged.flatMap((s) => s.errors);
  if (errors.length) failure = `not packaging, natives are wrong or missing:\n  ${errors.join('\n  ')}`;
  else if (!checkOnly) {
    const outDir = path.resolve(values.out ?? ROOT);
    fs.mkdirSync(outDir, { recursive: true });
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    for (const s of staged) packageTarget(s, outDir, version);
  }
} finally {
  for (const s of staged) if (s.stage) fs.rmSync(s.stage, { recursive: true, force: true });
}
if (failure) fail(failure);
