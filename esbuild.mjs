// Bundles the extension, the worker and the CLI into dist/. koffi's JS is
// bundled; its loader finds koffi.node under the extension root
// (node_modules/koffi/build/koffi/<triplet>/ in dev, koffi/<triplet>/ in a
// package). libvosk (vosk package), PvRecorder's and naudiodon's addons are loaded by path:
// from node_modules, or from dist/native in a packaged extension.
import * as esbuild from 'esbuild';
import { existsSync } from 'fs';

const watch = process.argv.includes('--watch');
const entries = {
  extension: 'src/extension.ts',
  worker: 'src/worker/main.ts',
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
  for (const o of [options, webview]) await (await esbuild.context(o)).watch();
} else {
  await Promise.all([esbuild.build(options), esbuild.build(webview)]);
}
