/**
 * Voxnote in a REAL VS Code (code-server), installed from its .vsix, with the
 * keys pressed in a focused terminal as a person would (one code-server for the
 * whole file):
 * - push-to-talk held and released, and toggle, in a focused terminal: their
 *   keys reach Voxnote (terminal.integrated.commandsToSkipShell), and what the
 *   terminal receives has no line break or other control character (the shell
 *   is `cat` in raw mode into a file, so every byte sent is on disk);
 * - a window reload in the middle of an utterance: the words come back in the
 *   transcript panel (deactivate flushed them into the kept transcript);
 * - inside the extension host, with Voxnote in production mode: no API export,
 *   and a user's own commandsToSkipShell list gets Voxnote's commands added.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';
import { toneWav } from '../support/worker';
import { prerequisites, packageVoxnote, startCodeServer, type CodeServer, type Workbench } from './harness';
import { voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const SUITE_INDEX = path.join(__dirname, 'terminalSuite', 'index.js');
/** A control character: C0, DEL or C1. */
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

describe('Voxnote keys and words in a focused terminal, and a reload mid-utterance (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let workspace: string;
  /** Every byte the terminal's "shell" received. */
  let received: string;
  const speak = (items: Array<string | number>) => audio.play('mic', toneWav(items, { sampleRate: 48000 }).path);
  const receivedText = () => (fs.existsSync(received) ? fs.readFileSync(received, 'latin1') : '');

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-terminal-'));
    audio = await startVirtualAudio(tmp);
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'notes.txt'), '');
    received = path.join(tmp, 'terminal-received.bin');
    // `cat` in raw mode: what dictation sends reaches the file byte for byte, Enter included.
    const terminal = {
      'terminal.integrated.profiles.linux': { recorder: { path: '/bin/sh', args: ['-c', `stty raw -echo; exec cat > '${received}'`] } },
      'terminal.integrated.defaultProfile.linux': 'recorder',
      'terminal.integrated.shellIntegration.enabled': false,
    };
    const vsix = await packageVoxnote(tmp);
    const t0 = performance.now();
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': model, ...terminal },
      settings: {
        ...terminal,
        // A word of the tone model stands in for "new line": it must not become Enter in a terminal.
        'voxnote.format.commands': { run: '\n' },
        // Key repeats sent through the browser can lag on a busy machine: a long tail keeps such a gap from ending the hold.
        'voxnote.pushToTalk.releaseTailMs': 1500,
        'files.autoSave': 'off',
      },
      vsix: [vsix],
      tmpParent: tmp,
    });
    console.log(`# --install-extension + code-server up in ${ms(t0)}`);
  });

  after(async () => {
    await server?.dispose();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('one workbench', () => {
    let wb: Workbench;
    let page: Page;
    const status = () => voxnoteStatusItem(page, 'voxnote.status');

    before(async () => {
      wb = await server.openWorkbench({ folder: workspace });
      page = wb.page;
      await wb.waitReady();
    });
    after(async () => {
      await wb?.dispose();
    });

    /** The terminal has the keyboard focus: keys go to its shell unless VS Code takes them. */
    const terminalFocused = () => page.evaluate<boolean>("!!document.activeElement?.closest('.terminal-wrapper, .xterm')");

    it('push-to-talk held in a focused terminal: listens while held, stops after release, and sends no Enter', async () => {
      const t0 = performance.now();
      await wb.runCommand('Terminal: Create New Terminal');
      await waitUntil('the terminal to start its shell', () => fs.existsSync(received));
      for (const until = Date.now() + 10_000; !(await terminalFocused()); await sleep(100)) {
        if (Date.now() > until) throw new Error('the terminal never took the focus');
      }
      await waitForItem(status(), /^Voxnote$/);

      // Held: the first keydown, then key repeats after the usual initial delay (Playwright marks a repeated down as a repeat, as a held key is).
      await page.keyboard.down('Control');
      await page.keyboard.down('Alt');
      let holding = true;
      const repeats = (async () => {
        await page.keyboard.down('Space');
        await sleep(500);
        while (holding) {
          await page.keyboard.down('Space');
          await sleep(33);
        }
      })();
      try {
        await waitForItem(status(), /Listening/).catch((e: Error) => {
          throw new Error(`${e.message}; the shell received ${JSON.stringify(receivedText())}`);
        });
        assert.equal(receivedText(), '', 'the keys did not reach the shell');
        assert.ok(await terminalFocused(), 'the terminal kept the focus');
        await speak([0.3, 'yes', 0.35, 'run', 0.35, 'open', 1.2]);
        await waitUntil('the words in the terminal', () => receivedText().includes('open'));
      } finally {
        holding = false;
        await repeats;
        await page.keyboard.up('Space');
        await page.keyboard.up('Alt');
        await page.keyboard.up('Control');
      }
      await waitForItem(status(), /^Voxnote$/, 5_000);
      assert.equal(receivedText(), 'Yes open', 'the spoken line break came as a space, and nothing ran the line');
      console.log(`# push-to-talk held in the terminal in ${ms(t0)}`);
    });

    it('toggle in a focused terminal: one press starts, the next stops; still no control character', async () => {
      const t0 = performance.now();
      assert.ok(await terminalFocused());
      await page.keyboard.press('Control+Alt+Shift+Space');
      await waitForItem(status(), /Listening/);
      const before = receivedText();
      await speak([0.3, 'no', 0.35, 'close', 0.35, 'run', 1.2]);
      await waitUntil('the second utterance in the terminal', () => receivedText().length > before.length);
      await page.keyboard.press('Control+Alt+Shift+Space');
      await waitForItem(status(), /^Voxnote$/, 5_000);
      const text = receivedText();
      assert.match(text.slice(before.length), /^ ?No close ?$/i);
      assert.doesNotMatch(text, CONTROL, JSON.stringify(text));
      console.log(`# toggled in the terminal in ${ms(t0)}`);
    });

    it('a window reload mid-utterance: the words come back in the transcript panel', async () => {
      const t0 = performance.now();
      await wb.openFile('notes.txt');
      await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
      await wb.runCommand('Voxnote: Start Dictation');
      await waitForItem(status(), /Listening/);
      const spoken = speak([0.3, 'save', 0.35, 'file', 0.35, 'open', 0.35, 'close', 0.35, 'save', 0.35, 'file', 3]);
      await waitForItem(status(), /save file open/);
      // Mid-utterance: no final yet, the words only in the recognizer.
      await page.reload();
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await spoken;
      await sleep(3000); // the harness's settle time before typing
      await wb.runCommand('Voxnote: Show Transcript');
      const panel = await wb.findWebviewFrame('#utterances');
      const kept = panel.locator('#utterances li.undelivered');
      await kept.first().waitFor({ timeout: 20_000 });
      const texts = (await kept.locator('span').allInnerTexts()).map((t) => t.trim());
      assert.equal(texts.length, 1, JSON.stringify(texts));
      assert.match(texts[0], /^Save file open/);
      assert.equal(fs.readFileSync(path.join(workspace, 'notes.txt'), 'utf8'), '', 'the cut utterance went nowhere else');
      console.log(`# reload mid-utterance in ${ms(t0)}`);
    });
  });

  it('inside the extension host, Voxnote in production mode: no API; a user list of commandsToSkipShell gets its commands', async () => {
    const t0 = performance.now();
    const probe = path.join(tmp, 'probe');
    fs.mkdirSync(probe);
    fs.writeFileSync(path.join(probe, 'package.json'), JSON.stringify({ name: 'probe', publisher: 'test', version: '0.0.1', engines: { vscode: '^1.90.0' } }));
    // A user with a list of their own, which replaces the default Voxnote contributes.
    const userSettings = path.join(server.userDataDir, 'User', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(userSettings, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(userSettings, JSON.stringify({ ...settings, 'terminal.integrated.commandsToSkipShell': ['-workbench.action.quickOpen'] }, null, 2));
    const wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: probe, extensionTestsPath: SUITE_INDEX });
    const { code, output } = await wb.testsDone(120_000);
    await wb.dispose();
    console.log(`# extension-host suite in ${ms(t0)}`);
    assert.equal(code, 0, output);
    assert.match(output, /2 passing/, output);
    const after = JSON.parse(fs.readFileSync(userSettings, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(after['terminal.integrated.commandsToSkipShell'], [
      '-workbench.action.quickOpen',
      'voxnote.pushToTalk',
      'voxnote.toggleDictation',
      'voxnote.dictateAndSend',
    ]);
  });
});
