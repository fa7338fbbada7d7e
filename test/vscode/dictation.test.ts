/**
 * Voxnote in a REAL VS Code (code-server + headless Chromium), installed from the
 * .vsix that `npm run package` builds, dictating from the virtual microphone
 * (tone speech, real libvosk, tone model). One code-server for the whole file:
 * - a workbench driven like a person: palette commands, status bar partial,
 *   transcript panel, the file on disk (a screenshot is kept for people); then faults on the same
 *   session: kill -9 of the worker mid-utterance, the editor closed mid-utterance;
 * - the mocha suite in test/vscode/suite/ inside the extension host (commands,
 *   multi-cursor, one undo step per utterance).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { mappedFiles, workers } from '../support/processes';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';
import { toneWav } from '../support/worker';
import { installedVoxnote, prerequisites, PROJECT_ROOT, packageVoxnote, startCodeServer, type CodeServer, type Workbench } from './harness';
import { fileIs } from './workbenchUi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

const NOTES = 'Meeting notes:\n';
const SCREENSHOT = path.join(PROJECT_ROOT, '.test-output', 'vscode', 'dictation-workbench.png');
const SUITE_INDEX = path.join(__dirname, 'suite', 'index.js');

/** The Voxnote status bar item (VS Code gives it the id "<extension id>.<item id>"). */
const statusItem = (page: Page): Locator => page.locator('[id="voxnote.voxnote.voxnote.status"]');

async function statusText(page: Page): Promise<string> {
  return (await statusItem(page).innerText({ timeout: 1000 }).catch(() => '')).trim();
}

async function waitForStatus(page: Page, match: RegExp, timeoutMs = 20_000): Promise<string> {
  let last = '';
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(50)) {
    last = await statusText(page);
    if (match.test(last)) return last;
  }
  throw new Error(`the Voxnote status bar item never matched ${match}; last: "${last}"`);
}

/** Records every text the Voxnote status bar item shows until stopped. */
function watchStatus(page: Page): { seen: string[]; stop(): Promise<string[]> } {
  const seen: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const text = await statusText(page);
      if (text && seen[seen.length - 1] !== text) seen.push(text);
      await sleep(40);
    }
  })();
  return { seen, stop: async () => ((running = false), await loop, seen) };
}

/**
 * Waits for a notification. The smoke-test driver the harness enables turns toasts off
 * (VS Code's NotificationsToasts), so notifications are read in the notification center.
 */
async function notified(page: Page, text: string, timeoutMs = 20_000): Promise<void> {
  const bell = page.locator('[id="status.notifications"]');
  const center = page.locator('.notifications-center');
  const item = center.locator('.notification-list-item', { hasText: text });
  for (const until = Date.now() + timeoutMs; !(await item.count()); await sleep(100)) {
    if (!(await center.isVisible())) await bell.click();
    if (Date.now() > until) throw new Error(`no notification "${text}" within ${timeoutMs} ms; center: ${await center.innerText()}`);
  }
  await bell.click(); // closes the center again
}


