/**
 * Dictation with a sherpa-onnx model selected, in a REAL VS Code (code-server +
 * headless Chromium): the extension loaded from this source tree (its dist/ and
 * node_modules; test/scripts/packagedSherpa.test.ts runs the .vsix's sherpa-onnx), voxnote.model.path on
 * the streaming sherpa tone model, tone speech played into the virtual
 * microphone, the words at the cursor. voxnote.twoPass.model names an offline
 * model but no speed was measured, so `auto` keeps two-pass off and the log says
 * why (test/vscode/twoPassDictation.test.ts runs it on). One code-server for the file.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mappedFiles, workers } from '../support/processes';
import type { VirtualAudio } from '../support/pulse';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { openAudioWorkbench, startDictationAtEnd, type AudioWorkbench } from './audioWorkbench';
import { PROJECT_ROOT, type CodeServer, type Workbench } from './harness';
import { fileIs, voxnoteLog, waitForItem, waitUntil } from './workbenchUi';

const NOTES = 'Meeting notes:\n';

describe('dictation with a sherpa-onnx model in a real VS Code (code-server)', () => {
  let audio: VirtualAudio;
  let server: CodeServer;
  let wb: Workbench;
  let notes: string;
  let bench: AudioWorkbench | undefined;

  before(async () => {
    bench = await openAudioWorkbench('sherpa-dictation', () => ({
      files: { 'notes.txt': NOTES },
      machineSettings: { 'voxnote.model.path': sherpaModel('streaming') },
      // A final model but no speed measured: `auto` keeps two-pass off (user scope: a workspace cannot name the model).
      settings: { 'voxnote.twoPass.model': sherpaModel('offline', { vad: false }) },
    }));
    ({ audio, server, wb } = bench);
    notes = path.join(bench.workspace, 'notes.txt');
  });

  after(async () => {
    await bench?.dispose();
  });

  it('Start Dictation: partials in the status bar, finals split at the pause inserted at the cursor', async () => {
    const page = wb.page;
    const status = await startDictationAtEnd(wb, 'notes.txt');
    const [worker] = workers().filter((p) => p.argv.includes(path.join(PROJECT_ROOT, 'dist', 'worker.js')) && mappedFiles(p.pid).some((f) => f.endsWith('sherpa-onnx.node')));
    assert.ok(worker, 'a worker of this extension has sherpa-onnx loaded');

    const spoken = audio.play('mic', sherpaToneWav([0.3, 'yes', 0.3, 'no', 2, 'open', 0.3, 'file', 1.6], 48000).path);
    await waitForItem(status, /yes/, 10_000);
    await spoken;
    await waitForItem(status, /Listening/);
    await page.keyboard.press('Control+S');
    await fileIs(notes, `${NOTES}Yes no open file`);
    await wb.runCommand('Voxnote: Stop Dictation');
    await waitUntil('the Voxnote log says why two-pass is off', () => voxnoteLog(server.userDataDir).includes('Two-pass stays off until Voxnote: Test Model Speed has measured sherpa-tone-streaming and sherpa-tone-offline on this machine.'));
  });
});
