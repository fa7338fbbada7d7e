/** Runs the real bundled worker (dist/worker.js) for tests, through the real client. */
import * as fs from 'fs';
import { after } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { SpeechService, SpeechServiceOptions } from '../../src/speech/speechService';
import { CommandDraft, WorkerClient } from '../../src/speech/workerClient';
import type { EngineSpec, WorkerEvent } from '../../src/shared/protocol';
import { workers } from './processes';
import { buildToneModel } from './toneModel';
import { encodeWav, toneScript, ToneScript } from './toneAudio';

/** The checkout: the first folder up with a package.json (out/test/support/ compiled, dist/ in the bench bundle). */
export const ROOT = ((start: string): string => {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
})(__dirname);
export const WORKER = path.join(ROOT, 'dist', 'worker.js');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `voxnote-${prefix}-`));
}

/** A fresh tone model folder. */
export function toneModel(): string {
  const dir = tempDir('model');
  buildToneModel(dir);
  return dir;
}

/** Writes a tone script as a 16-bit WAV (or the given rate) and returns its path and truth. */
export function toneWav(items: Array<string | number>, opts: { sampleRate?: number; stereo?: boolean } = {}): { path: string; script: ToneScript } {
  const script = toneScript(items, { sampleRate: opts.sampleRate });
  const file = path.join(tempDir('audio'), 'tones.wav');
  fs.writeFileSync(file, encodeWav(opts.stereo ? [script.samples, script.samples] : script.samples, script.sampleRate, 'pcm16'));
  return { path: file, script };
}

/**
 * Workers not yet exited. A test that fails before close() would leave its worker
 * alive and keep the test file's process from ever exiting: after the file's tests,
 * whatever is left is killed, and so is any worker a speech service of the file started.
 */
const live = new Set<WorkerClient>();
// Only under the test runner (it sets NODE_TEST_CONTEXT): elsewhere (the bench) a hook would start a report.
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    // Only Linux has /proc to find the workers a speech service started; elsewhere the clients' own are killed.
    const started = process.platform === 'linux' ? workers(process.pid) : [];
    const pids = new Set([...[...live].map((c) => c.pid), ...started.map((w) => w.pid)]);
    for (const pid of pids) {
      try {
        process.kill(pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** A speech service on the bundled worker, as the extension and the CLI make one. */
export function speechService(options: Omit<SpeechServiceOptions, 'workerPath'> = {}): SpeechService {
  return new SpeechService({ workerPath: WORKER, ...options });
}

export const vosk = (model: string): EngineSpec => ({ kind: 'vosk', model });

export class TestWorker {
  readonly client: WorkerClient;
  readonly events: WorkerEvent[] = [];
  readonly stderr: string[] = [];

  /** workerPath: another bundle than the tree's, e.g. one unpacked from a .vsix. */
  constructor(env?: NodeJS.ProcessEnv, unresponsiveMs?: number, workerPath = WORKER) {
    this.client = new WorkerClient({ workerPath, env, unresponsiveMs, log: (l) => this.stderr.push(l) });
    live.add(this.client);
    void this.client.exited.then(() => live.delete(this.client));
    this.client.onEvent((e) => this.events.push(e));
  }

  /** Sends a command under a new request id; returns the id. */
  send(command: CommandDraft): number {
    return this.client.send(command);
  }

  /** Resolves with the first event (from now or already seen) that matches. */
  waitFor<T extends WorkerEvent>(match: (e: WorkerEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (e: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  waitFor(match: (e: WorkerEvent) => boolean, timeoutMs = 20000): Promise<WorkerEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`timed out; events: ${JSON.stringify(this.events.filter((e) => e.type !== 'level' && e.type !== 'progress'))}\nstderr: ${this.stderr.slice(-5).join('\n')}`));
      }, timeoutMs);
      const sub = this.client.onEvent((e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e);
      });
    });
  }

  of<T extends WorkerEvent['type']>(type: T): Extract<WorkerEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  }

  async close(): Promise<void> {
    if (this.client.alive) await this.client.shutdown();
  }
}

export const isType =
  <T extends WorkerEvent['type']>(type: T) =>
  (e: WorkerEvent): e is Extract<WorkerEvent, { type: T }> =>
    e.type === type;
