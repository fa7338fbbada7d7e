/**
 * Runs INSIDE the extension host of a real VS Code, against the installed
 * extension: drives the dictation commands while tone speech plays into the
 * virtual microphone (the driver, test/vscode/dictation.test.ts, starts the
 * test PulseAudio and sets voxnote.model.path to a tone model).
 */
/// <reference types="mocha" />
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { captureTools, workers } from '../../support/processes';
import { VIRTUAL } from '../../support/pulse';
import { toneWav } from '../../support/worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns something truthy; the timeout error says what was last seen. */
async function waitFor<T>(what: string, probe: () => T | undefined | false, seen: () => string, timeoutMs = 20_000): Promise<T> {
  for (const until = Date.now() + timeoutMs; ; ) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last seen: ${seen()}`);
    await sleep(50);
  }
}

/** This extension host's worker (the extension spawns it on the first start). */
const worker = () => workers(process.pid)[0];
const captures = () => new Set((worker() ? captureTools(worker().pid) : []).map((p) => p.pid));
const processTree = () => JSON.stringify(workers(process.pid).map((w) => ({ worker: w.pid, captures: captureTools(w.pid).map((c) => c.argv.join(' ')) })));

/** Runs a dictation command and waits until a new capture process records the microphone. */
async function startListening(command: 'voxnote.startDictation' | 'voxnote.toggleDictation'): Promise<void> {
  const before = captures();
  await vscode.commands.executeCommand(command);
  await waitFor('the worker to open the microphone', () => [...captures()].some((pid) => !before.has(pid)), processTree);
}

async function stopListening(command: 'voxnote.stopDictation' | 'voxnote.toggleDictation'): Promise<void> {
  const before = captures();
  await vscode.commands.executeCommand(command);
  await waitFor('the capture to end', () => [...before].every((pid) => !captures().has(pid)), processTree);
}

/** Plays tone speech (words of the tone model, numbers are seconds of silence) into the virtual mic. */
function speak(items: Array<string | number>): Promise<void> {
  const wav = toneWav(items, { sampleRate: 48000 });
  return new Promise((resolve, reject) => {
    const child = spawn('paplay', ['-d', VIRTUAL.micFeedSink, wav.path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}: ${err}`))));
  });
}

async function editorWith(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content });
  return vscode.window.showTextDocument(doc);
}

const textIs = (doc: vscode.TextDocument, expected: string) =>
  waitFor(JSON.stringify(expected), () => doc.getText() === expected, () => JSON.stringify(doc.getText()));

async function undo(doc: vscode.TextDocument, expected: string): Promise<void> {
  await vscode.commands.executeCommand('undo');
  await textIs(doc, expected);
}

suite('Voxnote dictation in the real extension host', () => {
  suiteSetup(async () => {
    assert.ok(vscode.workspace.getConfiguration('voxnote').get<string>('model.path'), 'the driver sets voxnote.model.path');
    assert.ok(process.env.PULSE_SERVER, 'the extension host inherits the test PulseAudio');
    const ext = vscode.extensions.getExtension('voxnote.voxnote');
    assert.ok(ext, 'Voxnote is installed');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('voxnote.stopDictation');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Start Dictation puts each final at the cursor, formatted; one undo step per utterance', async () => {
    const editor = await editorWith('Notes:\n');
    const doc = editor.document;
    editor.selection = new vscode.Selection(doc.positionAt(doc.getText().length), doc.positionAt(doc.getText().length));
    await startListening('voxnote.startDictation');
    await speak([0.3, 'yes', 0.35, 'open', 0.35, 'run', 1.0, 'close', 0.35, 'file', 1.0]);
    await textIs(doc, 'Notes:\nYes open run close file');
    await stopListening('voxnote.stopDictation');

    await undo(doc, 'Notes:\nYes open run');
    await undo(doc, 'Notes:\n');
  });

  test('every cursor gets the words, formatted for its own context, in one undo step', async () => {
    const editor = await editorWith('First.\nSecond,');
    const doc = editor.document;
    editor.selections = [0, 1].map((line) => new vscode.Selection(doc.lineAt(line).range.end, doc.lineAt(line).range.end));
    await startListening('voxnote.startDictation');
    await speak([0.3, 'no', 0.35, 'save', 1.0]);
    await textIs(doc, 'First. No save\nSecond, no save');
    await stopListening('voxnote.stopDictation');
    await undo(doc, 'First.\nSecond,');
  });

  test('Toggle Dictation starts and stops listening', async () => {
    const editor = await editorWith('');
    await startListening('voxnote.toggleDictation');
    await speak([0.3, 'run', 0.35, 'yes', 1.0]);
    await textIs(editor.document, 'Run yes');
    await stopListening('voxnote.toggleDictation');
    assert.ok(worker(), 'the worker stays up for the next session');
  });
});
