/**
 * `npm start` as a newcomer meets it: on a fresh copy of this tree (what a clone holds: the
 * files git tracks or would add), `npm ci`, then `npm start` itself, whose code-server runs as a
 * user's would (the .vsix installed, no smoke-test driver), seen through headless Chromium and
 * driven like a person: clicks, the palette, keys, a microphone (the virtual one). Then the
 * same with VOXNOTE_MODEL. A start script that cannot bring Voxnote up fails here.
 *
 * Node 24 and code-server come from this project's cache (VOXNOTE_VSCODE_CACHE), so the copy
 * does not build them again; everything else, the copy does itself.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CATALOG_ENV, FIRST_RUN } from '../../src/models/catalog';
import { groupMembers, processes } from '../support/processes';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';
import { toneWav } from '../support/worker';
import { CACHE_DIR, launchChromium, prerequisites, PROJECT_ROOT } from './harness';
import { choose, runPickCommand, voxnoteStatusItem, waitForItem } from './workbenchUi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const SAMPLE_NOTES = fs.readFileSync(path.join(PROJECT_ROOT, 'scripts', 'sample-notes.md'), 'utf8');

/**
 * The tree as a fresh clone would hold it, committed in a repository of its own: the tracked
 * and unignored files, no build output, no caches.
 */
function freshClone(to: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  for (const file of listed.split('\0').filter(Boolean)) {
    const from = path.join(PROJECT_ROOT, file);
    const stat = fs.lstatSync(from, { throwIfNoEntry: false });
    if (!stat || stat.isDirectory()) continue; // deleted, or a tracked link replaced by a folder
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.cpSync(from, path.join(to, file), { verbatimSymlinks: true });
  }
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Voxnote test', '-c', 'user.email=test@voxnote.invalid', ...args], { cwd: to, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'fresh clone');
}

/** This process's environment as a person's shell has it: not npm test's, not node:test's. */
function shellEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(npm_|NODE_TEST_CONTEXT$|INIT_CWD$|VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k)) delete env[k];
  }
  return { ...env, ...extra };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** `npm start -- --no-open` in `cwd`, in its own process group; resolves once code-server answers. */
async function npmStart(cwd: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn('npm', ['start', '--', '--no-open'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no address in 240 s:\n${output}`)), 240_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /Voxnote is running in code-server: open (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code ?? signal}) before it printed an address:\n${output}`));
    });
  });
  const origin = new URL(url).origin;
  for (const until = Date.now() + 30_000; !(await fetch(`${origin}/healthz`).then((r) => r.ok, () => false)); await sleep(100)) {
    if (Date.now() > until) throw new Error(`code-server never answered at ${origin}:\n${output}`);
  }
  return { child, url, output: () => output };
}

/** Ctrl+C in npm start's terminal: SIGINT to its process group; resolves once every process of it is gone. */
async function interrupt(started: Started): Promise<number[]> {
  const pgid = started.child.pid!;
  process.kill(-pgid, 'SIGINT');
  for (const until = Date.now() + 15_000; groupMembers(pgid).length && Date.now() < until; ) await sleep(100);
  const left = groupMembers(pgid);
  if (left.length) process.kill(-pgid, 'SIGKILL');
  return left;
}

