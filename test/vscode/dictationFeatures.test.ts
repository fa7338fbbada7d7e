/**
 * Dictation features that need a REAL VS Code to be seen, in one code-server
 * (installed from the .vsix, tone speech into a virtual microphone, real
 * libvosk, tone model), checked as a person sees them: the status bar, the
 * editor's text and ghost text, the terminal's line, the quick pick.
 * - preload: a warm worker with the model before any command, which then dictates;
 * - ghost text at every cursor while speaking, replaced by the final;
 * - "scratch that" twice removes two utterances (the tone model has no words
 *   "scratch that": voxnote.format.commands gives the scratch command the phrase
 *   "save save", the way a user renames it);
 * - Escape, with voxnote.escape.action "discard", drops the utterance in progress and stops;
 * - push-to-talk: listening while the key is held, stopping on release;
 * - dictation into a terminal types the words and runs nothing;
 * - Select Microphone lists the devices and dictation then hears the chosen one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { mappedFiles, workers } from '../support/processes';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';
import { toneWav } from '../support/worker';
import { installedVoxnote, packageVoxnote, prerequisites, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, fileIs, ghostTexts, itemText, runPickCommand, voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

const FILES = { ghost: 'Alpha.\nBravo.', scratch: '', escape: '', hold: '', mic: '' };
/** A second microphone, added to the virtual sound server for Select Microphone. */
const SECOND_MIC = { feed: 'mic2feed', source: 'secondmic', description: 'SecondMic' };
const IDLE = /^Voxnote$/;
const LISTENING = /^Listening/;

/** The text rows of the visible terminal (DOM renderer: terminal.integrated.gpuAcceleration is off). */
async function terminalRows(page: Page): Promise<string[]> {
  const text = await page.locator('.terminal-wrapper .xterm-rows').first().innerText({ timeout: 2000 }).catch(() => '');
  return text.split('\n').map((l) => l.replace(/\u00a0/g, ' ').trimEnd());
}

