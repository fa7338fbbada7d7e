/**
 * Summarize Meeting in a REAL VS Code (code-server + headless Chromium), with
 * Voxnote's .vsix and a test extension that registers a chat model through the
 * finalised LanguageModelChatProvider API (test/vscode/chatModelExtension/),
 * plus a local stand-in chat-completions endpoint as voxnote.summary.baseUrl.
 * Driven like a person: the command, the model pick, the notice that names
 * where the transcript goes, VS Code's own consent. One code-server for the file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type ChatStandIn, meetingLines, startChatStandIn } from '../support/chatStandIn';
import { packageVoxnote, prerequisites, PROJECT_ROOT, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, closeNotifications, notification } from './workbenchUi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HEADER = (title: string) => `# ${title}\n\n- **Date:** 2025-01-31 14:05\n- **Sources:** Me (microphone), Others (system audio)\n- **Model:** tone\n\n`;
const FOOTER = '---\n\n- **Duration:** 01:00:00\n- **Words:** Me 10, Others 10\n\n';

/** The test chat model as a .vsix (vsce, as Voxnote's own). */
function packageChatModel(outDir: string): string {
  const out = path.join(outDir, 'test-chat-model.vsix');
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--allow-missing-repository', '--skip-license', '-o', out], {
    cwd: path.join(PROJECT_ROOT, 'test', 'vscode', 'chatModelExtension'),
    stdio: 'pipe',
  });
  return out;
}

