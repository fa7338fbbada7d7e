/**
 * Runs INSIDE the extension host of a real VS Code as its extensionTestsPath
 * (bundled to dist/benchHost.js), started by bench/dictation.ts: measures
 * instead of asserting, and logs one `voxnote-bench {json}` line, which
 * reaches the driver through the workbench's automation log.
 *
 * The plan is a JSON file named by VOXNOTE_BENCH_PLAN (the driver rewrites it
 * before each window, the variable reaches this process through code-server's
 * environment).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { VoxnoteApi } from '../src/api';
import type { WorkerEvent } from '../src/shared/protocol';
import { VIRTUAL } from '../test/support/pulse';
import { HostPlan, HostResult, PLAN_ENV, RESULT_PREFIX } from './dictationPlan';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VS Code's performance marks in this extension host (vs/base/common/performance keeps them on globalThis). */
function vsCodeMarks(): Map<string, number> {
  const perf = (globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }).MonacoPerformanceMarks;
  return new Map((perf?.getMarks() ?? []).map((m) => [m.name, m.startTime]));
}

const EXTENSION_ID = 'voxnote.voxnote';

async function activation(ext: vscode.Extension<VoxnoteApi | undefined>): Promise<{ api: VoxnoteApi; sample: HostResult['activation'] }> {
  const alreadyActive = ext.isActive;
  const t0 = performance.now();
  const api = await ext.activate();
  const activateCallMs = alreadyActive ? undefined : performance.now() - t0;
  // Exported in test and development mode only: the driver loads the package as the development extension.
  if (!api) throw new Error(`${EXTENSION_ID} exported no API: it is not running in test mode (extensionDevelopmentPath)`);
  const marks = vsCodeMarks();
  const span = (what: string) => {
    const from = marks.get(`code/extHost/will${what}/${EXTENSION_ID}`);
    const to = marks.get(`code/extHost/did${what}/${EXTENSION_ID}`);
    return from === undefined || to === undefined ? undefined : to - from;
  };
  return {
    api,
    sample: { alreadyActive, activateCallMs, moduleLoadMs: span('LoadExtensionCode'), activateMs: span('ActivateExtension'), activateBodyMs: api.activationMs },
  };
}

/** Worker events as the bench sees them, with the time each arrived. */
class EventLog implements vscode.Disposable {
  readonly events: { event: WorkerEvent; at: number }[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscription: vscode.Disposable;

  constructor(api: VoxnoteApi, onEvent: (e: WorkerEvent, at: number) => void = () => undefined) {
    this.subscription = api.onWorkerEvent((event) => {
      const at = performance.now();
      onEvent(event, at);
      this.events.push({ event, at });
      for (const w of this.waiters) w();
    });
  }

  /** The first `type` event logged at or after index `from`. */
  async next(type: WorkerEvent['type'], from: number, timeoutMs = 20_000): Promise<{ event: WorkerEvent; at: number }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find((e) => e.event.type === type);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no "${type}" event within ${timeoutMs} ms; saw: ${this.seen(from)}`);
      await new Promise<void>((resolve) => {
        const wake = () => (this.waiters.delete(wake), clearTimeout(timer), resolve());
        const timer = setTimeout(wake, 200);
        this.waiters.add(wake);
      });
    }
  }

  seen(from = 0): string {
    return this.events.slice(from).filter((e) => e.event.type !== 'level').map((e) => JSON.stringify(e.event)).join('\n');
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function playIntoMic(wav: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('paplay', ['-d', VIRTUAL.micFeedSink, wav], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}: ${err}`))));
  });
}

/**
 * Final → document: t0 when the bench's worker-event listener gets a `final`. It was
 * subscribed after the controller's, in the same emit of the same parsed line, so the
 * controller has only queued the insertion (it runs in later microtasks) when t0 is
 * taken; t0 misses just the line's JSON parse and that synchronous queueing. t1 when
 * onDidChangeTextDocument reports a change carrying the final's words (the edit has
 * been applied by the workbench and the document model is back in this process).
 */
