/**
 * Host-side helper for the protocol's EngineSpec: which engine a model folder
 * means. What an engine is called and where its audio goes come from its
 * descriptor (shared/engines.ts).
 */
import type { ModelCheck } from '../shared/modelFolder';
import type { EngineSpec } from '../shared/protocol';

/** The engine follows from the model: the folder check says which engine reads it. */
export function engineForModel(model: string, check: Extract<ModelCheck, { ok: true }>, sherpa: { maxSegmentSeconds?: number } = {}): EngineSpec {
  const kind = (check as { engine?: 'vosk' | 'sherpa' }).engine ?? 'vosk';
  return kind === 'sherpa' && sherpa.maxSegmentSeconds !== undefined ? { kind, model, maxSegmentSeconds: sherpa.maxSegmentSeconds } : { kind, model };
}
