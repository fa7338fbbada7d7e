/**
 * Dictation figures from a REAL VS Code (code-server + headless Chromium), with
 * the extension installed from the .vsix scripts/package.mjs builds and the tone
 * model on a virtual microphone. The measuring happens inside the extension host
 * (bench/dictationHost.ts, run as the window's extensionTestsPath); each window
 * load is a fresh extension host, so activation is sampled once per window.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startVirtualAudio } from '../test/support/pulse';
import { buildToneModel } from '../test/support/toneModel';
import { toneWav } from '../test/support/worker';
import { packageVoxnote, startCodeServer } from '../test/vscode/harness';
import { HostPlan, HostResult, PLAN_ENV, RESULT_PREFIX } from './dictationPlan';


export interface DictationBenchOptions {
  /** The bundles: dist/ with benchHost.js beside the extension's. */
  dist: string;
  /** Window loads, each one activation sample; the last also measures dictation. */
  windows?: number;
  utterances?: number;
  pushToTalkRuns?: number;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** n, p50, p95 and max of millisecond samples, to 0.1 ms. */
export function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
  return { n: s.length, p50Ms: at(50), p95Ms: at(95), maxMs: round(s[s.length - 1]) };
}

/** Short utterances of tone-model words, each ended by the silence that makes a final. */
function speech(utterances: number): Array<string | number> {
  const words = ['yes', 'open', 'file', 'save', 'run', 'close', 'no'];
  const items: Array<string | number> = [0.5];
  for (let i = 0; i < utterances; i++) {
    items.push(words[i % words.length]);
    if (i % 2) items.push(0.35, words[(i + 3) % words.length]);
    items.push(1.0);
  }
  return items;
}

export async function dictationBench(options: DictationBenchOptions) {
  const { windows = 5, utterances = 40, pushToTalkRuns = 10 } = options;
  const loadAtStart = os.loadavg()[0];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-bench-vscode-'));
  // First: code-server, its extension hosts and their workers inherit this PulseAudio.
  const audio = await startVirtualAudio(tmp);
  try {
    const model = path.join(tmp, 'model');
    buildToneModel(model);
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    const vsix = await packageVoxnote(tmp);
    const planFile = path.join(tmp, 'plan.json');
    const server = await startCodeServer({
      env: { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, PULSE_SERVER: process.env.PULSE_SERVER, [PLAN_ENV]: planFile },
      settings: { 'voxnote.preloadModel': true, 'voxnote.pushToTalk.mode': 'toggle' },
      machineSettings: { 'voxnote.model.path': model }, // a machine-overridable setting
      vsix: [vsix],
      tmpParent: tmp,
    });
    try {
      const installed = fs.readdirSync(server.extensionsDir).find((d) => d.startsWith('voxnote.voxnote-'));
      if (!installed) throw new Error(`the .vsix did not install: ${fs.readdirSync(server.extensionsDir).join(', ')}`);
      const wav = toneWav(speech(utterances), { sampleRate: 48000 }).path;
      const samples: HostResult[] = [];
      for (let i = 0; i < windows; i++) {
        const plan: HostPlan = { measure: i === windows - 1 ? 'dictation' : 'activation', wav, utterances, pushToTalkRuns };
        fs.writeFileSync(planFile, JSON.stringify(plan));
        // The installed folder as the development path: the runner measures the packaged files.
        const wb = await server.openWorkbench({
          folder: workspace,
          extensionDevelopmentPath: path.join(server.extensionsDir, installed),
          extensionTestsPath: path.join(options.dist, 'benchHost.js'),
        });
        const { code, output } = await wb.testsDone(300_000);
        await wb.dispose();
        const line = output.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
        if (code !== 0 || !line) throw new Error(`the extension-host bench failed (exit ${code}):\n${output}`);
        samples.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as HostResult);
      }
      const last = samples[samples.length - 1];
      const values = (key: keyof HostResult['activation']) =>
        samples.map((s) => s.activation[key]).filter((v): v is number => typeof v === 'number').map(round);
      return {
        where: 'code-server (VS Code 1.139 web) extension host, extension installed from the linux-x64 .vsix, tone model, virtual PulseAudio mic',
        // Shared machines: the figures' tails follow the load.
        loadAverage1mAtStart: round(loadAtStart),
        activation: {
          windows,
          activatedBeforeBench: samples.filter((s) => s.activation.alreadyActive).length,
          activateBodyMs: values('activateBodyMs'),
          vscodeActivateMs: values('activateMs'),
          vscodeModuleLoadMs: values('moduleLoadMs'),
          activateCallMs: values('activateCallMs'),
          target: "activate()'s own work < 20 ms",
        },
        finalToDocument: {
          ...stats(last.finalToDocumentMs!),
          finals: last.finals,
          workerWasWarm: !last.loadedDuringSession,
          target: 'p95 < 30 ms',
          // The same round trip for a plain edit: what VS Code itself takes here and now.
          plainEditBaseline: stats(last.plainEditMs!),
        },
        pushToTalkWarm: { ...stats(last.pushToTalkMs!), mode: 'toggle', target: '< 150 ms' },
      };
    } finally {
      await server.dispose();
    }
  } finally {
    await audio.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