async function finalToDocument(api: VoxnoteApi, plan: HostPlan): Promise<Pick<HostResult, 'finalToDocumentMs' | 'finals' | 'loadedDuringSession' | 'plainEditMs'>> {
  const doc = await vscode.workspace.openTextDocument({ content: '' });
  await vscode.window.showTextDocument(doc);
  const pending: { text: string; at: number }[] = [];
  const latencies: number[] = [];
  const log = new EventLog(api, (e, at) => {
    if (e.type === 'final') pending.push({ text: e.text.toLowerCase(), at });
  });
  const changes = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== doc) return;
    const at = performance.now();
    for (const change of e.contentChanges) {
      const i = pending.findIndex((p) => p.text === change.text.trim().toLowerCase());
      if (i >= 0) latencies.push(at - pending.splice(i, 1)[0].at);
    }
  });
  try {
    await vscode.commands.executeCommand('voxnote.startDictation');
    await log.next('started', 0);
    await playIntoMic(plan.wav);
    const finals = () => log.events.filter((e) => e.event.type === 'final').length;
    for (const until = Date.now() + 20_000; (finals() < plan.utterances || pending.length) && Date.now() < until; ) await sleep(50);
    const plainEditMs = await plainEdits(doc, plan.utterances);
    const stopAt = log.events.length;
    await vscode.commands.executeCommand('voxnote.stopDictation');
    await log.next('stopped', stopAt);
    if (pending.length) throw new Error(`finals never reached the document: ${JSON.stringify(pending)}; document: ${JSON.stringify(doc.getText())}`);
    return {
      finalToDocumentMs: latencies,
      plainEditMs,
      finals: finals(),
      loadedDuringSession: log.events.some((e) => e.event.type === 'ready'),
    };
  } finally {
    changes.dispose();
    log.dispose();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

/**
 * The workbench's own share: TextEditor.edit of one word, from the call to the
 * onDidChangeTextDocument carrying it, in the same window while the session
 * still listens (to silence). The controller's insertion makes this same trip.
 */
async function plainEdits(doc: vscode.TextDocument, runs: number): Promise<number[]> {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document !== doc) throw new Error('the dictation document is no longer the active editor');
  const took: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t1 = 0;
    const seen = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && e.contentChanges.some((c) => c.text === ' x')) t1 ||= performance.now();
    });
    const t0 = performance.now();
    await editor.edit((b) => b.insert(doc.lineAt(doc.lineCount - 1).range.end, ' x'));
    while (!t1) await sleep(1);
    seen.dispose();
    took.push(t1 - t0);
    await sleep(250);
  }
  return took;
}

/**
 * Push-to-talk with a warm worker (mode 'toggle', set by the driver): from running
 * voxnote.pushToTalk to the worker's `started` (capture running) arriving here. The
 * second press that stops comes after the hold detector's first-repeat window
 * (750 ms), or it would count as the first press's key repeat.
 */
async function pushToTalk(api: VoxnoteApi, runs: number): Promise<number[]> {
  const log = new EventLog(api);
  const took: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const from = log.events.length;
      const t0 = performance.now();
      await vscode.commands.executeCommand('voxnote.pushToTalk');
      const { at } = await log.next('started', from);
      took.push(at - t0);
      await sleep(1000);
      await vscode.commands.executeCommand('voxnote.pushToTalk');
      await log.next('stopped', from);
      await sleep(1000);
    }
    if (log.events.some((e) => e.event.type === 'ready')) throw new Error(`the worker loaded the model during push-to-talk: it was not warm:\n${log.seen()}`);
    return took;
  } finally {
    log.dispose();
  }
}

export async function run(): Promise<void> {
  const plan = JSON.parse(fs.readFileSync(process.env[PLAN_ENV] ?? '', 'utf8')) as HostPlan;
  const ext = vscode.extensions.getExtension<VoxnoteApi | undefined>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const { api, sample } = await activation(ext);
  const result: HostResult = { activation: sample };
  if (plan.measure === 'dictation') {
    Object.assign(result, await finalToDocument(api, plan));
    // The session just run left the worker up with the model loaded: what voxnote.preloadModel gives.
    result.pushToTalkMs = await pushToTalk(api, plan.pushToTalkRuns);
  }
  console.log(RESULT_PREFIX + JSON.stringify(result));
}
