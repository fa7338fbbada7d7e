/**
 * Two-pass dictation in a REAL VS Code (code-server + headless Chromium): the
 * streaming sherpa tone model is the dictation model; voxnote.twoPass.model (a
 * user setting) is an offline tone model with another word table
 * (FRENCH_TOKENS: it decodes "yes no" as "oui non"), so each text says which
 * model made it. While the person speaks the status bar shows the streaming
 * model's words; the document gets the offline model's. One code-server for the file.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VirtualAudio } from '../support/pulse';
import { FRENCH_TOKENS } from '../support/sherpaToneModel';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { openAudioWorkbench, startDictationAtEnd, type AudioWorkbench } from './audioWorkbench';
import type { CodeServer, Workbench } from './harness';
import { fileIs, ghostTexts, itemText, voxnoteLog, waitForItem } from './workbenchUi';

const NOTES = 'Notes:\n';

describe('two-pass dictation in a real VS Code (code-server)', () => {
  let audio: VirtualAudio;
  let server: CodeServer;
  let wb: Workbench;
  let notes: string;
  let bench: AudioWorkbench | undefined;

  before(async () => {
    bench = await openAudioWorkbench('twopass', () => ({
      files: { 'notes.txt': NOTES },
      machineSettings: { 'voxnote.model.path': sherpaModel('streaming') },
      // User scope: a workspace cannot name the final model.
      settings: { 'voxnote.twoPass.enabled': 'on', 'voxnote.twoPass.model': sherpaModel('offline', { tokenNames: FRENCH_TOKENS, vad: false }) },
    }));
    ({ audio, server, wb } = bench);
    notes = path.join(bench.workspace, 'notes.txt');
  });

  after(async () => {
    await bench?.dispose();
  });

  it("the streaming model's words show while speaking; the offline model's final replaces them in the document", async () => {
    const page = wb.page;
    const status = await startDictationAtEnd(wb, 'notes.txt');
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
