/**
 * Restricted Mode in a REAL VS Code (code-server + headless Chromium), Voxnote
 * installed from its .vsix: a folder nobody trusted whose .vscode/settings.json
 * names a model folder and a notes folder outside the workspace. Neither is
 * used: dictation works with the user's own model, and meeting notes go to the
 * default folder inside the workspace. One code-server for the file.
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
import { packageVoxnote, prerequisites, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, fileIs, runPickCommand, voxnoteStatusItem, waitForItem } from './workbenchUi';

const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

describe('Restricted Mode: the workspace cannot choose the model or write outside itself', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let wb: Workbench;
  let page: Page;
  let workspace: string;
  let outsideNotes: string;
  let decoyModel: string;

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-restricted-'));
    audio = await startVirtualAudio(tmp);
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    // What a hostile repository could name: a folder libvosk would be made to parse, a folder to write into.
    decoyModel = path.join(tmp, 'repo-model');
    fs.mkdirSync(path.join(decoyModel, 'am'), { recursive: true });
    fs.writeFileSync(path.join(decoyModel, 'am', 'final.mdl'), 'not a model');
    outsideNotes = path.join(tmp, 'outside-notes');
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'voxnote.model.path': decoyModel, 'voxnote.notes.folder': outsideNotes, 'voxnote.format.commands': { yes: 'PWNED' } }, null, 2),
    );
    fs.writeFileSync(path.join(workspace, 'notes.txt'), '');

    const t0 = performance.now();
    const vsix = await packageVoxnote(tmp);
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': model }, // the user's own model (machine-overridable)
      vsix: [vsix],
      tmpParent: tmp,
      workspaceTrust: true,
    });
    wb = await server.openWorkbench({ folder: workspace });
    page = wb.page;
    console.log(`# package + code-server + workbench in ${ms(t0)}`);
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the folder is open in Restricted Mode', async () => {
    await wb.waitReady();
    await page.getByText('Restricted Mode', { exact: false }).first().waitFor({ timeout: 20_000 });
  });

  it('dictation uses the user\'s model and ignores the workspace\'s phrase commands', async () => {
    const t0 = performance.now();
    await wb.openFile('notes.txt');
    await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(voxnoteStatusItem(page, 'voxnote.status'), /Listening/);
    await audio.play('mic', toneWav([0.3, 'yes', 0.35, 'open', 1.2], { sampleRate: 48000 }).path);
    await page.locator('.view-lines', { hasText: 'Yes open' }).waitFor({ timeout: 20_000 });
    await wb.runCommand('Voxnote: Stop Dictation');
    await page.keyboard.press('Control+S');
    await fileIs(path.join(workspace, 'notes.txt'), 'Yes open');
    console.log(`# dictated with the user's model in ${ms(t0)}`);
  });

  it('meeting notes go to the workspace\'s notes folder, not the one its settings name outside it', async () => {
    const t0 = performance.now();
    const item = voxnoteStatusItem(page, 'voxnote.meeting');
    await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
    await choose(page, 'Microphone only');
    await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me$/);
    await audio.play('mic', toneWav([0.3, 'run', 0.35, 'file', 1.5], { sampleRate: 48000 }).path);
    const inside = path.join(workspace, 'notes');
    const written = async (): Promise<string | undefined> => {
      for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        const md = fs.existsSync(inside) ? fs.readdirSync(inside).find((f) => f.endsWith('.md')) : undefined;
        if (md && /\*\*Me:\*\* Run file\./.test(fs.readFileSync(path.join(inside, md), 'utf8'))) return md;
      }
      return undefined;
    };
    const md = await written();
    await wb.runCommand('Voxnote: Stop Meeting Notes');
    await waitForItem(item, /^$/);
    assert.ok(md, `notes in ${inside}: ${fs.existsSync(inside) ? fs.readdirSync(inside).join(', ') : 'no folder'}`);
    assert.equal(fs.existsSync(outsideNotes), false, 'nothing was written to the folder the workspace named outside it');
    console.log(`# meeting notes inside the workspace in ${ms(t0)}`);
  });
});
