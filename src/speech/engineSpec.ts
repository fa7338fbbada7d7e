/**
 * Host-side helpers for the protocol's EngineSpec: which engine a model folder
 * means, and how an engine is named to a person. Names never include a
 * credential, so they are safe in messages and logs.
 */
import type { ModelCheck } from '../shared/modelFolder';
import type { EngineSpec } from '../shared/protocol';

/** The engine follows from the model: the folder check says which engine reads it. */
export function engineForModel(model: string, check: Extract<ModelCheck, { ok: true }>, sherpa: { maxSegmentSeconds?: number } = {}): EngineSpec {
  const kind = (check as { engine?: 'vosk' | 'sherpa' }).engine ?? 'vosk';
  return kind === 'sherpa' && sherpa.maxSegmentSeconds !== undefined ? { kind, model, maxSegmentSeconds: sherpa.maxSegmentSeconds } : { kind, model };
}

/** True when the engine sends audio off this machine. */
export const isCloud = (engine: EngineSpec): boolean => engine.kind === 'assemblyai';

/** "the model at /x" or "AssemblyAI streaming": for messages ("while loading …"). */
export function describeEngine(engine: EngineSpec): string {
  if (engine.kind === 'assemblyai') return 'AssemblyAI streaming';
  return `the model at ${engine.model}`;
}

/** Short label for status bars and headers. */
export function engineLabel(engine: EngineSpec, modelName?: string): string {
  return engine.kind === 'assemblyai' ? 'AssemblyAI (cloud)' : (modelName ?? engine.model);
}
