/**
 * Test Model Speed: a model's real-time factor on this machine, measured on
 * the speech clip Voxnote ships (media/speed-test/speech.wav) through the real
 * path: a worker of the speech service, the engine loaded as dictation loads
 * it (the threads dictation alone gets from the one budget), the clip read as
 * fast as it decodes. Loading is not counted. No VS Code API here: the
 * command (vscode/speedCommand.ts) and the CLI (`voxnote speed`) share it.
 */
import * as fs from 'fs/promises';
import * as os from 'os';
import { VoxnoteError } from '../shared/errors';
import type { EngineSpec } from '../shared/protocol';
import { readWavInfo } from '../shared/wav';
import type { SpeechService } from './speechService';
import type { ModelSpeed } from '../models/modelSpeed';

export interface SpeedTestOptions {
  speech: SpeechService;
  /** A local model's engine (Vosk or sherpa-onnx). */
  engine: EngineSpec;
  /** The speech to decode: the shipped clip. */
  clip: string;
  signal?: AbortSignal;
  onProgress?: (p: { stage: 'loading' | 'decoding'; percent: number }) => void;
}

export interface SpeedMeasurement extends ModelSpeed {
  /** Seconds of audio decoded, and the wall seconds it took. */
  audioSeconds: number;
  decodeSeconds: number;
  /** Seconds the model took to load (not in the factor). */
  loadSeconds: number;
}

/** Resolves undefined when cancelled; rejects with a VoxnoteError when the model cannot load or decode. */
export async function measureSpeed(o: SpeedTestOptions): Promise<SpeedMeasurement | undefined> {
  if (o.engine.kind !== 'vosk' && o.engine.kind !== 'sherpa') {
    throw new VoxnoteError('bad-command', 'Test Model Speed measures a local model; this engine runs elsewhere.', 'Select a local model with "Voxnote: Select Model" and run it again.');
  }
  const audioSeconds = await clipSeconds(o.clip);
  const lane = o.speech.createLane('speed test', { measures: true });
  try {
    if (o.signal?.aborted) return undefined;
    o.onProgress?.({ stage: 'loading', percent: 0 });
    const t0 = performance.now();
    await lane.warm(o.engine);
    const loadSeconds = (performance.now() - t0) / 1000;
    if (o.signal?.aborted) return undefined;
    const session = lane.createSession({
      engine: o.engine,
      purpose: 'transcription',
      source: { kind: 'file', path: o.clip },
      options: { partials: false, levels: false },
      restart: false,
    });
    let started = performance.now();
    session.onStarted(() => (started = performance.now()));
    session.onProgress((p) => o.onProgress?.({ stage: 'decoding', percent: Math.min(100, (p.seconds / audioSeconds) * 100) }));
    const stop = () => void session.stop({ discard: true });
    o.signal?.addEventListener('abort', stop, { once: true });
    const end = await session.ended.finally(() => o.signal?.removeEventListener('abort', stop));
    const decodeSeconds = (performance.now() - started) / 1000;
    if (o.signal?.aborted || end.reason === 'requested') return undefined;
    if (end.error) throw new VoxnoteError(end.error.code, end.error.message, end.error.hint);
    const spec = session.engineSpec;
    return {
      rtf: decodeSeconds / audioSeconds,
      threads: spec.kind === 'sherpa' ? spec.threads ?? 1 : 1,
      cores: os.availableParallelism(),
      measuredAt: new Date().toISOString(),
      audioSeconds,
      decodeSeconds,
      loadSeconds,
    };
  } finally {
    await lane.shutdown();
  }
}

async function clipSeconds(clip: string): Promise<number> {
  let fh;
  try {
    fh = await fs.open(clip, 'r');
    return (await readWavInfo(fh)).durationSeconds;
  } catch (e) {
    throw new VoxnoteError('file-not-found', `The speed test's speech (${clip}) cannot be read: ${(e as Error).message}`, 'Reinstall Voxnote.');
  } finally {
    await fh?.close();
  }
}

/** This machine's yardstick (the bundled VAD's real-time factor), from a short-lived worker; rejects when it cannot be measured. */
export async function measureMachine(speech: SpeechService): Promise<number> {
  const lane = speech.createLane('yardstick', { decodes: false });
  try {
    return (await lane.worker().request({ type: 'yardstick' }, 'yardstick', 30_000)).vadRtf;
  } finally {
    await lane.shutdown();
  }
}
