/**
 * Which engine serves which EngineSpec kind. A new engine is one folder under
 * engines/ plus one entry here; nothing else in the worker changes.
 */
import { VoxnoteError } from '../../shared/errors';
import type { EngineKind, EngineSpec } from '../../shared/protocol';
import type { Engine } from './engine';
import { loadSherpaEngine } from './sherpa/sherpaEngine';
import { loadVosk } from './vosk/voskEngine';

type Loader<K extends EngineKind> = (spec: Extract<EngineSpec, { kind: K }>) => Promise<Engine>;

const LOADERS: { [K in EngineKind]: Loader<K> } = {
  vosk: loadVosk,
  sherpa: (spec) => loadSherpaEngine(spec.model, { maxSegmentSeconds: spec.maxSegmentSeconds }),
  assemblyai: async () => {
    throw new VoxnoteError('model-load-failed', 'This build of Voxnote has no AssemblyAI engine.', 'Set voxnote.engine to a local engine.');
  },
};

/** Loads (or connects) an engine; rejects with a VoxnoteError a person can act on. */
export function loadEngine(spec: EngineSpec): Promise<Engine> {
  return (LOADERS[spec.kind] as Loader<EngineKind>)(spec);
}
