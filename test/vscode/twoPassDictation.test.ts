/**
 * Two-pass dictation in a REAL VS Code (code-server + headless Chromium): the
 * streaming sherpa tone model is the dictation model; voxnote.twoPass.model (a
 * user setting) is an offline tone model with another word table
 * (FRENCH_TOKENS: it decodes "yes no" as "oui non"), so each text says which
 * model made it. While the person speaks the status bar shows the streaming
 * model's words; the document gets the offline model's. One code-server for the file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { FRENCH_TOKENS } from '../support/sherpaToneModel';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { prerequisites, PROJECT_ROOT, startCodeServer, type CodeServer, type Workbench } from './harness';
import { fileIs, ghostTexts, itemText, voxnoteLog, voxnoteStatusItem, waitForItem } from './workbenchUi';

const NOTES = 'Notes:\n';

describe('two-pass dictation in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let wb: Workbench;
  let notes: string;

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-twopass-'));
    audio = await startVirtualAudio(tmp);
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    notes = path.join(workspace, 'notes.txt');
    fs.writeFileSync(notes, NOTES);
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': sherpaModel('streaming') },
      // User scope: a workspace cannot name the final model.
      settings: { 'voxnote.twoPass.enabled': 'on', 'voxnote.twoPass.model': sherpaModel('offline', { tokenNames: FRENCH_TOKENS, vad: false }) },
      tmpParent: tmp,
    });
    wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: PROJECT_ROOT });
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("the streaming model's words show while speaking; the offline model's final replaces them in the document", async () => {
    const page = wb.page;
    const status = voxnoteStatusItem(page, 'voxnote.status');
    await wb.openFile('notes.txt');
    await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
    await page.keyboard.press('Control+End');
    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(status, /Listening/);
    const shown = new Set<string>();
    let speaking = true;
    const ghosts = new Set<string>();
    const watch = (async () => {
      while (speaking) {
        shown.add(await itemText(status));
        for (const g of await ghostTexts(page)) ghosts.add(g);
      }
    })();
    await audio.play('mic', sherpaToneWav([0.3, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 1.6], 48000).path);
    await waitForItem(status, /Listening/);
    speaking = false;
    await watch;
    await page.keyboard.press('Control+S');
    await fileIs(notes, `${NOTES}Oui non ouvrir fichier`);
    await wb.runCommand('Voxnote: Stop Dictation');
    // While speaking: the streaming model's words, and never the offline model's.
    const partials = [...shown].filter((t) => !/Listening|Voxnote/.test(t));
    assert.ok(partials.some((t) => /yes no/.test(t)) && partials.some((t) => /open file/.test(t)), JSON.stringify(partials));
    assert.ok(!partials.some((t) => /oui|ouvrir/.test(t)), JSON.stringify(partials));
    // The same at the cursor: ghost text of the streaming model's words, replaced by the final.
    assert.ok([...ghosts].some((g) => /yes no/.test(g)) && ![...ghosts].some((g) => /oui|ouvrir/.test(g)), JSON.stringify([...ghosts]));
    assert.match(voxnoteLog(server.userDataDir), /Two-pass on \(voxnote\.twoPass\.enabled\): sherpa-tone-streaming for partials, sherpa-tone-offline for finals/);
  });
});
