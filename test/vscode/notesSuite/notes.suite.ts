/**
 * Runs INSIDE the extension host of a real VS Code, against the installed
 * extension: Transcribe Audio File and Export Meeting Notes as Subtitles, run
 * as commands with their arguments (the explorer's context menu passes the
 * file) instead of the open dialog and the format pick. The driver,
 * test/vscode/notes.test.ts, sets voxnote.model.path to a tone model.
 */
/// <reference types="mocha" />
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toneWav } from '../../support/worker';

const SPOKEN = [0.3, 'yes', 0.35, 'open', 1.0, 'close', 0.35, 'file', 1.0];

const notesFolder = () => path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'notes');
const notesFiles = () => (fs.existsSync(notesFolder()) ? fs.readdirSync(notesFolder()).filter((f) => f.endsWith('.md')) : []);

/** Runs Transcribe Audio File on `recording`; returns the new notes file, checked to be the active editor. */
async function transcribe(recording: string): Promise<string> {
  const before = new Set(notesFiles());
  await vscode.commands.executeCommand('voxnote.transcribeAudioFile', vscode.Uri.file(recording));
  const added = notesFiles().filter((f) => !before.has(f));
  assert.equal(added.length, 1, `one new notes file: ${added.join(', ')}`);
  const file = path.join(notesFolder(), added[0]);
  assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file, 'the notes are opened');
  return file;
}

function assertNotes(file: string, recording: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const name = path.basename(recording);
  assert.match(text, new RegExp(`^# ${name.replace('.', '\\.')}\\n\\n- \\*\\*Date:\\*\\* .+\\n- \\*\\*Sources:\\*\\* ${name.replace('.', '\\.')}\\n- \\*\\*Model:\\*\\* model\\n\\n`));
  // One unnamed source: no labels. "close" starts at 2.1 s.
  assert.deepEqual(text.split('\n').filter((l) => l.startsWith('[')), ['[00:00:00] Yes open.', '[00:00:02] Close file.']);
  assert.match(text, /\n---\n\n- \*\*Duration:\*\* 00:00:0\d\n- \*\*Words:\*\* 4\n\n$/);
}

suite('Voxnote meeting notes from files, in the real extension host', () => {
  suiteSetup(() => {
    assert.ok(vscode.workspace.getConfiguration('voxnote').get<string>('model.path'), 'the driver sets voxnote.model.path');
  });

  test('Transcribe Audio File (WAV) writes notes like a meeting’s and opens them; Export as Subtitles writes SRT and WebVTT beside them', async () => {
    const wav = toneWav(SPOKEN).path;
    const notes = await transcribe(wav);
    assertNotes(notes, wav);

    const base = notes.slice(0, -'.md'.length);
    await vscode.commands.executeCommand('voxnote.exportSubtitles', vscode.Uri.file(notes), 'srt');
    const srt = fs.readFileSync(`${base}.srt`, 'utf8');
    assert.match(srt, /^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\nYes open\.\n\n2\n00:00:02,\d{3} --> 00:00:0\d,\d{3}\nClose file\.\n\n$/);
    // With no file given, the active editor's notes.
    await vscode.commands.executeCommand('voxnote.exportSubtitles', undefined, 'vtt');
    const vtt = fs.readFileSync(`${base}.vtt`, 'utf8');
    assert.match(vtt, /^WEBVTT\n\n00:00:00\.\d{3} --> 00:00:0\d\.\d{3}\nYes open\.\n\n00:00:02\.\d{3} --> 00:00:0\d\.\d{3}\nClose file\.\n\n$/);
  });

  test('Export given a file Voxnote did not write: refused before anything is asked, nothing written', async () => {
    const plain = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'plain.md');
    fs.writeFileSync(plain, '# Not meeting notes\n');
    // No format given: a check after the format pick would leave the command waiting for it.
    const done = vscode.commands.executeCommand('voxnote.exportSubtitles', vscode.Uri.file(plain));
    const waited = await Promise.race([Promise.resolve(done).then(() => 'done'), new Promise((r) => setTimeout(() => r('still waiting'), 10_000))]);
    assert.equal(waited, 'done');
    assert.deepEqual(fs.readdirSync(path.dirname(plain)).filter((f) => f.startsWith('plain.')), ['plain.md']);
  });

  test('Transcribe Audio File reads other formats through ffmpeg (FLAC)', async () => {
    const wav = toneWav(SPOKEN).path;
    const flac = path.join(path.dirname(wav), 'talk.flac');
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', wav, flac]);
    assertNotes(await transcribe(flac), flac);
  });
});
