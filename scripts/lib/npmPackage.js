// @ts-check
/**
 * Another platform's npm package, for the package check and stage only: npm
 * installs a package with os/cpu fields only on its own platform, so a
 * per-platform .vsix for another one gets its natives from the registry, at the
 * exact version and integrity package-lock.json pins. Fetched with `npm pack`
 * (the project's registry settings), verified, unpacked into a cache folder and
 * reused from there. Never used at install or run time of the extension.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/**
 * The version and integrity package-lock.json (beside `nodeModules`) pins for `name`.
 * @param {string} nodeModules @param {string} name
 */
function pinned(nodeModules, name) {
  const lockFile = path.join(nodeModules, '..', 'package-lock.json');
  const entry = JSON.parse(fs.readFileSync(lockFile, 'utf8')).packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry?.integrity) throw new Error(`package-lock.json pins no version of ${name} (run npm install to pin it)`);
  return { version: /** @type {string} */ (entry.version), integrity: /** @type {string} */ (entry.integrity) };
}

/** @param {Buffer} data @param {string} integrity an SRI string, e.g. "sha512-…" */
function matches(data, integrity) {
  return integrity.split(/\s+/).some((sri) => {
    const [, algo, digest] = /^(sha\d+)-(.+)$/.exec(sri) ?? [];
    return !!algo && crypto.createHash(algo).update(data).digest('base64') === digest;
  });
}

/**
 * A folder laid out like node_modules that holds `name` as package-lock.json
 * pins it: `nodeModules` itself when npm installed it there, else the cache's
 * copy, fetched first when the cache has none.
 * @param {string} nodeModules @param {string} name @param {string} cacheDir
 * @returns {string}
 */
function pinnedPackageRoot(nodeModules, name, cacheDir) {
  const { version, integrity } = pinned(nodeModules, name);
  const installed = path.join(nodeModules, name, 'package.json');
  if (fs.existsSync(installed) && JSON.parse(fs.readFileSync(installed, 'utf8')).version === version) return nodeModules;
  const entry = path.join(cacheDir, `${name}-${version}`);
  const marker = path.join(entry, '.integrity');
  const done = () => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === integrity;
  if (done()) return path.join(entry, 'node_modules');

  // Unpacked into a private folder and renamed into place whole, so a concurrent run sees all or nothing.
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir, `.${name}-`));
  try {
    let packed;
    try {
      // npm is npm.cmd on Windows, which only a shell runs; the arguments need no quoting.
      const out = execFileSync('npm', ['pack', `${name}@${version}`, '--json'], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
      packed = JSON.parse(out);
    } catch (e) {
      const err = /** @type {{ stderr?: string, message: string }} */ (e);
      throw new Error(`could not fetch ${name}@${version} from the npm registry: ${(err.stderr || err.message).trim().split('\n').pop()} (the package needs the registry once; later runs use ${cacheDir})`);
    }
    const tarball = path.join(tmp, packed[0].filename);
    if (!matches(fs.readFileSync(tarball), integrity)) throw new Error(`the registry's ${name}@${version} does not match the integrity package-lock.json pins; not using it`);
    const unpacked = path.join(tmp, 'node_modules', name);
    fs.mkdirSync(unpacked, { recursive: true });
    // Relative paths only: GNU tar on Windows reads "C:" as a remote host.
    execFileSync('tar', ['-xzf', path.relative(unpacked, tarball), '--strip-components=1'], { cwd: unpacked, stdio: ['ignore', 'ignore', 'pipe'] });
    fs.rmSync(tarball);
    fs.writeFileSync(path.join(tmp, '.integrity'), integrity);
    fs.chmodSync(tmp, 0o755); // mkdtemp's folder is private
    if (!done()) fs.rmSync(entry, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, entry);
    } catch (e) {
      // Another run put it there first.
      if (!done()) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return path.join(entry, 'node_modules');
}

module.exports = { pinned, pinnedPackageRoot };
