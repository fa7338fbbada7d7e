// Bundles the extension, the worker and the CLI into dist/. Native libraries
// (koffi, libvosk inside the vosk package, naudiodon) stay external: they are
// loaded from node_modules, or from dist/native in a packaged extension.
import * as esbuild from 'esbuild';
import { existsSync } from 'fs';

const watch = process.argv.includes('--watch');
const entries = {
  extension: 'src/extension.ts',
  worker: 'src/worker/main.ts',
  cli: 'src/cli.ts',
  bench: 'bench/main.ts',
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
  external: ['vscode', 'koffi', 'vosk', 'naudiodon'],
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
