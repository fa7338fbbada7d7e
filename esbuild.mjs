// Bundles the extension, the worker and the CLI into dist/. koffi's JS is
// bundled; its loader finds koffi.node under the extension root
// (node_modules/koffi/build/koffi/<triplet>/ in dev, koffi/<triplet>/ in a
// package). libvosk (vosk package), PvRecorder's and naudiodon's addons are loaded by path:
// from node_modules, or from dist/native in a packaged extension.
import * as esbuild from 'esbuild';
import { existsSync } from 'fs';
import { createRequire } from 'module';

const watch = process.argv.includes('--watch');
const entries = {
  extension: 'src/extension.ts',
  cli: 'src/cli.ts',
  bench: 'bench/main.ts',
  // The bench's runner inside a VS Code extension host (not shipped: .vscodeignore).
  benchHost: 'bench/dictationHost.ts',
  targetsHost: 'bench/targetsHost.ts',
};
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

const options = {
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // '*.node': koffi's per-platform require()s of its addon stay require()s (they fail, and its loader searches).
  // playwright-core and @vscode/vsce (the bench's workbench harness) find their own files at run time.
  external: ['vscode', 'vosk', 'sherpa-onnx-node', 'naudiodon', '@picovoice/pvrecorder-node', '*.node', 'playwright-core', '@vscode/vsce'],
  logLevel: 'warning',
};

// Libraries only some sessions need (cloud engines, resampling a file), each in its own file under
// dist/lib/: the worker loads them when an engine or a file needs them, and does not read or
// parse 2.5 MB (libsamplerate's WASM) at every start (issue 16, `npm run bench startup`).
const LAZY_LIBS = { openai: 'openai', ws: 'ws', assemblyai: 'assemblyai', libsamplerate: '@alexanderolsen/libsamplerate-js' };
const lazyLibs = {
  name: 'lazy-libs',
  setup(build) {
    for (const [file, pkg] of Object.entries(LAZY_LIBS)) {
      const filter = new RegExp(`^${pkg.replace(/[/.]/g, '\\$&')}$`);
      build.onResolve({ filter }, () => ({ path: `./lib/${file}.js`, external: true }));
    }
  },
};
const resolve = createRequire(import.meta.url).resolve;
const worker = {
  ...options,
  entryPoints: { worker: 'src/worker/main.ts' },
  plugins: [lazyLibs],
  // import() of a lib becomes require(): a CommonJS file has no named exports to import.
  supported: { 'dynamic-import': false },
};
const libs = {
  ...options,
  entryPoints: Object.fromEntries(Object.entries(LAZY_LIBS).map(([file, pkg]) => [file, resolve(pkg)])),
  outdir: 'dist/lib',
};

// The transcript panel's script runs in the webview, a browser.
const webview = {
  entryPoints: { transcript: 'src/webview/transcript.ts' },
  outdir: 'dist/webview',
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  logLevel: 'warning',
};

if (watch) {
  for (const o of [options, worker, libs, webview]) await (await esbuild.context(o)).watch();
} else {
  await Promise.all([options, worker, libs, webview].map((o) => esbuild.build(o)));
}
