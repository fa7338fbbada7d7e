/**
 * The import rules of src/ (GUIDE "Layers"), checked by dependency-cruiser in
 * `npm test` and `npm run test:unit` (scripts/lint-imports.sh). Dependencies
 * point one way: the VS Code layer, then the services, then the pure core and
 * the protocol (src/shared). The worker is a separate process with its own
 * bundle; the transcript panel's script runs in a browser.
 */

/**
 * The VS Code layer: the only modules that may import `vscode`. A module joins
 * it by being listed here, on purpose; everything else on the host side is a
 * service and cannot import this layer.
 */
const VSCODE_LAYER = [
  '^src/(extension|api|config)\\.ts$',
  '^src/ui/',
  '^src/dictation/(dictationController|ghostText|insertion|terminalKeysSetting)\\.ts$',
  '^src/dictation/targets/(startTarget|focusWatch|commandInput|targetDelivery)\\.ts$',
  '^src/dictation/voiceCommands/(voiceCommands|commandListener)\\.ts$',
  '^src/models/(commands|modelStore)\\.ts$',
  '^src/notes/(meetingController|meetingDocument|meetingNotices|notesFileCommands|notesFiles|notesLineSettings|summaryCommand|notesEditCommands|speakerCorrection)\\.ts$',
  '^src/speech/vscode/',
  '^src/notify/',
];
const SHARED = '^src/shared/';
const WORKER = '^src/worker/';
const WEBVIEW = '^src/webview/';
const VSCODE_MODULE = '^(vscode|node_modules/@types/vscode/)';

module.exports = {
  forbidden: [
    {
      name: 'vscode-only-in-vscode-layer',
      comment: 'Only the VS Code layer (VSCODE_LAYER above) talks to VS Code; services stay testable and usable by the CLI.',
      severity: 'error',
      from: { pathNot: VSCODE_LAYER },
      to: { path: VSCODE_MODULE },
    },
    {
      name: 'services-not-to-vscode-layer',
      comment: 'Services and the core never import the VS Code layer: dependencies point from VS Code to services to core.',
      severity: 'error',
      from: { path: '^src/', pathNot: [...VSCODE_LAYER, WORKER, WEBVIEW] },
      to: { path: VSCODE_LAYER },
    },
    {
      name: 'shared-imports-only-shared',
      comment: 'src/shared is the pure core and the protocol: it imports nothing of Voxnote outside src/shared.',
      severity: 'error',
      from: { path: SHARED },
      to: { path: '^src/', pathNot: SHARED },
    },
    {
      name: 'worker-not-to-host',
      comment: 'The worker (its own process and bundle) uses only src/worker and src/shared.',
      severity: 'error',
      from: { path: WORKER },
      to: { path: '^src/', pathNot: [WORKER, SHARED] },
    },
    {
      name: 'host-not-to-worker',
      comment: 'The host talks to the worker through the protocol only, so it never bundles worker code.',
      severity: 'error',
      from: { path: '^src/', pathNot: WORKER },
      to: { path: WORKER },
    },
    {
      name: 'webview-types-only',
      comment: 'The panel script runs in a browser: from the host it may take message and state types, no code.',
      severity: 'error',
      from: { path: WEBVIEW },
      to: { path: '^src/', pathNot: WEBVIEW, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'top-level-modules-import-only-shared',
      comment:
        'Modules directly in src/ besides the composition roots (extension.ts, cli.ts, api.ts) are imported by the folders; ' +
        'importing a folder back would make a cycle between it and them.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$', pathNot: '^src/(extension|cli|api)\\.ts$' },
      to: { path: '^src/[^/]+/', pathNot: SHARED },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other one way only.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve cannot be checked.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    // Type-only imports count: they couple modules as much as value imports do.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
