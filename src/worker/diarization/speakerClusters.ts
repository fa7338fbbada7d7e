/**
 * Live speaker labels by incremental clustering: each utterance's speaker
 * embedding joins the speaker whose running centroid (the mean of its
 * unit-length embeddings) is most similar by cosine, when that similarity
 * reaches the threshold; otherwise it is a new speaker, "Speaker N" in order
 * of first speech. One decision per utterance, never revised here (the
 * re-clustering at stop corrects, relabel.ts). No native code.
 */
import { SETTING_DEFAULTS } from '../../shared/settings';

/**
 * Cosine similarity at or above which an utterance is the same speaker.
 * 3D-Speaker and TitaNet embeddings of one person's utterances mostly score
 * 0.5–0.8 and of two people below 0.3; sherpa-onnx's own examples search
 * speakers at 0.5, and its offline clustering's default cut (cosine distance
 * 0.5) is the same boundary. The tone models score above 0.9 and below 0.5.
 */
export const SAME_SPEAKER_SIMILARITY: number = SETTING_DEFAULTS['diarization.threshold'];

export const speakerLabel = (n: number): string => `Speaker ${n}`;

interface Cluster {
  label: string;
  /** Sum of the members' unit embeddings: its direction is the centroid's. */
  sum: Float64Array;
}

function unit(v: ArrayLike<number>): Float64Array | undefined {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  const s = 1 / Math.sqrt(norm);
  return Float64Array.from(v as ArrayLike<number>, (x) => x * s);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}

export class SpeakerClusters {
  private readonly clusters: Cluster[] = [];

  constructor(private readonly threshold = SAME_SPEAKER_SIMILARITY) {}

  /** The speaker of one utterance's embedding; undefined for an embedding with no direction (NaN, all zero). */
  assign(embedding: ArrayLike<number>): string | undefined {
    const u = unit(embedding);
    if (!u) return undefined;
    let best: Cluster | undefined;
    let bestScore = -Infinity;
    for (const c of this.clusters) {
      const score = cosine(u, c.sum);
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    if (!best || bestScore < this.threshold) {
      best = { label: speakerLabel(this.clusters.length + 1), sum: new Float64Array(u.length) };
      this.clusters.push(best);
    }
    for (let i = 0; i < u.length; i++) best.sum[i] += u[i];
    return best.label;
  }

  /** Labels given so far, in order of first speech. */
  get labels(): string[] {
    return this.clusters.map((c) => c.label);
  }
}
