/**
 * Runs INSIDE the extension host of a real VS Code (bundled to dist/targetsHost.js,
 * started by bench/targets.ts): measures, logs one `voxnote-bench {json}` line.
 * - command final → effect: "save file" said during dictation, from the worker's
 *   `final` reaching this extension host to onDidSaveTextDocument;
 * - final → commit box: dictation with the focus in the Source Control input,
 *   from the `final` to the words in the commit box (the git extension's input box).
 * The final is timed as the bench's worker-event listener gets it: subscribed after
 * the controller's, in the same emit, so the delivery has only been queued then.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { VoxnoteApi } from '../src/api';
import { VIRTUAL } from '../test/support/pulse';
import { RESULT_PREFIX } from './dictationPlan';
import { TARGETS_PLAN_ENV, type TargetsPlan } from './targetsPlan';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function playIntoMic(wav: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('paplay', ['-d', VIRTUAL.micFeedSink, wav], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}`))));
  });
}

/** Final events with the time each reached this host. */
function finals(api: VoxnoteApi): { at: number[]; dispose(): void } {
  const at: number[] = [];
  const sub = api.onWorkerEvent((e) => {
    if (e.type === 'final' && e.text.trim()) at.push(performance.now());
  });
  return { at, dispose: () => sub.dispose() };
}

async function commandToEffect(api: VoxnoteApi, plan: TargetsPlan): Promise<{ viaVoice: number[]; direct: number[] }> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(plan.file));
  const editor = await vscode.window.showTextDocument(doc);
  const dirty = () => editor.edit((b) => b.insert(new vscode.Position(0, 0), 'x'));
  await dirty();
  const saves: number[] = [];
  const saved = vscode.workspace.onDidSaveTextDocument((d) => {
    if (d !== doc) return;
    saves.push(performance.now());
    void dirty();
  });
  const f = finals(api);
  try {
    await vscode.commands.executeCommand('voxnote.startDictation', { target: 'editor' });
    await sleep(1500);
    await playIntoMic(plan.commandWav);
    for (const until = Date.now() + 15_000; saves.length < plan.utterances && Date.now() < until; ) await sleep(50);
    await vscode.commands.executeCommand('voxnote.stopDictation');
    await sleep(1000);
    if (saves.length !== f.at.length) throw new Error(`${f.at.length} finals but ${saves.length} saves`);
    const viaVoice = saves.map((s, i) => s - f.at[i]);
    // The workbench's own share: the same save command run directly, to the same event.
    const direct: number[] = [];
    for (let i = 0; i < plan.utterances; i++) {
      await sleep(200);
      const from = saves.length;
      const t0 = performance.now();
      await vscode.commands.executeCommand('workbench.action.files.save');
      for (const until = Date.now() + 5000; saves.length === from && Date.now() < until; ) await sleep(1);
      direct.push(saves[from] - t0);
    }
    return { viaVoice, direct };
  } finally {
    saved.dispose();
    f.dispose();
  }
}

async function finalToCommitBox(api: VoxnoteApi, plan: TargetsPlan): Promise<{ ms: number[]; text: string; direct: number[] }> {
  type GitApi = { repositories: Array<{ inputBox: { value: string } }> };
  const git = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  const gitApi = (await git?.activate())?.getAPI(1);
  for (const until = Date.now() + 10_000; !gitApi?.repositories.length && Date.now() < until; ) await sleep(100);
  const repo = gitApi?.repositories[0];
  if (!repo) throw new Error('no git repository');
  await vscode.commands.executeCommand('workbench.view.scm');
  await vscode.commands.executeCommand('workbench.scm.action.focusNextInput');
  await sleep(500);
  const f = finals(api);
  const took: number[] = [];
  let seen = repo.inputBox.value;
  try {
    await vscode.commands.executeCommand('voxnote.startDictation', { target: 'commit' });
    await sleep(1500);
    const playing = playIntoMic(plan.commitWav);
    // The input box has no change event: polled every millisecond (the figure is ≤ 1 ms late).
    for (const until = Date.now() + 30_000; took.length < plan.utterances && Date.now() < until; await sleep(1)) {
      const value = repo.inputBox.value;
      if (value !== seen && f.at[took.length] !== undefined) {
        took.push(performance.now() - f.at[took.length]);
        seen = value;
      }
    }
    await playing;
    await vscode.commands.executeCommand('voxnote.stopDictation');
    const text = repo.inputBox.value;
    // The workbench's own share: VS Code's `type` into the focused commit box, to the same change.
    await sleep(1000);
    const direct: number[] = [];
    for (let i = 0; i < plan.utterances; i++) {
      seen = repo.inputBox.value;
      const t0 = performance.now();
      await vscode.commands.executeCommand('type', { text: ' x' });
      for (const until = Date.now() + 5000; repo.inputBox.value === seen && Date.now() < until; ) await sleep(1);
      direct.push(performance.now() - t0);
      await sleep(100);
    }
    return { ms: took, text, direct };
  } finally {
    f.dispose();
  }
}

export async function run(): Promise<void> {
  const plan = JSON.parse(fs.readFileSync(process.env[TARGETS_PLAN_ENV] ?? '', 'utf8')) as TargetsPlan;
  const ext = vscode.extensions.getExtension<VoxnoteApi | undefined>('voxnote.voxnote');
  const api = await ext?.activate();
  if (!api) throw new Error('voxnote.voxnote exported no API (not in test mode)');
  const commandMs = await commandToEffect(api, plan);
  const commit = await finalToCommitBox(api, plan);
  console.log(RESULT_PREFIX + JSON.stringify({ commandMs: commandMs.viaVoice, directSaveMs: commandMs.direct, commitMs: commit.ms, commitText: commit.text, directTypeMs: commit.direct }));
}
