/**
 * Any engine whose spec names a two-pass final model (`twoPass`): the loaded
 * engine is the first pass, the final model (sherpa-onnx, offline) re-decodes
 * each of its utterances (twoPassStream.ts).
 */
import type { TwoPassSpec } from '../../../shared/protocol';
import type { Engine } from '../engine';
import { loadFinalModel, OfflineDecoder } from '../sherpa/sherpaEngine';
import { TwoPassStream } from './twoPassStream';

export async function withTwoPass(first: Engine, spec: TwoPassSpec, maxSegmentSeconds: number | undefined): Promise<Engine> {
  let final: OfflineDecoder;
  try {
    final = await loadFinalModel(spec.model, { maxSegmentSeconds, threads: spec.threads });
  } catch (e) {
    first.dispose();
    throw e;
  }
  const { decode, segmentSeconds } = final;
  return {
    key: `${first.key} + ${spec.model}`,
    open: (options, sink) =>
      TwoPassStream.open((inner) => first.open(options, inner), decode, options, sink, { maxSegmentSeconds: segmentSeconds, maxBacklogSeconds: segmentSeconds }),
    dispose: () => first.dispose(),
  };
}
