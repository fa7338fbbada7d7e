/**
 * Who spoke in meeting notes, in a REAL VS Code (code-server + headless
 * Chromium; the extension from this tree's dist/): the streaming sherpa tone
 * model as voxnote.model.path, the synthetic speaker-embedding and
 * segmentation models as voxnote.diarization.* (user settings), three tone
 * voices played into the virtual speaker. A strict live threshold splits a
 * voice into several labels while the meeting runs; the re-clustering at the
 * stop (3 people) corrects them in the open notes document and the file.
 * Driven like a person: Start Meeting Notes (system audio only), Stop, then
 * Rename Speaker (the notes and the journal export reads). One code-server.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { subtitlesFor } from '../../src/notes/notesExport';
import { buildSegmentationToneModel } from '../support/segmentationToneModel';
import { buildSpeakerToneModel } from '../support/speakerToneModel';
import type { VirtualAudio } from '../support/pulse';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { openAudioWorkbench, type AudioWorkbench } from './audioWorkbench';
import type { CodeServer, Workbench } from './harness';
import { choose, closeNotifications, runPickCommand, voxnoteStatusItem, waitForItem, waitUntil } from './workbenchUi';

/** Each voice says words whose tones lie in its own band: low yes/no, mid file/save, high stop/hello. */
const VOICE_OF: Record<string, string> = { Yes: 'low', No: 'low', File: 'mid', Save: 'mid', Stop: 'high', Hello: 'high' };
// Utterances of one voice in other proportions, so that a strict threshold tells them apart live.
const SAID = [['yes', 'no'], ['file', 'save'], ['no', 'yes', 'yes'], ['stop', 'hello'], ['save', 'file', 'save']];
/** A line as the notes format it: "No yes yes." */
const formatted = (words: string[]) => `${words.join(' ')}.`.replace(/^./, (c) => c.toUpperCase());
const wordsOf = (voice: string) => SAID.filter((w) => VOICE_OF[formatted(w).split(' ')[0]] === voice).reduce((n, w) => n + w.length, 0);
const LINE = /^\[\d\d:\d\d:\d\d\] \*\*(.+?):\*\* (.*)$/;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ label: m[1], text: m[2] }));

