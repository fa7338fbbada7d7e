/**
 * Dictation into every input of a REAL VS Code (code-server), installed from its
 * .vsix, with real keys and tone speech from the virtual microphone (one
 * code-server for the file, one workbench):
 * - the Source Control commit box of a git repository: Voxnote's keys work there
 *   and the words go to it as a subject line; the palette's Start Dictation from
 *   the commit box goes there too, not into the open file;
 * - a focus change mid-utterance: the words are kept (panel), not typed where the focus went;
 * - a test extension's webview input: the keys work there; a browser lets no
 *   script paste into a webview's frame, so the words wait on the clipboard for Ctrl+V;
 * - a terminal running a stand-in agent that logs every byte: nothing submitted
 *   without the send phrase; the send phrase gives Enter and is never typed;
 * - voice commands: a built-in ("save file") and a user-defined one during
 *   dictation; Listen for a Command never types;
 * - Escape: collapses multiple cursors without stopping dictation; then stops it
 *   and the utterance under way still goes in;
 * - the transcript panel's Start: into the editor active before the panel (issue 15, item 6);
 * - the chat input: whether this workbench has one without an AI provider (printed).
 * Tone words: yes no open close file save run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';
import { toneWav } from '../support/worker';
import { prerequisites, packageVoxnote, startCodeServer, type CodeServer, type Workbench } from './harness';
import { voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const SEND = 'close run';

/** A webview with one text input; what it holds is written to a file on every change. */
function writeProbeExtension(dir: string, out: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'webview-probe',
      publisher: 'test',
      version: '0.0.1',
      engines: { vscode: '^1.90.0' },
      main: './extension.js',
      activationEvents: ['onCommand:probe.openInput'],
      contributes: { commands: [{ command: 'probe.openInput', title: 'Probe: Open Webview Input' }] },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    `const vscode = require('vscode'); const fs = require('fs');
exports.activate = (context) => context.subscriptions.push(vscode.commands.registerCommand('probe.openInput', () => {
  const panel = vscode.window.createWebviewPanel('probe.input', 'Probe Input', vscode.ViewColumn.Active, { enableScripts: true });
  panel.webview.html = '<!DOCTYPE html><html><body><input id="box" style="width:90%"><script>const vscode = acquireVsCodeApi(); const box = document.getElementById("box"); box.addEventListener("input", () => vscode.postMessage(box.value));</script></body></html>';
  panel.webview.onDidReceiveMessage((value) => fs.writeFileSync(${JSON.stringify(out)}, value));
}));`,
  );
}

