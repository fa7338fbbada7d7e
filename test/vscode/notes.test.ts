/**
 * Meeting notes in a REAL VS Code (code-server + headless Chromium), installed
 * from the .vsix that `npm run package` builds, real libvosk with the tone
 * model, tone speech played into a private PulseAudio: into the virtual speaker
 * (system audio, "Others") and the virtual microphone ("Me") at the same time.
 * One code-server for the whole file:
 * - a workbench driven like a person: Start Meeting Notes from the palette
 *   (both sources), the status bar, the transcript panel, Pause/Resume from
 *   the status bar, typing into the unsaved notes while lines arrive, Stop,
 *   Save (Overwrite); then the one notes file on disk; then a window reload
 *   mid-meeting and Resume into the same file, kill -9 of a worker, and a
 *   notes folder that refuses writes until it is fixed;
 * - the mocha suite in test/vscode/notesSuite/ inside the extension host
 *   (Transcribe Audio File on a WAV and, through ffmpeg, a FLAC; Export as
 *   SRT and WebVTT).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Locator, Page } from 'playwright-core';
import { parseJournal } from '../../src/notes/notesJournal';
import { captureTools, workers } from '../support/processes';
import { recordsVirtualMic, startVirtualAudio, VIRTUAL, type VirtualAudio } from '../support/pulse';
import { buildToneModel } from '../support/toneModel';
import { toneWav } from '../support/worker';
import { installedVoxnote, prerequisites, PROJECT_ROOT, packageVoxnote, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, closeNotifications, notification, notified, runPickCommand, voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

const SUITE_INDEX = path.join(__dirname, 'notesSuite', 'index.js');
const SCREENSHOT = path.join(PROJECT_ROOT, '.test-output', 'vscode', 'notes-workbench.png');
const LINE = /^\[(\d\d):(\d\d):(\d\d)\] /;
const AGENDA = 'Agenda: budget';

/**
 * What each source says, played at the same time (numbers are seconds of silence).
 * Each phase's utterances start and end in the same order, about a second apart,
 * so the lines (written as utterances end) also carry times in order; in phase 2
 * the two sources speak over each other.
 */
const PHASE_1 = { mic: [0.3, 'yes', 0.35, 'open', 3.0], system: [1.6, 'close', 0.35, 'file', 1.5] };
const PHASE_2 = { mic: [0.3, 'no', 0.35, 'save', 0.35, 'run', 2.0], system: [1.2, 'run', 0.35, 'yes', 0.35, 'open', 1.5] };

const seconds = (line: string): number => {
  const [, h, m, s] = LINE.exec(line)!;
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
};

