/**
 * Vosk behind the Engine interface: libvosk decodes synchronously, so results
 * reach the sink from inside accept(), endUtterance() and finish().
 */
import { VoxnoteError } from '../../../shared/errors';
import { checkModelFolder } from '../../../shared/modelFolder';
import type { EngineSpec } from '../../../shared/protocol';
import { SAMPLE_RATE } from '../../audio/format';
import type { Engine, RecognitionStream, StreamOptions, StreamSink } from '../engine';
import { VoskModel, VoskRecognizer } from './libvosk';

class VoskStream implements RecognitionStream {
  private closed = false;

  constructor(private readonly recognizer: VoskRecognizer, private readonly partials: boolean, private readonly sink: StreamSink) {}

  accept(pcm: Buffer): void {
    if (this.recognizer.accept(pcm)) this.sink.final(this.recognizer.result());
    else if (this.partials) this.sink.partial(this.recognizer.partial());
  }

  endUtterance(): void {
    this.sink.final(this.recognizer.finalResult());
  }

  async finish(): Promise<void> {
    this.endUtterance();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.recognizer.free();
  }
}

class VoskEngine implements Engine {
  readonly key: string;

  constructor(private readonly model: VoskModel, private readonly supportsPhrases: boolean) {
    this.key = model.path;
  }

  async open(options: StreamOptions, sink: StreamSink): Promise<RecognitionStream> {
    let grammar: string[] | undefined;
    if (options.phrases?.length) {
      if (this.supportsPhrases) grammar = options.phrases;
      else
        sink.notice?.(
          new VoxnoteError(
            'phrases-unsupported',
            'This model has a fixed decoding graph, so the phrase list cannot restrict recognition; it is ignored.',
            'Use a small Vosk model (they support runtime phrase lists), or clear voxnote.phrases.',
            false,
          ),
        );
    }
    try {
      return new VoskStream(new VoskRecognizer(this.model, SAMPLE_RATE, { maxAlternatives: options.maxAlternatives, grammar }), options.partials, sink);
    } catch (e) {
      throw new VoxnoteError('model-load-failed', (e as Error).message, 'Choose another model with "Voxnote: Select Model".');
    }
  }

  dispose(): void {
    this.model.free();
  }
}

/** The folder check runs first: libvosk aborts the process on some incomplete folders. */
export async function loadVosk(spec: Extract<EngineSpec, { kind: 'vosk' }>): Promise<Engine> {
  const check = checkModelFolder(spec.model);
  if (!check.ok) throw new VoxnoteError('bad-model', check.message, check.hint);
  if (check.engine !== 'vosk') throw new VoxnoteError('bad-model', `The model folder ${spec.model} holds a ${check.engine} model, not a Vosk model.`, 'Voxnote picks the engine from the model folder: start dictation again.');
  const model = VoskModel.load(spec.model);
  if (!model) {
    throw new VoxnoteError(
      'model-load-failed',
      `libvosk could not load the model at ${spec.model}; its files are damaged or from an incompatible version.`,
      'Download the model again, or choose another with "Voxnote: Select Model".',
    );
  }
  return new VoskEngine(model, check.supportsPhrases);
}
