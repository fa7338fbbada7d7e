/**
 * Which engine serves which EngineSpec kind. A new engine is one folder under
 * engines/ plus one entry here; nothing else in the worker changes.
 */
import type { EngineKind, EngineSpec } from '../../shared/protocol';
import type { Engine } from './engine';

type Loader<K extends EngineKind> = (spec: Extract<EngineSpec, { kind: K }>) => Promise<Engine>;

// Each engine's code (and its libraries: the openai client, assemblyai's SDK, ws) runs only when
// that engine is loaded, not at every worker start.
const LOADERS: { [K in EngineKind]: Loader<K> } = {
  vosk: async (spec) => (await import('./vosk/voskEngine')).loadVosk(spec),
  sherpa: async (spec) => (await import('./sherpa/sherpaEngine')).loadSherpaEngine(spec.model, { maxSegmentSeconds: spec.maxSegmentSeconds, threads: spec.threads, partialShare: spec.partialShare, partialSeconds: spec.partialSeconds }),
  assemblyai: async (spec) => (await import('./assemblyai/assemblyaiEngine')).loadAssemblyAI(spec),
  openai: async (spec) => (await import('./openai/openaiEngine')).loadOpenAI(spec),
};

/** Loads (or connects) an engine; rejects with a VoxnoteError a person can act on. */
export async function loadEngine(spec: EngineSpec): Promise<Engine> {
  const engine = await (LOADERS[spec.kind] as Loader<EngineKind>)(spec);
  if (!('twoPass' in spec) || !spec.twoPass) return engine;
  // Only a two-pass spec needs its code.
  const { withTwoPass } = await import('./twoPass/twoPassEngine');
  return withTwoPass(engine, spec.twoPass, spec.kind === 'sherpa' ? spec.maxSegmentSeconds : undefined);
}
