/**
 * "Voxnote: Test Model Speed": measures the active model on this machine
 * (../speedTest.ts) in a cancellable progress notification, records it
 * (modelSpeed.ts, in globalState), and says plainly whether it keeps up with
 * live dictation, naming a model that does when it does not. Also run, without
 * waiting for it, after a model is installed.
 */
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { maxSegmentSeconds } from '../../config';
import { withDeadline } from '../../shared/deadline';
import { VoxnoteError } from '../../shared/errors';
import { notify } from '../../notify/nextSteps';
import type { SpeechService } from '../speechService';
import { engineForModel } from '../engineSpec';
import { CatalogEntry, catalogPath, FIRST_RUN, firstRunLanguage, formatSize, loadCatalog } from '../../models/catalog';
import { keepsUpLive, partialCadence, readSpeed, readYardstick, speedMessage, speedVerdict, SpeedVerdict, writeSpeed, writeYardstick } from '../../models/modelSpeed';
import type { ModelStore } from '../../models/modelStore';
import { liveInstead, recommendModel } from '../../models/recommend';
import { measureMachine, measureSpeed } from '../speedTest';

export const TEST_MODEL_SPEED = 'voxnote.testModelSpeed';
const FIRST_RUN_WAIT_MS = 5000;

/** What executeCommand resolves with; undefined when cancelled or impossible. */
export interface SpeedTestOutcome {
  model: string;
  rtf: number;
  verdict: SpeedVerdict;
  message: string;
}