describe('Meeting notes from the .vsix in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let workspace: string;
  let notesFolder: string;
  /** The installed extension's folder. */
  let extDir: string;
  /** Workers of the installed extension (other tests on the machine run their own). */
  const ourWorkers = () => workers().filter((p) => p.argv.some((a) => a.startsWith(extDir + path.sep)));
  const captures = () => ourWorkers().flatMap((w) => captureTools(w.pid));
  const notesFiles = () => (fs.existsSync(notesFolder) ? fs.readdirSync(notesFolder).filter((f) => f.endsWith('.md')).sort() : []);

  /** Both sources captured: one capture tool on the virtual mic and one on the speaker's monitor. */
  const bothCapturing = () =>
    waitUntil('the microphone and the system audio to be captured', () => {
      const args = captures().map((c) => c.argv);
      return args.length === 2 && args.some((a) => a.join(' ').includes(VIRTUAL.monitor)) && args.some(recordsVirtualMic);
    });

  const speakBoth = (phase: typeof PHASE_1) =>
    Promise.all([
      audio.play('mic', toneWav(phase.mic, { sampleRate: 48000 }).path),
      audio.play('system', toneWav(phase.system, { sampleRate: 48000 }).path),
    ]);

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-notes-'));
    // First: code-server, and so the extension host and its workers, inherit this PulseAudio.
    audio = await startVirtualAudio(tmp);
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    notesFolder = path.join(workspace, 'notes');

    let t0 = performance.now();
    // dist/ is built by the test command; the script stages the natives and runs vsce.
    const vsix = await packageVoxnote(tmp);
    console.log(`# npm run package (linux-x64) in ${ms(t0)}`);
    t0 = performance.now();
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': model }, // a machine-overridable setting
      settings: {
        // Enter after typing in the notes must make a new line, never accept a suggestion.
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.acceptSuggestionOnEnter': 'off',
        // Desktop VS Code's default (a web workbench saves after a delay): the test saves when the person would.
        'files.autoSave': 'off',
      },
      vsix: [vsix],
      tmpParent: tmp,
    });
    extDir = installedVoxnote(server);
    console.log(`# --install-extension + code-server up in ${ms(t0)}`);
  });

  after(async () => {
    await server?.dispose();
    await audio?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('driven like a person (one workbench, one meeting)', () => {
    let wb: Workbench;
    let page: Page;
    let item: Locator;
    let panel: Frame;
    let notesFile: string;
    const notesTab = () => page.locator('.tab', { hasText: path.basename(notesFile) });

    before(async () => {
      const t0 = performance.now();
      wb = await server.openWorkbench({ folder: workspace });
      page = wb.page;
      item = voxnoteStatusItem(page, 'voxnote.meeting');
      // Voxnote is active (it activates on startup finished) once dictation's item shows.
      await voxnoteStatusItem(page, 'voxnote.status').waitFor({ timeout: 60_000 });
      await wb.waitReady();
      console.log(`# workbench shown in ${ms(t0)}`);
    });
    after(async () => {
      await wb?.dispose();
    });

    it('Start Meeting Notes, both sources: the notes open beside, the panel shows each source live and its lines labelled', async () => {
      const t0 = performance.now();
      await wb.runCommand('Voxnote: Show Transcript');
      panel = await wb.findWebviewFrame('#utterances');
      await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
      await choose(page, 'Microphone and system audio');
      const first = await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me\s+Others$/);
      await bothCapturing();
      notesFile = path.join(notesFolder, (await waitUntil('the notes file', () => notesFiles()[0]))!);
      await notesTab().waitFor({ timeout: 20_000 });
      assert.match(path.basename(notesFile), /^\d{4}-\d\d-\d\d \d{4} Meeting\.md$/);

      // Watch the panel's live partials and the status bar's level dots while both speak.
      const partials = new Set<string>();
      let lit = 0;
      let watching = true;
      const watch = (async () => {
        while (watching) {
          const text = (await panel.locator('#speakerPartials').innerText().catch(() => '')).trim();
          for (const line of text.split('\n').filter(Boolean)) partials.add(line.trim());
          lit = Math.max(lit, await item.locator('.codicon-circle-filled').count());
          await sleep(40);
        }
      })();
      await speakBoth(PHASE_1);
      const lines = panel.locator('#utterances li');
      await lines.filter({ hasText: 'close file' }).waitFor({ timeout: 20_000 });
      watching = false;
      await watch;
      await wb.screenshot(SCREENSHOT);

      assert.deepEqual(
        await lines.evaluateAll((items) => items.map((li) => `${li.querySelector('.speaker')?.textContent} ${li.querySelector('span')?.textContent}`)),
        ['Me: Yes open.', 'Others: Close file.'],
      );
      assert.ok([...partials].some((p) => /^Me: yes/.test(p)), `the mic's partial in the panel: ${[...partials].join(' | ')}`);
      assert.ok([...partials].some((p) => /^Others: close/.test(p)), `the system audio's partial in the panel: ${[...partials].join(' | ')}`);
      assert.ok(lit >= 1, 'a level dot filled while a source spoke');
      const later = await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me\s+Others$/);
      assert.ok(seconds(`[${later.slice(0, 8)}] `) > seconds(`[${first.slice(0, 8)}] `), `elapsed time moves: ${first} then ${later}`);
      assert.deepEqual(notesFiles(), [path.basename(notesFile)], 'one notes file');
      console.log(`# meeting started, first lines in ${ms(t0)}`);
    });

    it('Pause from the palette, Resume from the status bar menu: capture stops and starts again, the workers stay', async () => {
      const t0 = performance.now();
      const before = ourWorkers().map((w) => w.pid).sort();
      assert.equal(before.length, 2, 'one worker per source');
      await wb.runCommand('Voxnote: Pause Meeting Notes');
      await waitForItem(item, /paused$/);
      await waitUntil('capture to stop', () => captures().length === 0);
      await item.click();
      await choose(page, 'Resume');
      await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me\s+Others$/);
      await bothCapturing();
      assert.deepEqual(ourWorkers().map((w) => w.pid).sort(), before, 'the same workers, models kept loaded');
      console.log(`# paused and resumed in ${ms(t0)}`);
    });

    it('typing into the unsaved notes while lines arrive, then Stop and Save: the edits and every line are in the one file', async () => {
      const t0 = performance.now();
      await notesTab().click();
      await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
      const spoken = speakBoth(PHASE_2);
      await page.keyboard.press('Control+Home');
      await page.keyboard.type(AGENDA);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await notified(page, 'edit the notes freely during the meeting');
      await spoken;
      await panel.locator('#utterances li', { hasText: 'run yes open' }).waitFor({ timeout: 20_000 });

      await item.click();
      await choose(page, 'Stop');
      await waitForItem(item, /^$/);
      await notified(page, 'the meeting notes are complete');
      const disk = fs.readFileSync(notesFile, 'utf8');
      assert.ok(!disk.includes(AGENDA), 'the typing is not saved yet');
      assert.match(disk, /\*\*Others:\*\* Run yes open\.\n\n---\n/, 'the last line and the footer are on disk');

      await notesTab().click();
      await page.locator('.monaco-editor.focused').waitFor({ state: 'visible' });
      await page.keyboard.press('Control+S');
      // VS Code: the file on disk is newer (Voxnote appended). Overwrite is right: the buffer has every line.
      const conflict = await notification(page, 'newer');
      await conflict.getByRole('button', { name: 'Overwrite' }).click();
      await closeNotifications(page);
      const text = await waitUntil('the save', () => {
        const t = fs.readFileSync(notesFile, 'utf8');
        return t.startsWith(AGENDA) && t;
      });

      assert.match(
        text,
        new RegExp(
          `^${AGENDA}\\n\\n# ${path.basename(notesFile, '.md')}\\n\\n- \\*\\*Date:\\*\\* \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\n` +
            '- \\*\\*Sources:\\*\\* Me \\(microphone\\), Others \\(system audio\\)\\n- \\*\\*Model:\\*\\* model\\n\\n',
        ),
        'the edit, then the header',
      );
      const lines = text.split('\n').filter((l) => LINE.test(l));
      assert.deepEqual(
        lines.map((l) => l.replace(LINE, '')),
        ['**Me:** Yes open.', '**Others:** Close file.', '**Me:** No save run.', '**Others:** Run yes open.'],
        text,
      );
      const times = lines.map(seconds);
      assert.deepEqual([...times].sort((a, b) => a - b), times, `times in order: ${lines.join(' | ')}`);
      assert.match(text, /\n\n---\n\n- \*\*Duration:\*\* \d\d:\d\d:\d\d\n- \*\*Words:\*\* Me 5, Others 5\n\n$/, 'the footer ends the file');
      assert.deepEqual(notesFiles(), [path.basename(notesFile)], 'one notes file');

      // The journal has the exact times: each source's utterances in the played order, phase 2 after phase 1.
      const journal = parseJournal(fs.readFileSync(path.join(notesFolder, `.${path.basename(notesFile)}.voxnote.jsonl`), 'utf8'));
      assert.ok(journal.end, 'the journal records the end');
      const u = journal.utterances;
      assert.deepEqual(u.map((x) => `${x.speaker}: ${x.text}`), ['Me: Yes open.', 'Others: Close file.', 'Me: No save run.', 'Others: Run yes open.']);
      assert.ok(u[0].start < u[1].start && u[1].end < u[2].start && u[2].start < u[3].start, JSON.stringify(u));
      assert.ok(u[3].start < u[2].end, 'in phase 2 the sources overlap, each heard by its own recognizer');
      console.log(`# typed, stopped, saved in ${ms(t0)}`);
    });

    it('a window reload mid-meeting: "Resume meeting notes into …?" continues the same file, with a remark where', async () => {
      const t0 = performance.now();
      await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
      await choose(page, 'Microphone and system audio'); // offered first: last used
      await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me\s+Others$/);
      await bothCapturing();
      const file = path.join(notesFolder, await waitUntil('a second notes file', () => notesFiles().find((f) => f !== path.basename(notesFile))));
      await audio.play('mic', toneWav([0.3, 'save', 0.35, 'file', 1.5], { sampleRate: 48000 }).path);
      await waitUntil('the first line on disk', () => fs.readFileSync(file, 'utf8').includes('**Me:** Save file.'));
      const oldWorkers = ourWorkers().map((w) => w.pid);

      await page.reload();
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await sleep(3000); // the harness's settle time before typing
      await waitUntil('the old workers to go', () => ourWorkers().every((w) => !oldWorkers.includes(w.pid)));
      const offer = await notification(page, `Resume meeting notes into ${path.basename(file)}?`, 30_000);
      await offer.getByRole('button', { name: 'Resume' }).click();
      await closeNotifications(page);
      await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me\s+Others$/);
      await bothCapturing();
      await audio.play('system', toneWav([0.3, 'no', 0.35, 'run', 1.5], { sampleRate: 48000 }).path);
      await waitUntil('the line after the reload', () => fs.readFileSync(file, 'utf8').includes('**Others:** No run.'));
      assert.equal(notesFiles().length, 2, 'resumed into the same file, no new one');
      console.log(`# reloaded and resumed in ${ms(t0)}`);
    });

    it('kill -9 of the system audio worker: a warning that it restarts, and the next lines go to the same file', async () => {
      const t0 = performance.now();
      const file = path.join(notesFolder, notesFiles().find((f) => f !== path.basename(notesFile))!);
      const system = ourWorkers().find((w) => captureTools(w.pid).some((c) => c.argv.includes(VIRTUAL.monitor)));
      assert.ok(system, 'the system audio worker');
      process.kill(system.pid, 'SIGKILL');
      await notified(page, 'Voxnote is restarting it');
      await waitUntil('a new system audio worker', () => ourWorkers().every((w) => w.pid !== system.pid) && ourWorkers().length === 2);
      await bothCapturing();
      await audio.play('system', toneWav([0.3, 'run', 0.35, 'open', 1.5], { sampleRate: 48000 }).path);
      await waitUntil('the line after the restart', () => fs.readFileSync(file, 'utf8').includes('**Others:** Run open.'));
      await wb.runCommand('Voxnote: Stop Meeting Notes');
      await waitForItem(item, /^$/);

      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n').filter((l) => LINE.test(l) || l.startsWith('_Resumed at'));
      assert.equal(lines.length, 4, text);
      assert.match(lines[0], /\*\*Me:\*\* Save file\.$/);
      assert.match(lines[1], /^_Resumed at \d\d:\d\d:\d\d after an interruption; speech during the interruption is not in these notes\._$/);
      assert.match(lines[2], /\*\*Others:\*\* No run\.$/);
      assert.match(lines[3], /\*\*Others:\*\* Run open\.$/);
      assert.match(text, /- \*\*Words:\*\* Me 2, Others 4\n\n$/);
      assert.equal(notesFiles().length, 2, 'still the same file');
      console.log(`# recovered from kill -9 in ${ms(t0)}`);
    });

    it('the notes folder refuses (a file in its way): an error with the hint, the panel keeps the line marked; once fixed, all is written', async () => {
      const t0 = performance.now();
      const before = notesFiles();
      await wb.runCommand('Voxnote: Show Transcript'); // the panel of the reloaded window
      panel = await wb.findWebviewFrame('#utterances');
      const moved = `${notesFolder}.moved`;
      fs.renameSync(notesFolder, moved);
      fs.writeFileSync(notesFolder, 'in the way');
      try {
        await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
        await choose(page, 'Microphone only');
        await waitForItem(item, /^\d\d:\d\d:\d\d\s+Me$/);
        await notified(page, 'part of its path is a file, not a folder');
        await waitUntil('the microphone to be captured', () => captures().length === 1);
        await audio.play('mic', toneWav([0.3, 'open', 0.35, 'file', 1.5], { sampleRate: 48000 }).path);
        await panel.locator('#utterances li.pending', { hasText: 'open file' }).waitFor({ timeout: 20_000 });
      } finally {
        fs.rmSync(notesFolder);
        fs.renameSync(moved, notesFolder);
      }
      await notified(page, 'the meeting notes are written again; nothing was lost');
      await panel.locator('#utterances li.pending').waitFor({ state: 'detached', timeout: 10_000 });
      await wb.runCommand('Voxnote: Stop Meeting Notes');
      await waitForItem(item, /^$/);

      const added = notesFiles().filter((f) => !before.includes(f));
      assert.equal(added.length, 1, `one new notes file: ${added.join(', ')}`);
      const text = fs.readFileSync(path.join(notesFolder, added[0]), 'utf8');
      assert.match(text, /^# .+\n\n- \*\*Date:\*\* .+\n- \*\*Sources:\*\* Me \(microphone\)\n- \*\*Model:\*\* model\n\n\[\d\d:\d\d:\d\d\] \*\*Me:\*\* Open file\.\n\n---\n/);
      assert.match(text, /- \*\*Words:\*\* Me 2\n\n$/);
      console.log(`# write failure kept and recovered in ${ms(t0)}`);
    });

    it('Export Meeting Notes as Subtitles with no notes open: a pick of the notes folder\'s notes, newest first', async () => {
      fs.writeFileSync(path.join(workspace, 'todo.txt'), '');
      await wb.openFile('todo.txt');
      await runPickCommand(page, 'Voxnote: Export Meeting Notes as Subtitles…', 'Voxnote: Export Meeting Notes as Subtitles');
      const rows = await page.locator('.quick-input-widget .monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      await page.keyboard.press('Escape');
      const newestFirst = notesFiles()
        .map((f) => ({ name: f.slice(0, -'.md'.length), modified: fs.statSync(path.join(notesFolder, f)).mtimeMs }))
        .sort((a, b) => b.modified - a.modified)
        .map((n) => n.name);
      assert.ok(newestFirst.length >= 2, `the meetings above left notes: ${newestFirst.join(', ')}`);
      assert.equal(rows.length, newestFirst.length + 1, JSON.stringify(rows));
      newestFirst.forEach((name, i) => assert.ok(rows[i].startsWith(name) && !rows[i].startsWith(`${name} (`), `row ${i}: ${rows[i]}, expected ${name}`));
      assert.match(rows[rows.length - 1], /Choose a File/);
    });
  });

  it('the mocha suite inside the extension host passes (Transcribe Audio File, Export as Subtitles)', async () => {
    const t0 = performance.now();
    // The installed folder as the development path: the suite runs against the packaged files.
    const wb = await server.openWorkbench({ folder: workspace, extensionDevelopmentPath: extDir, extensionTestsPath: SUITE_INDEX });
    const { code, output } = await wb.testsDone(180_000);
    await wb.dispose();
    console.log(`# extension-host suite in ${ms(t0)}`);
    assert.equal(code, 0, output);
    assert.match(output, /3 passing/, output);
  });
});