describe('who spoke in meeting notes, in a real VS Code (code-server)', () => {
  let audio: VirtualAudio;
  let server: CodeServer;
  let wb: Workbench;
  let notesFolder: string;
  let notesFile: string;
  let bench: AudioWorkbench | undefined;

  before(async () => {
    bench = await openAudioWorkbench('speakers', (tmp) => ({
      machineSettings: { 'voxnote.model.path': sherpaModel('streaming') },
      settings: {
        'voxnote.diarization.embeddingModel': buildSpeakerToneModel(path.join(tmp, 'diarization')),
        'voxnote.diarization.segmentationModel': buildSegmentationToneModel(path.join(tmp, 'diarization')),
        'voxnote.diarization.threshold': 0.999,
        'voxnote.diarization.speakers': 3,
        'voxnote.notes.formatLines': true,
        'files.autoSave': 'off',
      },
    }));
    ({ audio, server, wb } = bench);
    notesFolder = path.join(bench.workspace, 'notes');
  });

  after(async () => {
    await bench?.dispose();
  });

  /** Voxnote's log in this code-server, for a failure's message. */
  function voxnoteLog(): string {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/voxnote/i.test(e.name) && e.name.endsWith('.log')) found.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(path.join(server.userDataDir, 'logs'));
    return found.join('\n').split('\n').filter((l) => /Meeting notes/.test(l)).slice(-15).join('\n');
  }

  /** The label each voice has; fails when a voice has two or two voices one. */
  function labelsByVoice(got: Array<{ label: string; text: string }>): Map<string, string> {
    const byVoice = new Map<string, string>();
    for (const l of got) {
      const voice = VOICE_OF[l.text.split(' ')[0]];
      if (!byVoice.has(voice)) byVoice.set(voice, l.label);
      assert.equal(l.label, byVoice.get(voice), `${l.text}: ${JSON.stringify(got)}`);
    }
    assert.equal(new Set(byVoice.values()).size, 3, JSON.stringify(got));
    return byVoice;
  }
  let mid: string;

  it('system-audio lines are "Speaker N" by voice; the labels split live are corrected after the stop, lines and footer', async () => {
    const page = wb.page;
    await voxnoteStatusItem(page, 'voxnote.status').waitFor({ timeout: 60_000 });
    await runPickCommand(page, 'Voxnote: Start Meeting Notes', 'Voxnote: Start Meeting Notes');
    await choose(page, 'System audio only');
    await waitForItem(voxnoteStatusItem(page, 'voxnote.meeting'), /^\d\d:\d\d:\d\d\s+Others$/);
    notesFile = path.join(notesFolder, await waitUntil('the notes file', () => (fs.existsSync(notesFolder) ? fs.readdirSync(notesFolder).find((f) => f.endsWith('.md')) : undefined)));
    await audio.play('system', sherpaToneWav([0.5, ...SAID.flatMap((words) => [...words.flatMap((w) => [w, 0.3]), 2])], 48000).path);
    const live = lines(await waitUntil('every line in the notes', () => lines(fs.readFileSync(notesFile, 'utf8')).length === SAID.length && fs.readFileSync(notesFile, 'utf8'), 30_000));
    assert.deepEqual(live.map((l) => l.text), SAID.map(formatted));
    assert.ok(live.every((l) => /^Speaker \d$/.test(l.label)), JSON.stringify(live));
    assert.ok(new Set(live.map((l) => l.label)).size > 3, `live, the strict threshold splits a voice: ${JSON.stringify(live)}`);
    await wb.runCommand('Voxnote: Stop Meeting Notes');
    // The corrections go in once the footer is on disk.
    const text = await waitUntil('the corrected notes', () => {
      const t = fs.readFileSync(notesFile, 'utf8');
      return t.includes('- **Words:**') && new Set(lines(t).map((l) => l.label)).size === 3 && t;
    }, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${fs.readFileSync(notesFile, 'utf8')}\n${voxnoteLog()}`);
    });
    const byVoice = labelsByVoice(lines(text));
    mid = byVoice.get('mid')!;
    const words = [...byVoice].map(([voice, label]) => `${label} ${wordsOf(voice)}`).join(', ');
    assert.match(text, new RegExp(`- \\*\\*Words:\\*\\* ${words}\\n`));
    assert.doesNotMatch(text, /\*\*Others:\*\*/);
    // The notes document open beside holds the corrected text, saved: nothing unsaved is left.
    const tab = page.locator('.tab', { hasText: path.basename(notesFile) }).first();
    assert.doesNotMatch((await tab.getAttribute('class')) ?? '', /dirty/);
    await closeNotifications(page);
  });

  it('Rename Speaker names one voice everywhere: its lines, the footer and the subtitles export, no other line', async () => {
    const page = wb.page;
    await wb.openFile(path.basename(notesFile));
    // The meeting opened the notes beside; Quick Open shows them in the first group too.
    await page.locator('.tab.active', { hasText: path.basename(notesFile) }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('F1');
    await choose(page, 'Voxnote: Rename Speaker', { next: 'Voxnote: Rename Speaker' });
    await choose(page, mid, { next: `Voxnote: Rename ${mid}` });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Ana');
    await page.keyboard.press('Enter');
    const text = await waitUntil('the rename on disk', () => {
      const t = fs.readFileSync(notesFile, 'utf8');
      return t.includes('**Ana:**') && t;
    });
    const got = lines(text);
    assert.deepEqual(got.filter((l) => l.label === 'Ana').map((l) => l.text), ['File save.', 'Save file save.']);
    assert.ok(!got.some((l) => l.label === mid));
    assert.match(text, new RegExp(`- \\*\\*Words:\\*\\* .*\\bAna ${wordsOf('mid')}\\b`));
    assert.doesNotMatch(text, new RegExp(`\\b${mid}\\b`));
    // Export Meeting Notes as Subtitles reads the journal: it has the new name too.
    const vtt = await waitUntil('the rename in the journal', async () => {
      const v = await subtitlesFor(notesFile, 'vtt');
      return v.includes('<v Ana>') && v;
    });
    assert.deepEqual(vtt.match(/<v Ana>[^\n]+/g)?.length, 2, vtt);
    assert.doesNotMatch(vtt, new RegExp(`<v ${mid}>`));
  });
});