describe('dictation features in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let workspace: string;
  let extDir: string;
  let wb: Workbench;
  let page: Page;
  /** The worker started at activation by voxnote.preloadModel. */
  let warmPid: number;
  const status = () => voxnoteStatusItem(page, 'voxnote.status');
  const speak = (items: Array<string | number>) => audio.play('mic', toneWav(items, { sampleRate: 48000 }).path);
  const ourWorkers = () => workers().filter((p) => p.argv.some((a) => a.startsWith(extDir + path.sep)));
  const file = (name: keyof typeof FILES) => path.join(workspace, `${name}.txt`);

  /** Records each text the status bar item shows until stopped. */
  function watchStatus(): { stop(): Promise<string[]> } {
    const seen: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const text = await itemText(status());
        if (seen[seen.length - 1] !== text) seen.push(text);
        await sleep(40);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        // What it shows now, which the last poll may have missed.
        const text = await itemText(status());
        if (seen[seen.length - 1] !== text) seen.push(text);
        return seen;
      },
    };
  }

  async function openEditor(name: keyof typeof FILES): Promise<void> {
    await wb.openFile(`${name}.txt`);
    await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
  }

  async function saved(name: keyof typeof FILES, expected: string): Promise<void> {
    await page.keyboard.press('Control+S');
    await fileIs(file(name), expected);
  }

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-features-'));
    audio = await startVirtualAudio(tmp);
    await run('pactl', ['load-module', 'module-null-sink', `sink_name=${SECOND_MIC.feed}`, 'rate=48000']);
    await run('pactl', [
      'load-module',
      'module-remap-source',
      `master=${SECOND_MIC.feed}.monitor`,
      `source_name=${SECOND_MIC.source}`,
      `source_properties=device.description=${SECOND_MIC.description}`,
    ]);
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(workspace, `${name}.txt`), text);

    const vsix = await packageVoxnote(tmp);
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': model },
      settings: {
        'voxnote.preloadModel': true,
        'voxnote.format.commands': { 'save save': '{scratch}' },
        // The person chose that Escape discards (the default keeps the utterance: test/vscode/targets.test.ts).
        'voxnote.escape.action': 'discard',
        // The terminal keeps these keys from the shell (terminal.integrated.commandsToSkipShell, as a user sets it).
        'terminal.integrated.commandsToSkipShell': ['voxnote.toggleDictation', 'voxnote.pushToTalk', 'voxnote.cancelDictation'],
        'terminal.integrated.gpuAcceleration': 'off',
        'files.autoSave': 'off',
      },
      vsix: [vsix],
      tmpParent: tmp,
    });
    extDir = installedVoxnote(server);
    wb = await server.openWorkbench({ folder: workspace });
    page = wb.page;
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('preload: a worker has loaded the engine before any command', async () => {
    const worker = await waitUntil('the warm worker', async () => ourWorkers()[0]);
    await waitUntil('libvosk in the warm worker', async () => mappedFiles(worker.pid).includes(path.join(extDir, 'dist/native/libvosk.so')));
    assert.match(await itemText(status()), IDLE, 'the status bar stays idle: nothing is listening');
    warmPid = worker.pid;
  });

  it('ghost text at every cursor while speaking; the final replaces it at each', async () => {
    const t0 = performance.now();
    await openEditor('ghost');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await wb.runCommand('Add Cursor Below');
    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(status(), LISTENING);
    assert.deepEqual(ourWorkers().map((w) => w.pid), [warmPid], 'the warm worker dictates; no other was started');

    const spoken = speak([0.3, 'yes', 0.35, 'open', 0.35, 'run', 0.35, 'close', 1.2]);
    await waitForItem(status(), /^yes open/);
    const ghosts = await waitUntil('ghost text', async () => {
      const g = await ghostTexts(page);
      return g.length === 2 && g.every((t) => /^ yes open/.test(t)) && g;
    }, 5_000).catch(async () => assert.fail(`ghost text at both cursors; shown: ${JSON.stringify(await ghostTexts(page))}`));
    assert.equal(ghosts[0], ghosts[1], 'the same partial at both cursors');
    await spoken;
    await saved('ghost', 'Alpha. Yes open run close\nBravo. Yes open run close');
    assert.deepEqual(await ghostTexts(page), [], 'the ghost text is gone once the words are in');
    await wb.runCommand('Voxnote: Stop Dictation');
    await waitForItem(status(), IDLE);
    console.log(`# ghost text at two cursors in ${ms(t0)}`);
  });

  it('"scratch that" twice removes the last two utterances', async () => {
    const t0 = performance.now();
    await openEditor('scratch');
    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(status(), LISTENING);
    await speak([0.3, 'yes', 0.35, 'open', 1.2]);
    await saved('scratch', 'Yes open');
    await speak([0.3, 'run', 0.35, 'close', 1.2]);
    await saved('scratch', 'Yes open run close');
    await speak([0.3, 'save', 0.35, 'save', 1.2]);
    await saved('scratch', 'Yes open');
    await speak([0.3, 'save', 0.35, 'save', 1.2]);
    await saved('scratch', '');
    await wb.runCommand('Voxnote: Stop Dictation');
    await waitForItem(status(), IDLE);
    console.log(`# scratch that twice in ${ms(t0)}`);
  });

  it('Escape, set to discard, drops the utterance in progress and stops dictation', async () => {
    const t0 = performance.now();
    await openEditor('escape');
    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(status(), LISTENING);
    const spoken = speak([0.3, 'no', 0.35, 'save', 0.35, 'run', 0.35, 'close', 0.35, 'file', 1.0]);
    await waitForItem(status(), /^no save/);
    await page.keyboard.press('Escape');
    await waitForItem(status(), IDLE, 5_000);
    assert.deepEqual(await ghostTexts(page), [], 'no ghost text after Escape');
    await spoken;
    await sleep(1500);
    await saved('escape', '');
    console.log(`# Escape in ${ms(t0)}`);
  });

  it('push-to-talk: listens while the key is held and stops when it is released', async () => {
    const t0 = performance.now();
    await openEditor('hold');
    const watch = watchStatus();
    // A held key: one keydown, then the OS's repeats (every 33 ms here) until the release.
    await page.keyboard.down('Control');
    await page.keyboard.down('Alt');
    let holding = true;
    const repeats = (async () => {
      while (holding) {
        await page.keyboard.down('Space');
        await sleep(33);
      }
    })();
    try {
      await waitForItem(status(), LISTENING, 10_000);
      await speak([0.3, 'yes', 0.35, 'run', 0.6]);
      await sleep(300);
    } finally {
      holding = false;
      await repeats;
      await page.keyboard.up('Space');
      await page.keyboard.up('Alt');
      await page.keyboard.up('Control');
    }
    const released = performance.now();
    await waitForItem(status(), IDLE, 10_000);
    console.log(`# idle ${ms(released)} after the release`);
    const seen = await watch.stop();
    await saved('hold', 'Yes run');
    // Over time: listening (and the partial) for the whole hold, idle only after the release.
    const listening = seen.findIndex((t) => LISTENING.test(t));
    assert.ok(listening >= 0, `the status bar showed Listening…: ${JSON.stringify(seen)}`);
    const lastIdle = seen.length - 1;
    assert.match(seen[lastIdle], IDLE);
    assert.ok(seen.slice(listening, lastIdle).every((t) => !IDLE.test(t)), `never idle while the key was held: ${JSON.stringify(seen)}`);
    assert.ok(seen.slice(listening, lastIdle).some((t) => /^yes/.test(t)), `the partial while holding: ${JSON.stringify(seen)}`);
    console.log(`# push-to-talk hold in ${ms(t0)}`);
  });

  it('dictation into a terminal types the words at the prompt and runs nothing', async () => {
    const t0 = performance.now();
    await wb.runCommand('Terminal: Create New Terminal');
    const prompt = await waitUntil('the shell prompt', async () => (await terminalRows(page)).filter(Boolean).length > 0 && terminalRows(page));
    await page.locator('.terminal-wrapper .xterm').first().click();
    await page.keyboard.press('Control+Alt+Shift+Space');
    await waitForItem(status(), LISTENING);
    await speak([0.3, 'yes', 0.35, 'open', 1.2]);
    await waitUntil('the words in the terminal', async () => (await terminalRows(page)).some((l) => l.endsWith('Yes open')));
    await page.keyboard.press('Control+Alt+Shift+Space');
    await waitForItem(status(), IDLE);
    await sleep(500);
    const after = (await terminalRows(page)).filter(Boolean);
    const typed = after.findIndex((l) => l.endsWith('Yes open'));
    assert.equal(typed, after.length - 1, `nothing ran: the typed line is the last one\nbefore: ${prompt.join('\n')}\nnow: ${after.join('\n')}`);
    assert.ok(!after.some((l) => /not found/.test(l)), after.join('\n'));
    console.log(`# terminal dictation in ${ms(t0)}`);
  });

  it('Select Microphone lists the devices, and dictation then hears the chosen one', async () => {
    const t0 = performance.now();
    await openEditor('mic');
    await runPickCommand(page, 'Voxnote: Select Microphone', 'Select Microphone');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: SECOND_MIC.description }).first().waitFor({ timeout: 15_000 });
    const offered = await rows.allInnerTexts();
    assert.ok(offered.some((r) => r.includes('VirtualMic')), `the default microphone is offered: ${offered.join(' | ')}`);
    assert.ok(offered.some((r) => r.includes('System default')), offered.join(' | '));
    await choose(page, SECOND_MIC.description);

    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(status(), LISTENING);
    // The default microphone is not heard any more; the chosen one is.
    await speak([0.3, 'no', 1.0]);
    const wav = toneWav([0.3, 'run', 0.35, 'yes', 1.2], { sampleRate: 48000 }).path;
    await run('paplay', ['-d', SECOND_MIC.feed, wav]);
    await saved('mic', 'Run yes');
    await wb.runCommand('Voxnote: Stop Dictation');
    await waitForItem(status(), IDLE);
    console.log(`# Select Microphone in ${ms(t0)}`);
  });
});