export class ModelSpeeds {
  private running = false;
  private measuring?: Promise<number | undefined>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly models: ModelStore,
    private readonly speech: SpeechService,
    /** A model was measured: its partial cadence changed (a warm worker loads it again). */
    private readonly onMeasured: () => void = () => undefined,
  ) {}

  /** The partial cadence for a model folder measured on this machine (EngineChoice reads it). */
  cadence(modelPath: string): ReturnType<typeof partialCadence> | undefined {
    const speed = readSpeed(this.context.globalState, modelPath, os.availableParallelism());
    return speed && partialCadence(speed.rtf);
  }

  /** Real-time factors measured here, by installed model name. */
  measured(): Map<string, number> {
    const cores = os.availableParallelism();
    const out = new Map<string, number>();
    for (const name of this.models.installed()) {
      const speed = readSpeed(this.context.globalState, path.join(this.models.folder, name), cores);
      if (speed) out.set(name, speed.rtf);
    }
    return out;
  }

  /** The catalogue model to recommend for `language` on this machine; undefined without a measurement. */
  async recommend(catalog: readonly CatalogEntry[], language: string): Promise<CatalogEntry | undefined> {
    return (await this.recommendEach(catalog, [language]))[0];
  }

  /** The recommendations for `languages`, from one read of the measurements and the yardstick for them all. */
  async recommendEach(catalog: readonly CatalogEntry[], languages: Iterable<string>): Promise<CatalogEntry[]> {
    const measured = this.measured();
    const vadRtf = await this.yardstick();
    return [...languages].flatMap((language) => recommendModel(catalog, language, measured, vadRtf)?.entry ?? []);
  }

  /**
   * Offered first by Start Dictation without a model, beside the usual small model: the recommendation
   * for its language. The offer waits for the yardstick at most FIRST_RUN_WAIT_MS; a slower one is kept
   * for the next offer.
   */
  async firstRunOffer(): Promise<{ model: string; label: string } | undefined> {
    const catalog = this.catalog();
    const language = firstRunLanguage(catalog);
    if (!language || !(await withDeadline(this.yardstick(), FIRST_RUN_WAIT_MS))) return undefined;
    const entry = await this.recommend(catalog, language);
    return entry && entry.name !== FIRST_RUN.model ? { model: entry.name, label: `Download ${entry.name} (${formatSize(entry.size)}), recommended` } : undefined;
  }

  /** The machine's yardstick: measured once (a worker runs the bundled VAD for a fraction of a second), then remembered. */
  private async yardstick(): Promise<number | undefined> {
    const cores = os.availableParallelism();
    const known = readYardstick(this.context.globalState, cores);
    if (known) return known.vadRtf;
    this.measuring ??= measureMachine(this.speech)
      .then(async (vadRtf) => {
        await writeYardstick(this.context.globalState, { vadRtf, cores, measuredAt: new Date().toISOString() });
        return vadRtf;
      })
      // Not measurable (sherpa-onnx cannot load here): the usual offer stays.
      .catch(() => undefined)
      .finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  private catalog(): CatalogEntry[] {
    try {
      return loadCatalog(catalogPath(this.context.asAbsolutePath('models/catalog.json')));
    } catch {
      // Download Model… says what is wrong with the catalogue; here it only means nothing to recommend.
      return [];
    }
  }

  /** After an install: measured in the background, the person goes on meanwhile. */
  testInstalled(): void {
    void this.run();
  }

  async run(): Promise<SpeedTestOutcome | undefined> {
    const model = this.models.resolve();
    if (!model) {
      void vscode.window.showInformationMessage('Voxnote: there is no model to test yet. Download one first.', 'Download Model…').then((pick) => pick && vscode.commands.executeCommand('voxnote.downloadModel'));
      return undefined;
    }
    if (!model.check.ok) return void notify('error', `Voxnote: ${model.check.message} ${model.check.hint}`);
    if (this.running) return void vscode.window.showInformationMessage('Voxnote is already testing a model\'s speed: see its notification.');
    this.running = true;
    try {
      const engine = engineForModel(model.path, model.check, { maxSegmentSeconds: maxSegmentSeconds() });
      const measured = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Voxnote: testing the speed of "${model.name}"`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => abort.abort());
          let shown = 0;
          try {
            return await measureSpeed({
              speech: this.speech,
              engine,
              clip: this.context.asAbsolutePath(path.join('media', 'speed-test', 'speech.wav')),
              signal: abort.signal,
              onProgress: (p) => {
                if (p.stage === 'loading') return progress.report({ message: 'loading the model…' });
                const percent = Math.floor(p.percent);
                progress.report({ increment: percent - shown, message: `decoding built-in speech (${percent}%)` });
                shown = percent;
              },
            });
          } finally {
            cancel.dispose();
          }
        },
      );
      if (!measured) {
        void vscode.window.showInformationMessage('Voxnote: the speed test was cancelled; nothing was recorded.');
        return undefined;
      }
      const { rtf, threads, cores, measuredAt } = measured;
      await writeSpeed(this.context.globalState, model.path, { rtf, threads, cores, measuredAt });
      this.onMeasured();
      const pick = keepsUpLive(rtf) ? undefined : await this.instead(model.name);
      const message = speedMessage(model.name, rtf, pick?.name);
      void this.say(message, pick);
      return { model: model.name, rtf, verdict: speedVerdict(rtf), message };
    } catch (e) {
      const message = e instanceof VoxnoteError ? `${e.message} ${e.hint}` : (e as Error).message;
      void notify('error', `Voxnote: the speed test of "${model.name}" failed: ${message}`);
      return undefined;
    } finally {
      this.running = false;
    }
  }

  /** A model for live dictation instead of `current`, and whether it is installed. */
  private async instead(current: string): Promise<{ name: string; installed: boolean } | undefined> {
    const catalog = this.catalog();
    const name = liveInstead(catalog, current, this.measured(), await this.yardstick());
    return name ? { name, installed: this.models.installed().includes(name) } : undefined;
  }

  private async say(message: string, pick: { name: string; installed: boolean } | undefined): Promise<void> {
    if (!pick) return void vscode.window.showInformationMessage(`Voxnote: ${message}`);
    const action = pick.installed ? `Use ${pick.name}` : `Download ${pick.name}`;
    const chosen = await vscode.window.showWarningMessage(`Voxnote: ${message}`, action);
    if (chosen !== action) return;
    if (pick.installed) await this.models.select(pick.name);
    else await vscode.commands.executeCommand('voxnote.downloadModel', pick.name);
  }
}

export function registerSpeedTest(speeds: ModelSpeeds): vscode.Disposable {
  return vscode.commands.registerCommand(TEST_MODEL_SPEED, () => speeds.run());
}
