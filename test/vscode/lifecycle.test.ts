/**
 * The lifecycle decisions of issue 15 that only real keys and real timing show,
 * in one code-server (installed from the .vsix, tone speech into a virtual
 * microphone). Dictation and meeting notes both run on the AssemblyAI engine
 * against the local mock (test/support/assemblyaiMock.ts), which can answer
 * Terminate seconds late, as the real service may: that makes a dictation's
 * stop, and a meeting's suspend during the microphone hand-over, slow for real.
 * - item 1: a toggle press that lands while the previous dictation is still
 *   stopping listens at once, and the words of both dictations land in the
 *   document once each, in order;
 * - item 2: dictation cancelled just after the person let it take the
 *   meeting's microphone ("Pause meeting microphone and dictate"), and again
 *   while the meeting's slow suspend is still under way: the meeting captures
 *   again and its words reach the notes file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { AssemblyAIMock } from '../support/assemblyaiMock';
import { captureTools, workers } from '../support/processes';
import { recordsVirtualMic, startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { toneWav } from '../support/worker';
import { installedVoxnote, packageVoxnote, prerequisites, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, closeNotifications, fileIs, itemText, notification, runPickCommand, voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

const KEY = 'aai-lifecycle-key-3b9d0e71c2f4';
const START = 'Notes:\n';
const IDLE = /^Voxnote$/;
const LISTENING = /^Listening/;
/** The meeting item: elapsed time, the microphone track, and the cloud engine it streams to. */
const MEETING_MIC = /^\d\d:\d\d:\d\d\s+Me\s+AssemblyAI$/;
/** How late the mock answers Terminate: the window in which the second press lands. */
const SLOW_STOP_MS = 6000;
const TOGGLE = 'Control+Alt+Shift+Space';

const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