describe('Voxnote installed from its .vsix in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let workspace: string;
  let notes: string;
  let other: string;
  /** The installed extension's folder. */
  let extDir: string;
  const speak = (items: Array<string | number>) => audio.play('mic', toneWav(items, { sampleRate: 48000 }).path);
  /** Workers of the installed extension (other tests on the machine run their own). */
  const ourWorkers = () => workers().filter((p) => p.argv.some((a) => a.startsWith(extDir + path.sep)));

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-dictation-'));
    // First: code-server, and so the extension host and its worker, inherit this PulseAudio.
    audio = await startVirtualAudio(tmp);
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    notes = path.join(workspace, 'notes.txt');
    fs.writeFileSync(notes, NOTES);
    other = path.join(workspace, 'other.txt');
    fs.writeFileSync(other, '');

    let t0 = performance.now();
    // dist/ is built by the test command; the script stages the natives and runs vsce.
    const vsix = await packageVoxnote(tmp);
    console.log(`# npm run package (linux-x64): ${(fs.statSync(vsix).size / 2 ** 20).toFixed(2)} MB in ${ms(t0)}`);
    t0 = performance.now();
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': model }, // a machine-overridable setting
      vsix: [vsix],
      tmpParent: tmp,
    });
    extDir = installedVoxnote(server);
    console.log(`# --install-extension + code-server up in ${ms(t0)}`);
  });

  after(async () => {
    await server?.dispose();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the package carries the bundles and only linux-x64 natives', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else files.push(path.relative(extDir, path.join(dir, e.name)));
      }
    };
    walk(extDir);
    // sherpa-onnx-node's own JS, loaded by path from dist/native (as npm installed it, with its package.json).
    const sherpaJs = fs
      .readdirSync(path.join(PROJECT_ROOT, 'node_modules', 'sherpa-onnx-node'))
      .filter((f) => f.endsWith('.js') || f === 'package.json')
      .map((f) => `dist/native/sherpa-onnx-node/${f}`);
    // .vsixmanifest is written by the installer, not shipped in extension/.
    assert.deepEqual(files.filter((f) => f !== '.vsixmanifest').sort(), [
      'dist/native/sherpa-onnx-linux-x64/libonnxruntime.so',
      'dist/native/sherpa-onnx-linux-x64/libsherpa-onnx-c-api.so',
      'dist/native/sherpa-onnx-linux-x64/sherpa-onnx.node',
      ...sherpaJs,
      'LICENSE.txt',
      'dist/cli.js',
      'dist/extension.js',
      // Libraries the worker loads only when an engine or a file needs them (esbuild.mjs).
      'dist/lib/assemblyai.js',
      'dist/lib/libsamplerate.js',
      'dist/lib/openai.js',
      'dist/lib/ws.js',
      'dist/native/libportaudio.so.2',
      'dist/native/libvosk.so',
      'dist/native/naudiodon.node',
      'dist/native/pv_recorder.node',
      'dist/webview/transcript.js',
      'dist/worker.js',
      'koffi/linux_x64/koffi.node',
      'media/speed-test/README.md',
      'media/speed-test/speech.wav',
      'media/transcript.css',
      'media/walkthrough/dictation.md',
      'media/walkthrough/meeting.md',
      'media/walkthrough/microphone.md',
      'media/walkthrough/model.md',
      'media/walkthrough/pushToTalk.md',
      'media/walkthrough/voiceCommands.md',
      'models/catalog.json',
      'models/vad/README.md',
      'models/vad/silero_vad_v5.onnx',
      'package.json',
      'readme.md', // vsce's name for README.md
    ].sort());
  });

  describe('driven like a person (one workbench, one dictation session)', () => {
    let wb: Workbench;
    let page: Page;
    let panel: Awaited<ReturnType<Workbench['findWebviewFrame']>>;

    before(async () => {
      const t0 = performance.now();
      wb = await server.openWorkbench({ folder: workspace });
      page = wb.page;
      await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      console.log(`# workbench shown in ${ms(t0)}`);
    });
    after(async () => {
      await wb?.dispose();
    });

    it('Start Dictation from the palette: the partial in the status bar, the words at the cursor, the transcript panel', async () => {
      const t0 = performance.now();
      await wb.openFile('notes.txt');
      await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
      await page.keyboard.press('Control+End');
      await page.locator('.statusbar-item', { hasText: 'Ln 2, Col 1' }).waitFor();
      await wb.runCommand('Voxnote: Show Transcript');
      panel = await wb.findWebviewFrame('#utterances');
      await wb.runCommand('Voxnote: Start Dictation');
      await waitForStatus(page, /Listening/);

      // The worker runs the natives the package carries, not node_modules' (there is none).
      const [worker] = ourWorkers();
      assert.ok(worker, 'a worker of the installed extension runs');
      const maps = mappedFiles(worker.pid);
      for (const lib of ['dist/native/libvosk.so', 'koffi/linux_x64/koffi.node']) {
        assert.ok(maps.includes(path.join(extDir, lib)), `the worker maps ${lib} from the package:\n${maps.join('\n')}`);
      }

      const status = watchStatus(page);
      const spoken = speak([0.3, 'yes', 0.35, 'open', 0.35, 'run', 1.2, 'close', 0.35, 'file', 1.2]);
      await panel.locator('#utterances li', { hasText: 'Yes open run' }).waitFor({ timeout: 20_000 });
      // Mid-speech view: the first utterance in the panel, the second one live.
      await waitForStatus(page, /close/, 5_000).catch(() => undefined);
      await wb.screenshot(SCREENSHOT);
      await spoken;
      await panel.locator('#utterances li', { hasText: 'close file' }).waitFor({ timeout: 20_000 });
      const seen = await status.stop();

      // What the status bar showed over time: the first utterance's partial, changing as more was heard
      // (the engine may revise a word: "yes yes" became "yes open"), "Listening…" once it was final,
      // then the second utterance's partial.
      const first = seen.findIndex((t) => /^yes/.test(t));
      const between = seen.findIndex((t, i) => i > first && /^Listening/.test(t));
      const second = seen.findIndex((t, i) => i > between && /^close/.test(t));
      assert.ok(first >= 0 && between > first && second > between, `partial, then Listening…, then the next partial: ${JSON.stringify(seen)}`);
      const partials = seen.slice(first, between);
      assert.ok(partials.length >= 2 && partials.some((t) => /^yes open/.test(t)), `the partial followed the speech: ${JSON.stringify(seen)}`);
      await page.keyboard.press('Control+S');
      await fileIs(notes, `${NOTES}Yes open run close file`);
      assert.deepEqual(
        (await panel.locator('#utterances li span').allInnerTexts()).map((t) => t.trim()),
        ['Yes open run', 'close file'],
      );
      console.log(`# dictated two utterances from the palette in ${ms(t0)}`);
    });

    it('kill -9 of the worker mid-utterance: dictation recovers; earlier words stay, later speech lands where the user is', async () => {
      const t0 = performance.now();
      const [killed] = ourWorkers();
      const cut = speak([0.3, 'save', 0.35, 'no', 0.5]);
      // Killed once the whole utterance is heard: only silence is left for the new worker.
      await waitForStatus(page, /save no/);
      process.kill(killed.pid, 'SIGKILL');
      await notified(page, 'the speech engine stopped unexpectedly and is restarting');
      await cut;
      await waitForStatus(page, /Listening/);
      const now = ourWorkers();
      assert.equal(now.length, 1);
      assert.notEqual(now[0].pid, killed.pid, 'a new worker');

      // The cut utterance was aimed at notes.txt; the next one goes to the file the user moved to.
      await wb.openFile('other.txt');
      await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
      await speak([0.3, 'run', 0.35, 'yes', 1.2]);
      await panel.locator('#utterances li', { hasText: 'Run yes' }).waitFor({ timeout: 20_000 });
      await page.keyboard.press('Control+S');
      await fileIs(other, 'Run yes');
      assert.equal(fs.readFileSync(notes, 'utf8'), `${NOTES}Yes open run close file`);
      assert.equal(await panel.locator('#utterances li.undelivered').count(), 0);
      console.log(`# recovered from kill -9 in ${ms(t0)}`);
    });

    it('the editor closed mid-utterance: the words go to the panel and the clipboard, with a notice', async () => {
      const t0 = performance.now();
      const saved = [fs.readFileSync(notes, 'utf8'), fs.readFileSync(other, 'utf8')];
      const spoken = speak([0.3, 'open', 0.35, 'file', 0.35, 'run', 0.35, 'close', 1.2]);
      await waitForStatus(page, /open/);
      await page.locator('.tab', { hasText: 'other.txt' }).locator('.tab-actions .action-label').click();
      await notified(page, 'so your words are in the transcript panel and on the clipboard');
      await spoken;
      const kept = panel.locator('#utterances li.undelivered');
      await kept.waitFor({ timeout: 5_000 });
      assert.equal((await kept.locator('span').innerText()).trim(), 'Open file run close');
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'Open file run close');
      assert.deepEqual([fs.readFileSync(notes, 'utf8'), fs.readFileSync(other, 'utf8')], saved, 'no file took the words');

      await wb.runCommand('Voxnote: Stop Dictation');
      // Stopped: the status bar is back to idle, and speech no longer reaches the panel.
      await waitForStatus(page, /^Voxnote$/);
      const rows = await panel.locator('#utterances li').count();
      await speak([0.3, 'yes', 1.0]);
      await sleep(1000);
      assert.equal(await panel.locator('#utterances li').count(), rows, 'speech after Stop Dictation reached the panel');
      console.log(`# closed editor handled in ${ms(t0)}`);
    });
  });

  it('the mocha suite inside the extension host passes (commands, multi-cursor, undo)', async () => {
    const t0 = performance.now();
    // The installed folder as the development path: the suite runs against the packaged files.
    const wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: extDir, extensionTestsPath: SUITE_INDEX });
    const { code, output } = await wb.testsDone(180_000);
    await wb.dispose();
    console.log(`# extension-host suite in ${ms(t0)}`);
    assert.equal(code, 0, output);
    assert.match(output, /3 passing/, output);
  });
});