describe('Summarize Meeting in a real VS Code (code-server): a LanguageModelChatProvider and a local endpoint', () => {
  let tmp: string;
  let server: CodeServer;
  let wb: Workbench;
  let page: Page;
  let endpoint: ChatStandIn;
  let notesFolder: string;
  let lmLog: string;

  const modelRequests = (): Array<{ at: number; text: string }> =>
    fs.existsSync(lmLog) ? fs.readFileSync(lmLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

  /**
   * The notes files Voxnote wrote (each with its journal beside it), by name: their
   * transcript lines. All are written before the workbench starts: quick open (Ctrl+P)
   * on this loaded machine did not find a file created after its first use.
   */
  const NOTES: Record<string, string[]> = {
    '2025-01-31 1405 Meeting': meetingLines(12),
    'Long Meeting': meetingLines(900),
    'Model refuses': ['[00:00:01] **Me:** Please refuse to summarize this.', '[00:00:04] **Others:** Fine.'],
    'Model fails': ['[00:00:01] **Me:** Please fail now.', '[00:00:04] **Others:** Fine.'],
    'Endpoint Meeting': meetingLines(6),
  };
  const notesFile = (name: keyof typeof NOTES): string => path.join(notesFolder, `${name}.md`);
  function writeNotes(name: string, lines: string[]): void {
    fs.writeFileSync(notesFile(name), HEADER(name) + lines.map((l) => `${l}\n\n`).join('') + FOOTER);
    fs.writeFileSync(path.join(notesFolder, `.${name}.md.voxnote.jsonl`), JSON.stringify({ t: 'start', v: 1, at: Date.now(), title: name, sources: ['Me (microphone)'], model: 'tone' }) + '\n');
  }
  const APP_TS = 'function f() {\n  return 1;\n}\n';

  /** Polls `probe` (running `meanwhile` between polls) until it gives something truthy. */
  async function waitUntil<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000, meanwhile?: () => Promise<void>): Promise<T> {
    for (const until = Date.now() + timeoutMs; ; await sleep(100)) {
      const value = probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await meanwhile?.();
    }
  }

  /** Opens the notes, runs the command, picks the model; resolves with the modal notice's text, still open. */
  async function summarize(file: string, model: string): Promise<string> {
    await wb.openFile(path.basename(file));
    await page.locator('.tab.active', { hasText: path.basename(file) }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('F1');
    await choose(page, 'Voxnote: Summarize Meeting', { next: 'Voxnote: Summarize Meeting' });
    await choose(page, model);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    return (await dialog.innerText()).replace(/\s+/g, ' ');
  }

  /**
   * Agrees to send; allows VS Code's language-model access whenever it asks (the first
   * time only), until `sent` says the transcript reached the model or the endpoint.
   */
  async function send(sent: () => boolean): Promise<void> {
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Send and Summarize' }).click();
    const allow = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Allow/ }).first();
    let asked = false;
    await waitUntil('the transcript sent (after any language-model access prompt)', () => sent() || undefined, 30_000, async () => {
      if (await allow.isVisible()) asked = await allow.click({ timeout: 2000 }).then(() => true, () => asked);
    });
    console.log(`VS Code asked for language-model access: ${asked ? 'yes, allowed' : 'no'}`);
  }
  const modelGotMore = (count = modelRequests().length) => () => modelRequests().length > count;

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-summary-'));
    const workspace = path.join(tmp, 'ws');
    notesFolder = path.join(workspace, 'notes');
    fs.mkdirSync(notesFolder, { recursive: true });
    lmLog = path.join(tmp, 'lm-requests.jsonl');
    for (const [name, lines] of Object.entries(NOTES)) writeNotes(name, lines);
    fs.writeFileSync(path.join(workspace, 'app.ts'), APP_TS);
    endpoint = await startChatStandIn();
    const vsix = [await packageVoxnote(tmp), packageChatModel(tmp)];
    server = await startCodeServer({
      env: { VOXNOTE_TEST_LM_LOG: lmLog },
      settings: { 'files.autoSave': 'off', 'voxnote.summary.baseUrl': endpoint.baseUrl, 'voxnote.summary.model': 'stand-in-model' },
      vsix,
      tmpParent: tmp,
    });
    wb = await server.openWorkbench({ folder: workspace });
    page = wb.page;
    await wb.waitReady();
  });

  // A failed step can leave a quick pick or a modal dialog open, which would take every
  // later test's keystrokes: close them, so one failure stays one failure.
  afterEach(async () => {
    const open = page?.locator('.quick-input-widget:visible, .monaco-dialog-box:visible');
    for (let i = 0; open && i < 3 && (await open.count()); i++) {
      await page.keyboard.press('Escape');
      await sleep(200);
    }
    if (page) await closeNotifications(page);
  });

  after(async () => {
    await wb?.dispose();
    await server?.dispose();
    await endpoint?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the chat model gets the transcript only after the command and the notice, and the sections land in the file', async () => {
    const lines = NOTES['2025-01-31 1405 Meeting'];
    const file = notesFile('2025-01-31 1405 Meeting');
    const before = fs.readFileSync(file, 'utf8');
    const notice = await summarize(file, 'Tone Chat');
    assert.match(notice, /Summarize 2025-01-31 1405 Meeting\.md\? Its transcript \(12 lines\) is sent to the language model Tone Chat \(voxnote-test\) through VS Code\./);
    assert.deepEqual(modelRequests(), [], 'nothing sent before the person agrees');
    assert.equal(endpoint.requests.length, 0);
    await send(modelGotMore(0));
    const text = await waitUntil('the summary in the file', () => {
      const t = fs.readFileSync(file, 'utf8');
      return t.includes('## Action items') && t;
    });
    assert.equal(
      text,
      HEADER('2025-01-31 1405 Meeting') +
        '## Summary\n\nThe meeting, the part from 00:00:00.\n\n## Decisions\n\n- Ship on Friday.\n\n## Action items\n\n- [ ] Send the budget (owner: Ana, due: Friday)\n- [ ] Book a room\n\n' +
        before.slice(HEADER('2025-01-31 1405 Meeting').length),
    );
    const sent = modelRequests();
    assert.equal(sent.length, 1);
    for (const l of lines) assert.ok(sent[0].text.includes(l), `the model read: ${l}`);
    assert.equal(endpoint.requests.length, 0, 'the endpoint not chosen, nothing sent there');
    await notification(page, 'written into 2025-01-31 1405 Meeting.md');
    await closeNotifications(page);
  });

  it('Insert Action Item as TODO puts it at the cursor as a comment of the file’s language, linking to the line in the notes', async () => {
    const code = path.join(path.dirname(notesFolder), 'app.ts');
    assert.equal(fs.readFileSync(code, 'utf8'), APP_TS);
    await wb.openFile('app.ts');
    await page.locator('.tab.active', { hasText: 'app.ts' }).waitFor({ timeout: 15_000 });
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('F1');
    await choose(page, 'Voxnote: Insert Action Item as TODO', { next: 'Voxnote: Insert Action Item as TODO' });
    await choose(page, '2025-01-31 1405 Meeting', { next: 'Voxnote: Insert Action Item as TODO' });
    // The items' pick has the notes pick's title: typing before it shows sends keys to the editor.
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Send the budget' }).first().waitFor({ timeout: 15_000 });
    await choose(page, 'Send the budget');
    await page.keyboard.press('Control+S');
    const notesText = fs.readFileSync(path.join(notesFolder, '2025-01-31 1405 Meeting.md'), 'utf8');
    const line = notesText.split('\n').indexOf('- [ ] Send the budget (owner: Ana, due: Friday)') + 1;
    assert.ok(line > 0);
    await waitUntil('the TODO in app.ts', () => fs.readFileSync(code, 'utf8').includes('TODO'));
    assert.equal(
      fs.readFileSync(code, 'utf8'),
      `function f() {\n  // TODO(Ana): Send the budget (due: Friday), from notes/2025-01-31 1405 Meeting.md#L${line}\n  return 1;\n}\n`,
    );
  });

  it('Rename Speaker renames a label on every line, in the sources and in the word counts', async () => {
    const file = notesFile('2025-01-31 1405 Meeting');
    await wb.openFile(path.basename(file));
    await page.locator('.tab.active', { hasText: path.basename(file) }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('F1');
    await choose(page, 'Voxnote: Rename Speaker', { next: 'Voxnote: Rename Speaker' });
    await choose(page, 'Others', { next: 'Voxnote: Rename Others' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Bea');
    await page.keyboard.press('Enter');
    const text = await waitUntil('the rename on disk', () => {
      const t = fs.readFileSync(file, 'utf8');
      return t.includes('**Bea:**') && t;
    });
    assert.doesNotMatch(text, /Others/);
    assert.equal(text.match(/\*\*Bea:\*\* /g)?.length, 6, 'every line of that speaker');
    assert.equal(text.match(/\*\*Me:\*\* /g)?.length, 6, 'the other speaker untouched');
    assert.match(text, /- \*\*Sources:\*\* Me \(microphone\), Bea \(system audio\)\n/);
    assert.match(text, /- \*\*Words:\*\* Me 10, Bea 10\n/);
    await closeNotifications(page);
  });

  it('an hour-long meeting goes to the model in parts, then combined', async () => {
    const file = notesFile('Long Meeting');
    const sentBefore = modelRequests().length;
    await summarize(file, 'Tone Chat');
    await send(modelGotMore(sentBefore));
    await waitUntil('the summary in the file', () => fs.readFileSync(file, 'utf8').includes('The meeting, the combined parts.'), 60_000);
    const sent = modelRequests().slice(sentBefore);
    const parts = sent.filter((r) => /Part \d+ of \d+/.test(r.text));
    assert.ok(parts.length >= 10, `${parts.length} parts for a small context`);
    assert.ok(sent.length > parts.length, 'then combined');
    await closeNotifications(page);
  });

  for (const [what, message] of [
    ['refuses', /did not answer with a summary; it said: "I'm sorry, I can't help with that\."/],
    ['fails', /Tone Chat \(voxnote-test\) through VS Code did not summarize: .*The notes are unchanged/],
  ] as const) {
    it(`a model that ${what} gives a clear message and leaves the notes untouched`, async () => {
      const file = notesFile(`Model ${what}`);
      const before = fs.readFileSync(file, 'utf8');
      await summarize(file, 'Tone Chat');
      await send(modelGotMore());
      await notification(page, 'The notes are unchanged');
      const center = await page.locator('.notifications-center').innerText();
      assert.match(center.replace(/\s+/g, ' '), message);
      await closeNotifications(page);
      assert.equal(fs.readFileSync(file, 'utf8'), before, 'byte for byte');
      const tab = page.locator('.tab', { hasText: path.basename(file) });
      assert.ok(!(await tab.getAttribute('class'))?.includes('dirty'), 'and the open document is not changed either');
    });
  }

  it('the local endpoint (voxnote.summary.baseUrl): named in the notice, sent only after it, sections in the file', async () => {
    const file = notesFile('Endpoint Meeting');
    const notice = await summarize(file, 'stand-in-model');
    assert.match(notice, /is sent to stand-in-model at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions\./);
    assert.equal(endpoint.requests.length, 0, 'nothing sent before the person agrees');
    await send(() => endpoint.requests.length > 0);
    await waitUntil('the summary in the file', () => fs.readFileSync(file, 'utf8').includes('## Action items'));
    assert.equal(endpoint.requests.length, 1);
    assert.equal(endpoint.requests[0].model, 'stand-in-model');
    assert.match(fs.readFileSync(file, 'utf8'), /\n## Summary\n\nThe meeting, the part from 00:00:00\.\n/);
  });
});
