/**
 * Dictation through the cloud engine in a REAL VS Code (code-server + headless
 * Chromium), installed from the .vsix: voxnote.engine.dictation is AssemblyAI,
 * the streaming URL points at the local TLS mock of AssemblyAI's v3 endpoint
 * (test/support/assemblyaiMock.ts, trusted through NODE_EXTRA_CA_CERTS), which
 * transcribes the tone words played into the virtual microphone. Driven like a
 * person: no key yet, "Set API Key" from the offer, the words at the cursor,
 * the status bar and the panel saying audio leaves the machine, Stop. Then the
 * key is looked for where it must never be. One code-server for the file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { AssemblyAIMock } from '../support/assemblyaiMock';
import { workers } from '../support/processes';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { toneWav } from '../support/worker';
import { prerequisites, packageVoxnote, startCodeServer, type CodeServer, type Workbench } from './harness';
import { closeNotifications, fileIs, notification, voxnoteStatusItem, waitForItem } from './workbenchUi';

const KEY = 'aai-workbench-key-6e1f93c0d4a7';
const NOTES = 'Meeting notes:\n';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe('dictation through AssemblyAI (local mock) in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let mock: AssemblyAIMock;
  let server: CodeServer;
  let wb: Workbench;
  let page: Page;
  let panel: Frame;
  let notes: string;
  let extDir: string;
  /** argv and environment of the extension's workers, seen while dictating. */
  const seen: { argv: string[]; environ: string }[] = [];
  const speak = (items: Array<string | number>) => audio.play('mic', toneWav(items, { sampleRate: 48000 }).path);
  const status = () => voxnoteStatusItem(page, 'voxnote.status');
  const ourWorkers = () => workers().filter((p) => p.argv.some((a) => a.startsWith(extDir + path.sep)));

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-cloud-'));
    audio = await startVirtualAudio(tmp);
    mock = await AssemblyAIMock.start({ apiKey: KEY });
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    notes = path.join(workspace, 'notes.txt');
    fs.writeFileSync(notes, NOTES);
    const vsix = await packageVoxnote(tmp);
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER, NODE_EXTRA_CA_CERTS: mock.caFile },
      // Application-scoped: user settings, which no workspace can override. No model at all: the cloud needs none.
      settings: { 'voxnote.engine.dictation': 'assemblyai', 'voxnote.assemblyai.streamingUrl': mock.url },
      vsix: [vsix],
      tmpParent: tmp,
    });
    extDir = path.join(server.extensionsDir, fs.readdirSync(server.extensionsDir).find((d) => d.startsWith('voxnote.voxnote-'))!);
    wb = await server.openWorkbench({ folder: workspace });
    page = wb.page;
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await mock?.close();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('with no key, Start Dictation offers "Set API Key"; once set, dictation streams and the words land at the cursor', async () => {
    await wb.openFile('notes.txt');
    await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
    await page.keyboard.press('Control+End');
    await page.locator('.statusbar-item', { hasText: 'Ln 2, Col 1' }).waitFor();
    await wb.runCommand('Voxnote: Show Transcript');
    panel = await wb.findWebviewFrame('#utterances');

    await wb.runCommand('Voxnote: Start Dictation');
    const offer = await notification(page, 'which needs your AssemblyAI API key');
    assert.equal(mock.connections.length, 0, 'nothing was sent without a key');
    await offer.getByRole('button', { name: 'Set API Key' }).click();
    await closeNotifications(page);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.getAttribute('type'), 'password', 'the key is not shown as it is typed');
    await page.keyboard.type(KEY);
    await page.keyboard.press('Enter');

    // The offer runs Start Dictation again once the key is saved.
    await waitForItem(status(), /Listening/);
    assert.equal(await status().locator('.codicon-cloud-upload').count(), 1, 'the status bar shows that audio leaves the machine');
    assert.match(await status().getAttribute('aria-label') ?? '', /sending audio to AssemblyAI/);
    const cloud = panel.locator('#cloud');
    await cloud.waitFor({ state: 'visible' });
    assert.equal((await cloud.innerText()).trim(), 'Audio leaves this machine: it is sent to AssemblyAI for transcription.');
    for (const w of ourWorkers()) seen.push({ argv: w.argv, environ: fs.readFileSync(`/proc/${w.pid}/environ`, 'utf8') });

    await speak([0.3, 'yes', 0.35, 'no', 1.2, 'open', 0.35, 'file', 1.2]);
    await panel.locator('#utterances li', { hasText: 'Open file' }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('Control+S');
    await fileIs(notes, `${NOTES}Yes no. Open file.`);
    assert.deepEqual((await panel.locator('#utterances li span').allInnerTexts()).map((t) => t.trim()), ['Yes no.', 'Open file.']);
    assert.equal(mock.connections.length, 1);
    assert.equal(mock.connections[0].authorization, KEY, 'the key went to the service, in its Authorization header');
  });

  it('Stop Dictation ends the stream (Terminate) and the notice that audio leaves the machine goes', async () => {
    await wb.runCommand('Voxnote: Stop Dictation');
    await waitForItem(status(), /^Voxnote$/);
    assert.equal(await status().locator('.codicon-cloud-upload').count(), 0);
    await panel.locator('#cloud').waitFor({ state: 'hidden' });
    const sent = mock.connections[0].received.flatMap((r) => (r.type === 'json' ? [r.message.type] : []));
    assert.equal(sent.at(-1), 'Terminate');
  });

  it('the key is in no worker argument list or environment, and in no log file', async () => {
    assert.ok(seen.length > 0, 'a worker was seen while dictating');
    for (const w of seen) {
      assert.ok(!w.argv.join(' ').includes(KEY), `worker argv: ${w.argv.join(' ')}`);
      assert.ok(!w.environ.includes(KEY), 'worker environment');
    }
    await sleep(500); // log channels flush
    const logs = filesUnder(server.runDir).filter((f) => f.endsWith('.log'));
    assert.ok(logs.some((f) => /voxnote/i.test(f)), `Voxnote's log is among the files searched: ${logs.map((f) => path.relative(server.runDir, f)).join(', ')}`);
    for (const f of logs) assert.ok(!fs.readFileSync(f, 'utf8').includes(KEY), `the key is in ${path.relative(server.runDir, f)}`);
  });
});
