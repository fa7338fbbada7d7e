// Another platform's npm package for the package stage: fetched from the
// registry at the version and integrity package-lock.json pins, once, then
// reused from the cache without npm; a tarball that does not match the lock is
// refused and leaves nothing cached.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pinned, pinnedPackageRoot } from '../../scripts/lib/npmPackage';

const ROOT = path.resolve(__dirname, '../../..');
const NM = path.join(ROOT, 'node_modules');
const NAME = 'sherpa-onnx-win-x64';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-npm-package-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `fn` with no npm (or anything else) on PATH. */
function withoutPath<T>(fn: () => T): T {
  const saved = process.env.PATH;
  process.env.PATH = '';
  try {
    return fn();
  } finally {
    process.env.PATH = saved;
  }
}

test("fetches another platform's package once, as the lockfile pins it, then reuses it without npm", () => {
  const cache = path.join(tmp, 'cache');
  const { version } = pinned(NM, NAME);
  const root = pinnedPackageRoot(NM, NAME, cache);
  assert.equal(root, path.join(cache, `${NAME}-${version}`, 'node_modules'));
  assert.equal(JSON.parse(fs.readFileSync(path.join(root, NAME, 'package.json'), 'utf8')).version, version);
  assert.ok(fs.statSync(path.join(root, NAME, 'onnxruntime.dll')).size > 1e6);
  assert.deepEqual(fs.readdirSync(cache), [`${NAME}-${version}`], 'no tarball or temporary folder left beside it');
  assert.equal(withoutPath(() => pinnedPackageRoot(NM, NAME, cache)), root);
  // And without a cache and without npm, it says what it needs.
  assert.throws(() => withoutPath(() => pinnedPackageRoot(NM, NAME, path.join(tmp, 'empty'))), new RegExp(`could not fetch ${NAME}@${version} from the npm registry`));
});

test('uses the installed copy when npm installed the pinned version here', () => {
  assert.equal(pinnedPackageRoot(NM, `sherpa-onnx-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`, path.join(tmp, 'unused')), NM);
  assert.ok(!fs.existsSync(path.join(tmp, 'unused')));
});

test('refuses a tarball that does not match the lockfile, and a package the lockfile does not pin', () => {
  const project = path.join(tmp, 'project');
  fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  const { version } = pinned(NM, NAME);
  const wrong = pinned(NM, 'sherpa-onnx-darwin-x64').integrity;
  fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ packages: { [`node_modules/${NAME}`]: { version, integrity: wrong } } }));
  const cache = path.join(project, 'cache');
  assert.throws(() => pinnedPackageRoot(path.join(project, 'node_modules'), NAME, cache), new RegExp(`the registry's ${NAME}@${version} does not match the integrity package-lock.json pins`));
  assert.deepEqual(fs.readdirSync(cache), []);
  assert.throws(() => pinnedPackageRoot(path.join(project, 'node_modules'), 'sherpa-onnx-linux-arm64', cache), /package-lock.json pins no version of sherpa-onnx-linux-arm64 \(run npm install to pin it\)/);
});
