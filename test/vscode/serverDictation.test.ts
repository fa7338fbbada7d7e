/**
 * Dictation through a speech server (engine `openai`) in a REAL VS Code
 * (code-server + headless Chromium): the user settings point at the loopback
 * stand-in (test/support/openaiServer.ts), which decodes with sherpa-onnx and
 * the offline tone model what the virtual microphone plays. Driven like a
 * person: the server refuses the missing key and the error offers "Set Server
 * API Key"; with it, the words land at the cursor while the status bar and the
 * panel name the host the audio goes to; the server failing (500s, resets) loses
 * and doubles no word; meeting notes through the same server, under 429s with
 * Retry-After, get every line once. Then the key is looked for where it must never be.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { OpenAIStandIn, STAND_IN_MODEL } from '../support/openaiServer';
import { captureTools, workers } from '../support/processes';
import { recordsVirtualMic, startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { sherpaModel, vadWav } from '../support/sherpaWorker';
import { prerequisites, PROJECT_ROOT, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, closeNotifications, fileIs, notification, runPickCommand, voxnoteStatusItem, waitForItem } from './workbenchUi';

const KEY = `sk-workbench-${Math.random().toString(36).slice(2)}`;
const NOTES = 'Notes:\n';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe('dictation and meeting notes through a speech server (loopback stand-in) in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let standIn: OpenAIStandIn;
  let server: CodeServer;
  let wb: Workbench;
  let page: Page;
  let panel: Frame;
  let notes: string;
  const seen: { argv: string[]; environ: string }[] = [];
  const status = () => voxnoteStatusItem(page, 'voxnote.status');
  const ours = () => workers().filter((p) => p.argv.includes(path.join(PROJECT_ROOT, 'dist', 'worker.js')));
  const speak = (utterances: string[][]) => audio.play('mic', vadWav(utterances, 48000).path);

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-server-'));
    audio = await startVirtualAudio(tmp);
    standIn = await OpenAIStandIn.start(sherpaModel('offline'), { apiKey: KEY });
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    notes = path.join(workspace, 'notes.txt');
    fs.writeFileSync(notes, NOTES);
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      // User settings (application scope): no workspace can redirect audio. No model: the server needs none.
      settings: { 'voxnote.engine.dictation': 'openai', 'voxnote.engine.meetingNotes': 'openai', 'voxnote.server.baseUrl': standIn.baseUrl, 'voxnote.server.model': STAND_IN_MODEL, 'voxnote.server.protocol': 'batch' },
      tmpParent: tmp,
    });
    wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: PROJECT_ROOT });
    page = wb.page;
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await standIn?.close();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the server refuses a missing key: the error offers "Set Server API Key"; with the key the words land at the cursor', async () => {
    await wb.openFile('notes.txt');
    await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
    await page.keyboard.press('Control+End');
    await wb.runCommand('Voxnote: Show Transcript');
    panel = await wb.findWebviewFrame('#utterances');

    await wb.runCommand('Voxnote: Start Dictation');
    const refused = await notification(page, 'needs an API key (401)');
    assert.ok(standIn.requests.every((r) => r.authorization === undefined), 'no key was sent: none is set');
    await refused.getByRole('button', { name: 'Set Server API Key' }).click();
    await closeNotifications(page);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.getAttribute('type'), 'password');
    await page.keyboard.type(KEY);
    await page.keyboard.press('Enter');
    // Saved (and the input closed) before dictation starts again.
    await notification(page, 'the key is saved');
    await closeNotifications(page);

    await wb.runCommand('Voxnote: Start Dictation');
    await waitForItem(status(), /Listening/).catch(async (e: Error) => {
      const shown = await page.locator('.notification-toast').allInnerTexts();
      const keys = standIn.requests.map((r) => (r.authorization === `Bearer ${KEY}` ? 'the key' : r.authorization ? 'another key' : 'no key'));
      throw new Error(`${e.message}; notifications: ${JSON.stringify(shown)}; requests sent ${keys.join(', ')}`);
    });
    const host = new URL(standIn.baseUrl).host;
    assert.equal(await status().locator('.codicon-cloud-upload').count(), 1, 'the status bar shows that audio leaves the worker');
    assert.match((await status().getAttribute('aria-label')) ?? '', new RegExp(`sending audio to ${host.replace('.', '\\.')}`));
    const cloud = panel.locator('#cloud');
    await cloud.waitFor({ state: 'visible' });
    assert.equal((await cloud.innerText()).trim(), `Audio leaves this machine: it is sent to ${host} for transcription.`);
    for (const w of ours()) seen.push({ argv: w.argv, environ: fs.readFileSync(`/proc/${w.pid}/environ`, 'utf8') });

    await speak([['yes', 'no'], ['open', 'file']]);
    await panel.locator('#utterances li', { hasText: /open file/i }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+S');
    await fileIs(notes, `${NOTES}Yes no open file`);
    assert.ok(standIn.transcriptions.every((r) => r.authorization === `Bearer ${KEY}`));
  });

  it('the server fails (500s, then reset connections): every word arrives once, in order', async () => {
    standIn.faults = { apiKey: KEY, fail500: 2, reset: 2 };
    await page.keyboard.press('Control+End');
    await speak([['stop', 'yes'], ['no', 'open']]);
    await panel.locator('#utterances li', { hasText: /no open/i }).waitFor({ timeout: 40_000 });
    await page.keyboard.press('Control+S');
    await fileIs(notes, `${NOTES}Yes no open file stop yes no open`);
    assert.ok(standIn.requests.some((r) => r.status === 500) && standIn.requests.some((r) => r.status === -1), 'both faults happened');
    await wb.runCommand('Voxnote: Stop Dictation');
    await waitForItem(status(), /^Voxnote$/);
    await panel.locator('#cloud').waitFor({ state: 'hidden' });
  });

  it('meeting notes through the server, which answers 429 with Retry-After: each line once, the status bar names the host', async () => {
    standIn.faults = { apiKey: KEY, rateLimit: { count: 2, retryAfter: 1 } };
    const notesFolder = path.join(path.dirname(notes), 'notes');
    await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
    await choose(page, 'Microphone only');
    const meeting = voxnoteStatusItem(page, 'voxnote.meeting');
    await waitForItem(meeting, new RegExp(new URL(standIn.baseUrl).host.replace('.', '\\.')));
    // Speak once the meeting's worker records the microphone (the engine loads first).
    for (const end = Date.now() + 20_000; !ours().some((w) => captureTools(w.pid).some((c) => recordsVirtualMic(c.argv))) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
    await speak([['save', 'run'], ['close', 'stop']]);
    // Opening the notes beside moves the panel (its frame is new): the notes file is what counts.
    const notesText = () => {
      const [file] = fs.existsSync(notesFolder) ? fs.readdirSync(notesFolder).filter((f) => f.endsWith('.md')) : [];
      return file ? fs.readFileSync(path.join(notesFolder, file), 'utf8') : '';
    };
    const until = async (done: (t: string) => boolean, ms: number) => {
      for (const end = Date.now() + ms; !done(notesText()) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 200));
      return notesText();
    };
    await until((t) => t.includes('Close stop.'), 40_000);
    await wb.runCommand('Voxnote: Stop Meeting Notes');
    // The notes end with a footer (its word count) once the meeting has stopped.
    const text = await until((t) => /\*\*Words:\*\*/.test(t), 10_000);
    const lines = text.split('\n').filter((l) => /Save run|Close stop/.test(l));
    assert.equal(lines.length, 2, text);
    assert.match(lines[0], /Me:?\** Save run\./);
    assert.match(lines[1], /Me:?\** Close stop\./);
    assert.ok(standIn.requests.some((r) => r.status === 429), 'the server did refuse');
  });

  it('the key is in no worker argument list or environment, and in no log file', async () => {
    assert.ok(seen.length > 0, 'a worker was seen while dictating');
    for (const w of seen) {
      assert.ok(!w.argv.join(' ').includes(KEY), `worker argv: ${w.argv.join(' ')}`);
      assert.ok(!w.environ.includes(KEY), 'worker environment');
    }
    await new Promise((r) => setTimeout(r, 500)); // log channels flush
    const logs = filesUnder(server.runDir).filter((f) => f.endsWith('.log'));
    assert.ok(logs.some((f) => /voxnote/i.test(f)), 'Voxnote\'s log is among the files searched');
    for (const f of logs) assert.ok(!fs.readFileSync(f, 'utf8').includes(KEY), `the key is in ${path.relative(server.runDir, f)}`);
  });
});