describe('lifecycle decisions (issue 15) in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let mock: AssemblyAIMock;
  let server: CodeServer;
  let wb: Workbench;
  let page: Page;
  let workspace: string;
  let extDir: string;
  const status = () => voxnoteStatusItem(page, 'voxnote.status');
  const meeting = () => voxnoteStatusItem(page, 'voxnote.meeting');
  const speak = (items: Array<string | number>) => audio.play('mic', toneWav(items, { sampleRate: 48000 }).path);
  const ourWorkers = () => workers().filter((p) => p.argv.some((a) => a.startsWith(extDir + path.sep)));
  const captures = () => ourWorkers().flatMap((w) => captureTools(w.pid));
  const notesFolder = () => path.join(workspace, 'notes');
  const notesFiles = () => (fs.existsSync(notesFolder()) ? fs.readdirSync(notesFolder()).filter((f) => f.endsWith('.md')) : []);
  const editorText = () => page.locator('.monaco-editor.focused .view-lines').innerText().then((t) => t.replace(/\u00a0/g, ' '), () => '');

  async function openEditor(name: string): Promise<void> {
    await wb.openFile(name);
    await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
    await page.keyboard.press('Control+End');
  }

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-lifecycle-'));
    audio = await startVirtualAudio(tmp);
    mock = await AssemblyAIMock.start({ apiKey: KEY });
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'slow.txt'), START);
    fs.writeFileSync(path.join(workspace, 'handover.txt'), START);
    const vsix = await packageVoxnote(tmp);
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER, NODE_EXTRA_CA_CERTS: mock.caFile },
      settings: {
        'voxnote.engine.dictation': 'assemblyai',
        // The meeting too: its suspend (the hand-over) waits for the mock's Termination, which can be made late.
        'voxnote.engine.meetingNotes': 'assemblyai',
        'voxnote.assemblyai.streamingUrl': mock.url,
        'files.autoSave': 'off',
      },
      vsix: [vsix],
      tmpParent: tmp,
    });
    extDir = installedVoxnote(server);
    wb = await server.openWorkbench({ folder: workspace });
    page = wb.page;
    await status().waitFor({ timeout: 60_000 });
    await wb.waitReady();
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await page.keyboard.type('Voxnote: Set AssemblyAI API Key');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Set AssemblyAI API Key' }).first().waitFor();
    await page.keyboard.press('Enter');
    await waitUntil('the password box', async () => (await input.getAttribute('type')) === 'password');
    await page.keyboard.type(KEY);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await mock?.close();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('item 1: a toggle press while the cloud dictation is still stopping listens at once, and both dictations\' words arrive once, in order', async () => {
    const t0 = performance.now();
    await openEditor('slow.txt');
    await page.keyboard.press(TOGGLE);
    await waitForItem(status(), LISTENING);
    await speak([0.3, 'yes', 0.35, 'no', 1.2]);
    await waitUntil('the first words in the editor', async () => (await editorText()).includes('Yes no.'));

    mock.terminationDelayMs = SLOW_STOP_MS;
    await page.keyboard.press(TOGGLE);
    const first = mock.connections[0];
    await waitUntil('the first stop to reach the service', () => first.terminateAt !== undefined);
    const stopping = await itemText(status());
    await page.keyboard.press(TOGGLE);
    await waitForItem(status(), LISTENING);
    await waitUntil('the second dictation to connect', () => mock.connections.length === 2);
    assert.equal(first.terminationAt, undefined, 'the second dictation listened and streamed while the first was still stopping');
    await speak([0.3, 'open', 0.35, 'file', 1.2]);
    await waitUntil('the second words in the editor', async () => (await editorText()).includes('Open file.'));
    await waitUntil('the first stop to end', () => first.terminationAt !== undefined, SLOW_STOP_MS + 10_000);

    mock.terminationDelayMs = 0;
    await page.keyboard.press(TOGGLE);
    await waitForItem(status(), IDLE);
    await page.keyboard.press('Control+S');
    await fileIs(path.join(workspace, 'slow.txt'), `${START}Yes no. Open file.`);
    assert.equal(mock.connections.length, 2, 'one connection per dictation');
    console.log(`# status bar as the first stop reached the service: "${stopping}"; item 1 in ${ms(t0)}`);
  });

  it('item 2: dictation cancelled just after it took the meeting\'s microphone gives it back: the meeting\'s words reach the notes', async () => {
    const t0 = performance.now();
    await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
    await choose(page, 'Microphone only');
    await waitForItem(meeting(), MEETING_MIC);
    await waitUntil('the meeting to capture the microphone', () => captures().length === 1 && recordsVirtualMic(captures()[0].argv));
    await waitUntil('the meeting to stream to the service', () => mock.connections.length === 3);
    const notes = path.join(notesFolder(), await waitUntil('the notes file', () => notesFiles()[0]));

    await openEditor('handover.txt');
    const connections = mock.connections.length;
    await page.keyboard.press(TOGGLE);
    const ask = await notification(page, 'meeting notes are taking the microphone');
    await ask.getByRole('button', { name: 'Pause meeting microphone and dictate' }).click();
    await closeNotifications(page);
    await wb.runCommand('Voxnote: Cancel Dictation');
    await waitForItem(status(), IDLE);
    await waitForItem(meeting(), MEETING_MIC);
    await waitUntil('the meeting to capture the microphone again', () => captures().length === 1 && recordsVirtualMic(captures()[0].argv));

    await speak([0.3, 'run', 0.35, 'open', 1.5]);
    await waitUntil('the meeting\'s words in the notes file', () => fs.readFileSync(notes, 'utf8').includes('**Me:** Run open.'));
    await wb.runCommand('Voxnote: Stop Meeting Notes');
    await waitForItem(meeting(), /^$/);
    assert.equal(fs.readFileSync(path.join(workspace, 'handover.txt'), 'utf8'), START, 'nothing dictated into the editor');
    console.log(`# ${mock.connections.length - connections} new connection(s) (the cancelled dictation, the resumed meeting); item 2 after the hand-over in ${ms(t0)}`);
  });

  it('item 2: dictation cancelled while the meeting\'s (cloud, slow) suspend is under way: the meeting resumes once it completes', async () => {
    const t0 = performance.now();
    const before = notesFiles();
    const connections = mock.connections.length;
    await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
    await choose(page, 'Microphone only');
    await waitForItem(meeting(), MEETING_MIC);
    await waitUntil('the meeting to stream to the service', () => mock.connections.length === connections + 1);
    const meetingConnection = mock.connections[connections];
    await waitUntil('the meeting to capture the microphone', () => captures().length === 1 && recordsVirtualMic(captures()[0].argv));
    const notes = path.join(notesFolder(), await waitUntil('the new notes file', () => notesFiles().find((f) => !before.includes(f))));

    mock.terminationDelayMs = SLOW_STOP_MS;
    await openEditor('handover.txt');
    await page.keyboard.press(TOGGLE);
    const ask = await notification(page, 'meeting notes are taking the microphone');
    await ask.getByRole('button', { name: 'Pause meeting microphone and dictate' }).click();
    await closeNotifications(page);
    await waitUntil('the meeting\'s suspend to reach the service', () => meetingConnection.terminateAt !== undefined);
    await wb.runCommand('Voxnote: Cancel Dictation');
    assert.equal(meetingConnection.terminationAt, undefined, 'the cancel landed while the meeting was still suspending');
    await waitForItem(status(), IDLE);
    mock.terminationDelayMs = 0;

    await waitUntil('the meeting to stream again', () => mock.connections.length === connections + 2, SLOW_STOP_MS + 20_000);
    await waitUntil('the meeting to capture the microphone again', () => captures().length === 1 && recordsVirtualMic(captures()[0].argv));
    await waitForItem(meeting(), MEETING_MIC);
    await speak([0.3, 'save', 0.35, 'file', 1.5]);
    await waitUntil('the meeting\'s words in the notes file', () => fs.readFileSync(notes, 'utf8').includes('**Me:** Save file.'));
    await wb.runCommand('Voxnote: Stop Meeting Notes');
    await waitForItem(meeting(), /^$/);
    assert.equal(mock.connections.length, connections + 2, 'the cancelled dictation never streamed');
    assert.equal(fs.readFileSync(path.join(workspace, 'handover.txt'), 'utf8'), START, 'nothing dictated into the editor');
    console.log(`# item 2 during the suspend in ${ms(t0)}`);
  });
});
