/**
 * Who spoke in meeting notes, in a REAL VS Code (code-server + headless
 * Chromium; the extension from this tree's dist/): the streaming sherpa tone
 * model as voxnote.model.path, the synthetic speaker-embedding and
 * segmentation models as voxnote.diarization.* (user settings), three tone
 * voices played into the virtual speaker. Driven like a person: Start Meeting
 * Notes (system audio only), Stop, then Rename Speaker. One code-server.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSegmentationToneModel } from '../support/segmentationToneModel';
import { buildSpeakerToneModel } from '../support/speakerToneModel';
import { startVirtualAudio, type VirtualAudio } from '../support/pulse';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { prerequisites, PROJECT_ROOT, startCodeServer, type CodeServer, type Workbench } from './harness';
import { choose, closeNotifications, runPickCommand, voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

/** Each voice says words whose tones lie in its own band: low yes/no, mid file/save, high stop/hello. */
const VOICE_OF: Record<string, string> = { Yes: 'low', No: 'low', File: 'mid', Save: 'mid', Stop: 'high', Hello: 'high' };
const SAID = [['yes', 'no'], ['file', 'save'], ['no', 'yes'], ['stop', 'hello'], ['save', 'file']];
const LINE = /^\[\d\d:\d\d:\d\d\] \*\*(.+?):\*\* (.*)$/;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ label: m[1], text: m[2] }));

describe('who spoke in meeting notes, in a real VS Code (code-server)', () => {
  let tmp: string;
  let audio: VirtualAudio;
  let server: CodeServer;
  let wb: Workbench;
  let notesFolder: string;
  let notesFile: string;

  before(async () => {
    prerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-speakers-'));
    audio = await startVirtualAudio(tmp);
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    notesFolder = path.join(workspace, 'notes');
    const models = path.join(tmp, 'diarization');
    server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER },
      machineSettings: { 'voxnote.model.path': sherpaModel('streaming') },
      settings: {
        'voxnote.diarization.embeddingModel': buildSpeakerToneModel(models),
        'voxnote.diarization.segmentationModel': buildSegmentationToneModel(models),
        'voxnote.notes.formatLines': true,
        'files.autoSave': 'off',
      },
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

  it('system-audio lines are "Speaker N" by voice, also after the stop; the footer counts words per speaker', async () => {
    const page = wb.page;
    await voxnoteStatusItem(page, 'voxnote.status').waitFor({ timeout: 60_000 });
    await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
    await choose(page, 'System audio only');
    await waitForItem(voxnoteStatusItem(page, 'voxnote.meeting'), /^\d\d:\d\d:\d\d\s+Others$/);
    notesFile = path.join(notesFolder, await waitUntil('the notes file', () => (fs.existsSync(notesFolder) ? fs.readdirSync(notesFolder).find((f) => f.endsWith('.md')) : undefined)));
    await audio.play('system', sherpaToneWav([0.5, ...SAID.flatMap((words) => [...words.flatMap((w) => [w, 0.3]), 2])], 48000).path);
    await waitUntil('every line in the notes', () => lines(fs.readFileSync(notesFile, 'utf8')).length === SAID.length, 30_000);
    await wb.runCommand('Voxnote: Stop Meeting Notes');
    const text = await waitUntil('the footer', () => {
      const t = fs.readFileSync(notesFile, 'utf8');
      return t.includes('- **Words:**') && t;
    }, 30_000);
    const got = lines(text);
    assert.deepEqual(got.map((l) => l.text), ['Yes no.', 'File save.', 'No yes.', 'Stop hello.', 'Save file.']);
    const byVoice = new Map<string, string>();
    for (const l of got) {
      const voice = VOICE_OF[l.text.split(' ')[0]];
      if (!byVoice.has(voice)) byVoice.set(voice, l.label);
      assert.equal(l.label, byVoice.get(voice), `${l.text}: ${JSON.stringify(got)}`);
    }
    assert.deepEqual([...byVoice.values()], ['Speaker 1', 'Speaker 2', 'Speaker 3']);
    assert.match(text, /- \*\*Words:\*\* Speaker 1 4, Speaker 2 4, Speaker 3 2\n/);
    assert.doesNotMatch(text, /\*\*Others:\*\*/);
    await closeNotifications(page);
  });

  it('Rename Speaker names one voice everywhere: its lines and the footer, no other line', async () => {
    const page = wb.page;
    await wb.openFile(path.basename(notesFile));
    // The meeting opened the notes beside; Quick Open shows them in the first group too.
    await page.locator('.tab.active', { hasText: path.basename(notesFile) }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('F1');
    await choose(page, 'Voxnote: Rename Speaker', { next: 'Voxnote: Rename Speaker' });
    await choose(page, 'Speaker 2', { next: 'Voxnote: Rename Speaker 2' });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Ana');
    await page.keyboard.press('Enter');
    const text = await waitUntil('the rename on disk', () => {
      const t = fs.readFileSync(notesFile, 'utf8');
      return t.includes('**Ana:**') && t;
    });
    assert.deepEqual(
      lines(text).map((l) => l.label),
      ['Speaker 1', 'Ana', 'Speaker 1', 'Speaker 3', 'Ana'],
    );
    assert.match(text, /- \*\*Words:\*\* Speaker 1 4, Ana 4, Speaker 3 2\n/);
  });
});