describe('npm start on a fresh copy of the project: the workbench a user gets', () => {
  let tmp: string;
  let clone: string;
  let audio: VirtualAudio;
  let browser: Browser;
  let started: Started | undefined;
  let env: NodeJS.ProcessEnv;
  let models: { a: string; b: string };

  const openPage = async (url: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await sleep(3000); // keystrokes sent before the workbench settles can be lost
    return page;
  };
  const runCommand = async (page: Page, title: string) => {
    await page.keyboard.press('F1');
    await choose(page, title);
  };
  const stepIcon = (page: Page, title: string) =>
    page.locator('.getting-started-step', { hasText: title }).locator('.codicon').first().getAttribute('class');

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-start-'));
    clone = path.join(tmp, 'voxnote');
    freshClone(clone);
    models = { a: path.join(tmp, 'model-a'), b: path.join(tmp, 'model-b') };
    buildToneModel(models.a);
    buildToneModel(models.b);
    // First: npm start, and so code-server, its extension host and the worker, inherit this PulseAudio.
    audio = await startVirtualAudio(tmp);
    env = shellEnv({ VOXNOTE_VSCODE_CACHE: CACHE_DIR, PORT: String(await freePort()) });
    const t0 = performance.now();
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone, env, stdio: 'pipe', timeout: 300_000 });
    console.log(`# npm ci in the fresh copy: ${secs(t0)}`);
    browser = await launchChromium();
  });

  after(async () => {
    if (started && groupMembers(started.child.pid!).length) await interrupt(started);
    await browser?.close();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  });

  describe('npm start with no model', () => {
    let page: Page;
    const notes = () => path.join(clone, 'sample', 'notes.md');

    before(async () => {
      const t0 = performance.now();
      started = await npmStart(clone, env);
      console.log(`# npm start: code-server up in ${secs(t0)}`);
      page = await openPage(started.url);
      console.log(`# workbench shown in ${secs(t0)}`);
    });

    it('opens sample/ with its notes file and the walkthrough, Voxnote installed from its .vsix and active', async () => {
      assert.equal(fs.readFileSync(notes(), 'utf8'), SAMPLE_NOTES, 'sample/notes.md made from scripts/sample-notes.md');
      await page.locator('.tab', { hasText: 'notes.md' }).waitFor();
      await page.getByText('Get Started with Voxnote').first().waitFor({ timeout: 20_000 });
      // Activation put the status bar item there.
      await waitForItem(voxnoteStatusItem(page, 'voxnote.status'), /Voxnote/);
      const installed = fs.readdirSync(path.join(clone, '.cache', 'run', 'ext')).filter((d) => d.startsWith('voxnote.voxnote-'));
      assert.equal(installed.length, 1, 'the .vsix is installed into the run\'s extensions folder');
      const server = processes().filter((p) => groupMembers(started!.child.pid!).includes(p.pid) && p.argv.some((a) => a.endsWith('entry.js')));
      assert.ok(server.length > 0, 'code-server runs in npm start\'s process group');
      for (const p of server) assert.ok(!p.argv.includes('enable-smoke-test-driver'), `no smoke-test driver: ${p.argv.join(' ')}`);
      assert.match((await stepIcon(page, 'Get a speech model')) ?? '', /step-unchecked/, 'no model yet');
    });

    it('Start Dictation with no model: the offer pops up as a notification, not only in the notification centre', async () => {
      await page.locator('.tab', { hasText: 'notes.md' }).click();
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+End');
      await runCommand(page, 'Voxnote: Start Dictation');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Voxnote needs a speech model to start dictating' });
      await toast.waitFor({ state: 'visible', timeout: 15_000 });
      const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
      assert.ok(buttons.includes(FIRST_RUN.label) && buttons.includes('Choose a Model Folder…'), `buttons: ${JSON.stringify(buttons)}`);
    });

    it('Choose a Model Folder… in that notification, a folder picked: dictation starts without the command again, the words land in notes.md', async () => {
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'needs a speech model' });
      await toast.locator('.monaco-button', { hasText: 'Choose a Model Folder…' }).click();
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      // VS Code's simple file dialog: accepting while one of the folder's entries is active (its list can make
      // `graph/` active on a loaded machine) opens that entry instead of accepting the folder typed. So the
      // folder is typed again until the dialog accepts it.
      const dialog = page.locator('.quick-input-widget');
      for (let tries = 0; await dialog.isVisible(); tries++) {
        assert.ok(tries < 5, `the folder dialog stays open at ${await input.inputValue().catch(() => '?')}`);
        await input.fill(`${models.a}/`);
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'graph' }).waitFor(); // the dialog shows the folder
        await page.keyboard.press('Enter');
        await dialog.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
      }
      const status = voxnoteStatusItem(page, 'voxnote.status');
      await waitForItem(status, /Listening/);
      await audio.play('mic', toneWav([0.3, 'open', 0.35, 'file', 1.2, 'save', 0.35, 'run', 1.2], { sampleRate: 48000 }).path);
      await runCommand(page, 'Voxnote: Stop Dictation');
      await waitForItem(status, /^Voxnote$/);
      await page.keyboard.press('Control+S');
      const expected = `${SAMPLE_NOTES}Open file save run`;
      for (const until = Date.now() + 10_000; fs.readFileSync(notes(), 'utf8') !== expected && Date.now() < until; ) await sleep(100);
      assert.equal(fs.readFileSync(notes(), 'utf8'), expected);
    });

    it('the walkthrough marks the model step done, and the dictation step', async () => {
      await page.locator('.tab', { hasText: 'Welcome' }).click();
      for (const step of ['Get a speech model', 'Try dictation']) {
        let icon = '';
        for (const until = Date.now() + 10_000; !/step-checked/.test(icon) && Date.now() < until; await sleep(200)) icon = (await stepIcon(page, step)) ?? '';
        assert.match(icon, /step-checked/, `${step}: ${icon}`);
      }
      assert.match((await stepIcon(page, 'Push to talk')) ?? '', /step-unchecked/, 'a step not done stays open');
    });

    it('Ctrl+C stops everything npm start started: code-server, its extension host, the worker', async () => {
      await page.context().close();
      assert.deepEqual(await interrupt(started!), [], 'no process of npm start is left');
      // Built, installed, started, dictated into: git still sees the clone as it came.
      assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' }), '');
    });
  });

  describe('VOXNOTE_MODEL=<folder> npm start', () => {
    let page: Page;

    before(async () => {
      // The catalogue's first-run model at an address that refuses: a download that fails as offline ones do.
      const shipped = JSON.parse(fs.readFileSync(path.join(clone, 'models', 'catalog.json'), 'utf8')) as { models: Array<Record<string, unknown>> };
      Object.assign(shipped.models.find((m) => m.name === FIRST_RUN.model)!, { url: `https://127.0.0.1:${await freePort()}/${FIRST_RUN.model}.zip` });
      const catalog = path.join(tmp, 'catalog.json');
      fs.writeFileSync(catalog, JSON.stringify(shipped));
      started = await npmStart(clone, { ...env, VOXNOTE_MODEL: models.b, [CATALOG_ENV]: catalog });
      page = await openPage(started.url);
    });

    it('the model goes into the Machine settings (a remote window reads it there) and the status bar names it before the first start', async () => {
      const machine = JSON.parse(fs.readFileSync(path.join(clone, '.cache', 'run', 'user', 'Machine', 'settings.json'), 'utf8'));
      assert.equal(machine['voxnote.model.path'], models.b);
      const status = voxnoteStatusItem(page, 'voxnote.status');
      await waitForItem(status, /^Voxnote$/);
      await status.hover();
      await page.locator('.monaco-hover, .workbench-hover', { hasText: 'Model: model-b' }).first().waitFor({ timeout: 10_000 });
    });

    it('dictation listens with it', async () => {
      await page.mouse.move(1, 1);
      await page.locator('.tab', { hasText: 'notes.md' }).click();
      await page.locator('.monaco-editor .view-lines').first().click();
      await runCommand(page, 'Voxnote: Start Dictation');
      const status = voxnoteStatusItem(page, 'voxnote.status');
      await waitForItem(status, /Listening/);
      await runCommand(page, 'Voxnote: Stop Dictation');
      await waitForItem(status, /^Voxnote$/);
    });

    it('a download that cannot connect: the error offers its next step, Install Model from Folder or Zip…, as a button that runs it', async () => {
      await runPickCommand(page, 'Voxnote: Download Model…', 'Voxnote: Download Model');
      await choose(page, FIRST_RUN.model);
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Cannot download' });
      await toast.waitFor({ state: 'visible', timeout: 30_000 });
      const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
      assert.ok(buttons.includes('Install Model from Folder or Zip…') && buttons.includes('Edit http.proxy'), `buttons: ${JSON.stringify(buttons)}`);
      await toast.locator('.monaco-button', { hasText: 'Install Model from Folder or Zip…' }).click();
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Voxnote: Install Model from Folder or Zip' }).waitFor();
      await page.keyboard.press('Escape');
      await page.context().close();
      assert.deepEqual(await interrupt(started!), []);
    });
  });
});
