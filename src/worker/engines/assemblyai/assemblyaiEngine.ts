/**
 * AssemblyAI real-time streaming as an Engine. Loading checks the settings
 * only: each session opens its own connection (see assemblyaiStream.ts), so
 * nothing is sent, and nothing is billed, before someone speaks.
 */
import { VoxnoteError } from '../../../shared/errors';
import type { AssemblyAIEngineSpec } from '../../../shared/protocol';
import type { Engine, RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { AssemblyAIStream, DEFAULT_SPEECH_MODEL, DEFAULT_STREAMING_URL } from './assemblyaiStream';
import { SET_KEY_COMMAND } from './faults';

class AssemblyAIEngine implements Engine {
  /** What `ready` reports: the endpoint and model, never the credential. */
  readonly key: string;

  constructor(private readonly spec: AssemblyAIEngineSpec) {
    this.key = `${spec.url ?? DEFAULT_STREAMING_URL} ${spec.speechModel ?? DEFAULT_SPEECH_MODEL}`;
  }

  async open(options: StreamOptions, sink: StreamSink): Promise<RecognitionStream> {
    return new AssemblyAIStream(this.spec, options, sink);
  }

  dispose(): void {
    // Sessions own their connections; nothing is held between them.
  }
}

export async function loadAssemblyAI(spec: AssemblyAIEngineSpec): Promise<Engine> {
  if (!spec.credential.trim()) {
    throw new VoxnoteError('credential-missing', 'No AssemblyAI API key is set, so the cloud engine cannot start.', `Run "${SET_KEY_COMMAND}", or set voxnote.engine to a local engine.`);
  }
  return new AssemblyAIEngine(spec);
}
