/**
 * The set-up a workbench test file with live audio shares: a temp folder, a
 * private PulseAudio (virtual microphone and monitor), a workspace folder, one
 * code-server reaching that PulseAudio, and a workbench on the workspace;
 * dispose() ends them all in reverse order.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { prerequisites, PROJECT_ROOT, startCodeServer, type CodeServer, type CodeServerOptions, type Workbench } from './harness';
import { voxnoteStatusItem, waitForItem } from './workbenchUi';

export interface AudioWorkbench {
  tmp: string;
  workspace: string;
  audio: VirtualAudio;
  server: CodeServer;
  wb: Workbench;
  dispose(): Promise<void>;
}

export interface AudioWorkbenchOptions extends Pick<CodeServerOptions, 'settings' | 'machineSettings'> {
  /** Files written into the workspace before it opens: relative path → content. */
  files?: Record<string, string>;
}

/** `prefix` names the temp folder; `options` may be built from it (models written there). */
export async function openAudioWorkbench(prefix: string, options: (tmp: string) => AudioWorkbenchOptions): Promise<AudioWorkbench> {
  prerequisites();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `voxnote-${prefix}-`));
  const parts: Partial<AudioWorkbench> = { tmp };
  const dispose = async () => {
    await parts.wb?.dispose();
    await parts.server?.dispose();
    await parts.audio?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    parts.audio = await startVirtualAudio(tmp);
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    const { files = {}, ...settings } = options(tmp);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(workspace, name), content);
    parts.server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      ...settings,
      tmpParent: tmp,
    });
    parts.wb = await parts.server.openWorkbench({ folder: workspace, extensionDevelopmentPath: PROJECT_ROOT });
    return { ...(parts as Required<typeof parts>), workspace, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** Opens `file` of the workspace, puts the cursor at its end and starts dictation; the status item, Listening. */
export async function startDictationAtEnd(wb: Workbench, file: string): Promise<Locator> {
  const status = voxnoteStatusItem(wb.page, 'voxnote.status');
  await wb.openFile(file);
  await wb.page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
  await wb.page.keyboard.press('Control+End');
  await wb.runCommand('Voxnote: Start Dictation');
  await waitForItem(status, /Listening/);
  return status;
}
