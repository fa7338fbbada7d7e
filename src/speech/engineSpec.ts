/**
 * Host-side helper for the protocol's EngineSpec: which engine a model folder
 * means. What an engine is called and where its audio goes come from its
 * descriptor (shared/engines.ts).
 */
import type { ModelCheck } from '../shared/modelFolder';
import type { EngineSpec } from '../shared/protocol';
import type { PartialCadence } from '../models/modelSpeed';

export interface SherpaOptions {
  maxSegmentSeconds?: number;
  /** The partial cadence Test Model Speed's measurement set (models/modelSpeed.ts partialCadence). */
  cadence?: PartialCadence;
}

/** The engine follows from the model: the folder check says which engine reads it. */
export function engineForModel(model: string, check: Extract<ModelCheck, { ok: true }>, sherpa: SherpaOptions = {}): EngineSpec {
  const kind = (check as { engine?: 'vosk' | 'sherpa' }).engine ?? 'vosk';
  if (kind !== 'sherpa') return { kind, model };
  return {
    kind,
    model,
    ...(sherpa.maxSegmentSeconds !== undefined ? { maxSegmentSeconds: sherpa.maxSegmentSeconds } : {}),
    ...(sherpa.cadence ?? {}),
  };
}