describe('Voxnote dictates into the focused input: commit box, webview, terminal agent; voice commands; Escape (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let workspace: string;
  let agentLog: string;
  let webviewValue: string;
  let probe: string;
  const speak = (items: Array<string | number>) => audio.play('mic', toneWav(items, { sampleRate: 48000 }).path);
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '');

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-targets-'));
    audio = await startVirtualAudio(tmp);
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    workspace = path.join(tmp, 'repo');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'first line\nsecond line\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, stdio: 'ignore' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(workspace, 'notes.txt'), 'changed\n');
    agentLog = path.join(tmp, 'agent-received.bin');
    webviewValue = path.join(tmp, 'webview-value.txt');
    probe = path.join(tmp, 'probe');
    writeProbeExtension(probe, webviewValue);
    // The stand-in agent: raw mode, every byte it receives logged.
    const terminal = {
      'terminal.integrated.profiles.linux': { agent: { path: '/bin/sh', args: ['-c', `stty raw -echo; exec cat > '${agentLog}'`] } },
      'terminal.integrated.defaultProfile.linux': 'agent',
      'terminal.integrated.shellIntegration.enabled': false,
    };
    const vsix = await packageVoxnote(tmp);
    const t0 = performance.now();
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': model, ...terminal },
      settings: {
        ...terminal,
        'git.enabled': true,
        'files.autoSave': 'off',
        'voxnote.sendPhrase': SEND,
        'voxnote.voiceCommands': { 'no no': 'workbench.action.closeActiveEditor' },
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
    const commitBox = () => page.locator('.scm-editor .monaco-editor').first();
    const commitText = async () => (await page.locator('.scm-editor .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ').trim();
    const notesEditor = () => page.locator('.monaco-editor[data-uri$="notes.txt"]:visible').first();
    const editorText = async () => (await notesEditor().locator('.view-lines').innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    const toggle = () => page.keyboard.press('Control+Alt+Shift+Space');
    const stopped = () => waitForItem(status(), /^Voxnote$/, 10_000);

    before(async () => {
      wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: probe });
      page = wb.page;
      await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
      await wb.waitReady();
      await wb.openFile('notes.txt');
      await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
    });
    after(async () => {
      await wb?.dispose();
    });

    async function focusCommitBox(): Promise<void> {
      await page.keyboard.press('Control+Shift+G');
      await commitBox().waitFor({ state: 'visible', timeout: 20_000 });
      await commitBox().click();
      await page.locator('.scm-editor .monaco-editor.focused').waitFor({ timeout: 5_000 });
    }

    it('the toggle key in the commit box: the words go there as a subject line, and the status bar names it', async () => {
      const t0 = performance.now();
      await focusCommitBox();
      const before = await editorText();
      await toggle();
      const shown = await waitForItem(status(), /Listening/);
      await speak([0.3, 'yes', 0.35, 'open', 0.35, 'file', 1.2]);
      await waitUntil('the words in the commit box', async () => (await commitText()).includes('file'));
      await toggle();
      await stopped();
      assert.equal(await commitText(), 'Yes open file');
      assert.equal(await editorText(), before, 'the open file was not touched');
      assert.match(shown, /commit message/, 'the status bar names the target');
      console.log(`# commit box by key in ${ms(t0)}`);
    });

    it("the palette's Start Dictation from the commit box dictates there, not into the open file", async () => {
      const t0 = performance.now();
      await focusCommitBox();
      await page.keyboard.press('End');
      const before = await editorText();
      await wb.runCommand('Voxnote: Start Dictation');
      await waitForItem(status(), /Listening/);
      await speak([0.3, 'no', 0.35, 'close', 1.2]);
      await waitUntil('the words in the commit box', async () => (await commitText()).includes('close'));
      await wb.runCommand('Voxnote: Stop Dictation');
      await stopped();
      assert.equal(await commitText(), 'Yes open file no close');
      assert.equal(await editorText(), before);
      console.log(`# commit box from the palette in ${ms(t0)}`);
    });

    it('the focus moves to the editor mid-utterance: the words are kept in the panel, typed nowhere', async () => {
      const t0 = performance.now();
      await focusCommitBox();
      const commitBefore = await commitText();
      await toggle();
      await waitForItem(status(), /Listening/);
      const spoken = speak([0.3, 'save', 0.35, 'open', 0.35, 'run', 1.5]);
      await waitForItem(status(), /save/);
      await notesEditor().locator('.view-lines').click();
      const editorBefore = await editorText();
      await spoken;
      await sleep(1500);
      await toggle();
      await stopped();
      assert.equal(await commitText(), commitBefore, 'nothing more in the commit box');
      assert.equal(await editorText(), editorBefore, 'nothing typed where the focus went');
      await wb.runCommand('Voxnote: Show Transcript');
      const panel = await wb.findWebviewFrame('#utterances');
      const kept = panel.locator('#utterances li.undelivered span');
      await kept.first().waitFor({ timeout: 10_000 });
      assert.match((await kept.allInnerTexts()).join('|'), /Save open run/);
      console.log(`# focus change mid-utterance in ${ms(t0)}`);
    });

    it("a webview's input: its keys work there; in a browser the words wait on the clipboard for Ctrl+V (no script may paste into a frame)", async () => {
      const t0 = performance.now();
      await wb.runCommand('Probe: Open Webview Input');
      const frame: Frame = await wb.findWebviewFrame('#box');
      await frame.locator('#box').click();
      await toggle();
      const shown = await waitForItem(status(), /Listening/);
      assert.match(shown, /Probe Input/, 'the status bar names the webview');
      await speak([0.3, 'yes', 0.35, 'save', 1.2]);
      await waitUntil('the words on the clipboard', async () => (await page.evaluate('navigator.clipboard.readText()')) === 'Yes save');
      await toggle();
      await stopped();
      assert.equal(read(webviewValue), '', 'nothing was typed by a script');
      await frame.locator('#box').click();
      await page.keyboard.press('Control+V');
      await waitUntil('the words in the webview input after Ctrl+V', () => read(webviewValue) === 'Yes save', 5_000);
      await page.keyboard.press('Control+W');
      console.log(`# webview input in ${ms(t0)}`);
    });

    it('a terminal agent: nothing submitted without the send phrase; the phrase gives Enter and is never typed', async () => {
      const t0 = performance.now();
      await wb.runCommand('Terminal: Create New Terminal');
      await waitUntil('the agent to start', () => fs.existsSync(agentLog));
      await page.locator('.terminal-wrapper.active, .xterm').first().waitFor();
      await sleep(500);
      await toggle();
      const shown = await waitForItem(status(), /Listening/);
      assert.match(shown, /terminal/, 'the status bar names the terminal');
      await speak([0.3, 'yes', 0.35, 'open', 1.2]);
      await waitUntil('the first words at the agent', () => read(agentLog).includes('open')).catch(async (e: Error) => {
        throw new Error(`${e.message}; status ${await status().innerText()}; agent got ${JSON.stringify(read(agentLog))}`);
      });
      assert.doesNotMatch(read(agentLog), CONTROL, 'not submitted');
      await speak([0.3, 'file', 0.35, 'close', 0.35, 'run', 1.2]);
      await waitUntil('Enter at the agent', () => read(agentLog).includes('\r'));
      await toggle();
      await stopped();
      assert.equal(read(agentLog), 'Yes open file\r');
      console.log(`# terminal agent in ${ms(t0)}`);
    });

    it('voice commands during dictation: "save file" saves and types nothing; a user phrase runs its command', async () => {
      const t0 = performance.now();
      await wb.openFile('notes.txt');
      await page.locator('.editor-instance .monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('typed');
      const file = path.join(workspace, 'notes.txt');
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /typed/);
      await toggle();
      await waitForItem(status(), /Listening/);
      await speak([0.3, 'save', 0.35, 'file', 1.2]);
      await waitUntil('the file saved', () => fs.readFileSync(file, 'utf8').includes('typed'));
      assert.equal(fs.readFileSync(file, 'utf8'), 'first line\nsecond line\nchanged\ntyped', 'saved, and "save file" not typed');
      await speak([0.3, 'no', 0.35, 'no', 1.2]);
      await waitUntil('the editor closed', async () => !(await page.locator('.tab', { hasText: 'notes.txt' }).count()));
      await toggle();
      await stopped();
      assert.equal(fs.readFileSync(file, 'utf8'), 'first line\nsecond line\nchanged\ntyped');
      console.log(`# voice commands in ${ms(t0)}`);
    });

    it('Listen for a Command: a command runs, anything else is never typed', async () => {
      const t0 = performance.now();
      await wb.openFile('notes.txt');
      await page.locator('.editor-instance .monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+End');
      await page.keyboard.type(' more');
      const file = path.join(workspace, 'notes.txt');
      await wb.runCommand('Voxnote: Listen for a Command');
      await page.locator('[id="voxnote.voxnote.voxnote.command"]').waitFor({ timeout: 20_000 });
      await speak([0.3, 'yes', 0.35, 'open', 1.5]);
      await page.locator('.statusbar-item', { hasText: 'is not a voice command' }).waitFor({ timeout: 15_000 });
      assert.doesNotMatch(await editorText(), /open/i, 'nothing typed');
      await page.locator('[id="voxnote.voxnote.voxnote.command"]').waitFor({ state: 'hidden', timeout: 10_000 });
      await sleep(1000);
      await page.keyboard.press('Control+Alt+Shift+Enter');
      await page.locator('[id="voxnote.voxnote.voxnote.command"]').waitFor({ timeout: 20_000 });
      await speak([0.3, 'save', 0.35, 'file', 1.5]);
      await waitUntil('the file saved by the command', () => fs.readFileSync(file, 'utf8').endsWith(' more')).catch(async (e: Error) => {
        throw new Error(`${e.message}; the file holds ${JSON.stringify(fs.readFileSync(file, 'utf8'))}; status bar: ${await page.locator('.statusbar').innerText()}`);
      });
      assert.doesNotMatch(await editorText(), /save/i, 'nothing typed');
      console.log(`# command mode in ${ms(t0)}`);
    });

    it('Escape: collapses multiple cursors without stopping; then stops, and the utterance under way still goes in', async () => {
      const t0 = performance.now();
      await page.locator('.editor-instance .monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await toggle();
      await waitForItem(status(), /Listening/);
      const selections = page.locator('.statusbar-item', { hasText: /\d+ selections/ });
      await page.keyboard.press('Shift+Alt+ArrowUp'); // a second cursor
      await selections.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Escape');
      await selections.waitFor({ state: 'detached', timeout: 5_000 });
      assert.match(await status().innerText(), /Listening/, 'and dictation goes on');
      const spoken = speak([0.3, 'yes', 0.35, 'close', 0.35, 'file', 2]);
      await waitForItem(status(), /close/);
      await page.keyboard.press('Escape');
      await spoken;
      await stopped();
      await waitUntil('the utterance under way in the editor', async () => /Yes close/.test(await editorText()), 10_000).catch(async (e: Error) => {
        throw new Error(`${e.message}; the editor shows ${JSON.stringify(await editorText())}, the file ${JSON.stringify(fs.readFileSync(path.join(workspace, 'notes.txt'), 'utf8'))}`);
      });
      console.log(`# Escape in ${ms(t0)}`);
    });

    it("the transcript panel's Start dictates into the editor that was active before the panel took the focus", async () => {
      const t0 = performance.now();
      await wb.openFile('notes.txt');
      await page.locator('.editor-instance .monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await wb.runCommand('Voxnote: Show Transcript');
      const panel = await wb.findWebviewFrame('#toggle');
      await panel.locator('#toggle').click();
      const shown = await waitForItem(status(), /Listening/);
      assert.match(shown, /notes\.txt/, 'the status bar names the editor');
      await speak([0.3, 'no', 0.35, 'open', 1.2]);
      const delivered = panel.locator('#utterances li:not(.undelivered)', { hasText: 'No open' });
      await delivered.waitFor({ timeout: 20_000 }).catch(async (e: Error) => {
        throw new Error(`${e.message}; the panel shows ${JSON.stringify(await panel.locator('#utterances').innerText())}`);
      });
      await panel.locator('#toggle').click();
      await stopped();
      await notesEditor().locator('.view-lines').click();
      await page.keyboard.press('Control+S');
      await waitUntil('the words in notes.txt on disk', () => /\nNo open$/.test(fs.readFileSync(path.join(workspace, 'notes.txt'), 'utf8'))).catch((e: Error) => {
        throw new Error(`${e.message}; the file holds ${JSON.stringify(fs.readFileSync(path.join(workspace, 'notes.txt'), 'utf8'))}`);
      });
      console.log(`# the panel's Start in ${ms(t0)}`);
    });

    it('the chat input: does this workbench have one without an AI provider? (printed, not asserted)', async () => {
      await wb.runCommand('View: Toggle Chat').catch(() => undefined);
      await sleep(1500);
      const chatInputs = await page.locator('.interactive-input-part .monaco-editor').count();
      console.log(`# chat input editors in this workbench (chat.disableAIFeatures true): ${chatInputs}`);
    });
  });
});
