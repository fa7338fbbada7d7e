/**
 * Who spoke in one recognition session (speaker diarization with sherpa-onnx):
 * each final's speaker from its embedding (SpeakerEmbeddingExtractor on the
 * utterance's audio, then speakerClusters.ts), and, with a segmentation model,
 * the track re-clustered by OfflineSpeakerDiarization, block by block, the
 * changed labels worked out by relabel.ts: a session's own track at its end,
 * or a kept track (a meeting's, across its pauses) when the host asks, so a
 * pause never waits for it.
 *
 * The models and the live speakers stay loaded for the worker's life, so a
 * meeting resumed after a pause (a new session on the same worker) keeps its
 * speakers. Costs: the embedding model is loaded twice with a segmentation
 * model (the extractor, and inside the diarization), about 2 x 30 MB for
 * 3D-Speaker; an embedding per final, on the worker's thread.
 */
import { VoxnoteError } from '../../shared/errors';
import { checkDiarizationModel } from '../../shared/diarizationModels';
import type { DiarizationOptions } from '../../shared/protocol';
import { SAMPLE_RATE } from '../audio/format';
import { loadSherpa, streamDone, type OfflineSpeakerDiarization, type SpeakerEmbeddingExtractor } from '../engines/sherpa/addon';
import { AudioSpool } from './audioSpool';
import { correctedLabels, type LabelledUtterance } from './relabel';
import { SAME_SPEAKER_SIMILARITY, SpeakerClusters, speakerLabel } from './speakerClusters';

/**
 * The end-of-session re-clustering takes the session in blocks of 2 minutes
 * (7.7 MB of float samples at a time) and lets the worker answer its pings
 * between them: one block is seconds of CPU with real models, a whole meeting
 * minutes. Speakers are matched across blocks through the live labels.
 */
const BLOCK_SECONDS = 120;

interface Models {
  key: string;
  extractor: SpeakerEmbeddingExtractor;
  diarization?: OfflineSpeakerDiarization;
  clusters: SpeakerClusters;
}

let loaded: Models | undefined;

function load(options: DiarizationOptions): Models {
  const threshold = options.threshold ?? SAME_SPEAKER_SIMILARITY;
  const key = JSON.stringify([options.embeddingModel, options.segmentationModel ?? '', threshold, options.speakers ?? 0]);
  if (loaded?.key === key) return loaded;
  const checks = [checkDiarizationModel(options.embeddingModel, 'embedding')];
  if (options.segmentationModel) checks.push(checkDiarizationModel(options.segmentationModel, 'segmentation'));
  for (const c of checks) if (!c.ok) throw new VoxnoteError('bad-model', `No speaker labels: ${c.message}`, c.hint, false);
  const sherpa = loadSherpa();
  const embedding = { model: options.embeddingModel, numThreads: 1, debug: 0 };
  loaded = {
    key,
    extractor: new sherpa.SpeakerEmbeddingExtractor(embedding),
    diarization: options.segmentationModel
      ? new sherpa.OfflineSpeakerDiarization({
          segmentation: { pyannote: { model: options.segmentationModel }, numThreads: 1, debug: 0 },
          embedding,
          // FastClustering cuts at a cosine distance: the same boundary as the live similarity.
          clustering: { numClusters: options.speakers ?? -1, threshold: 1 - threshold },
          minDurationOn: 0.2,
          minDurationOff: 0.5,
        })
      : undefined,
    clusters: new SpeakerClusters(threshold),
  };
  return loaded;
}

/**
 * One time line of audio and labelled finals: a session's own, or, with the
 * `track` option, every session's on this worker since the last `recluster`
 * (a meeting's pauses and resumes), their audio end to end.
 */
class Track {
  readonly spool: AudioSpool;
  /** `utteranceId` here is the index in `finals`: session ids repeat across sessions. */
  readonly utterances: LabelledUtterance[] = [];
  readonly finals: Array<{ session: number; utteranceId: number }> = [];
  last?: string;

  constructor(readonly models: Models) {
    this.spool = new AudioSpool(!!models.diarization);
  }

  /** Re-clusters the track (with a segmentation model): the finals whose speaker changes. Then releases the audio. */
  async recluster(): Promise<Array<{ session: number; utteranceId: number; speaker: string }>> {
    const { diarization, clusters } = this.models;
    const changed: Array<{ session: number; utteranceId: number; speaker: string }> = [];
    const used = new Set(clusters.labels);
    try {
      if (!diarization) return changed;
      for (let from = 0; from < this.spool.seconds; from += BLOCK_SECONDS) {
        // An utterance belongs to the block its middle is in.
        const inBlock = this.utterances.filter((u) => (u.start + u.end) / 2 >= from && (u.start + u.end) / 2 < from + BLOCK_SECONDS);
        if (!inBlock.length) continue;
        await new Promise((resolve) => setImmediate(resolve));
        const segments = diarization
          .process(this.spool.readBlock(from, BLOCK_SECONDS))
          .map((s) => ({ start: s.start + from, end: s.end + from, speaker: s.speaker }));
        for (const c of correctedLabels(inBlock, segments, [...used])) {
          changed.push({ ...this.finals[c.utteranceId], speaker: c.speaker });
          used.add(c.speaker);
        }
      }
      return changed;
    } finally {
      this.spool.dispose();
    }
  }
}

/** The worker's kept track (sessions started with `track`), until `recluster` or other models. */
let kept: Track | undefined;

/**
 * Re-clusters the kept track (the `recluster` command): every final of its sessions whose speaker changes,
 * by the id of its session's `start`. Then the track is forgotten; none kept: none.
 */
export function reclusterKeptTrack(): Promise<Array<{ session: number; utteranceId: number; speaker: string }>> {
  const track = kept;
  kept = undefined;
  return track ? track.recluster() : Promise.resolve([]);
}

/** The worker is exiting without a `recluster` (a window closing mid-meeting): the kept audio's temp file goes. */
export function forgetKeptTrack(): void {
  kept?.spool.dispose();
  kept = undefined;
}

export class TrackDiarizer {
  private readonly track: Track;
  /** Track seconds at which this session's audio starts. */
  private readonly offset: number;

  /**
   * Throws a non-fatal VoxnoteError when a model file would not load. `session`: the id of its `start`.
   * With `options.track` the session continues the worker's kept track and is not re-clustered at its end.
   */
  constructor(private readonly options: DiarizationOptions, private readonly session = 0) {
    const models = load(options);
    if (options.track) {
      if (kept?.models !== models) {
        kept?.spool.dispose();
        kept = new Track(models);
      }
      this.track = kept;
    } else {
      this.track = new Track(models);
    }
    this.offset = this.track.spool.seconds;
  }

  /** The session's audio, 16 kHz mono s16le, in order (before the engine gets it). */
  push(pcm: Buffer): void {
    this.track.spool.push(pcm);
  }

  /** The speaker of a final spanning `start`–`end` session seconds. */
  label(utteranceId: number, start: number, end: number): string {
    const track = this.track;
    const { extractor, clusters } = track.models;
    const [from, to] = [this.offset + start, this.offset + end];
    const stream = extractor.createStream();
    stream.acceptWaveform({ samples: track.spool.recentSamples(from, to), sampleRate: SAMPLE_RATE });
    stream.inputFinished();
    // Too short for one feature frame, or no direction: most likely whoever spoke last goes on.
    const speaker = (extractor.isReady(stream) ? clusters.assign(extractor.compute(stream)) : undefined) ?? track.last ?? clusters.labels[0] ?? speakerLabel(1);
    streamDone(to - from);
    track.last = speaker;
    track.utterances.push({ utteranceId: track.finals.length, start: from, end: to, speaker });
    track.finals.push({ session: this.session, utteranceId });
    return speaker;
  }

  /**
   * The session's end: re-clusters its own track (with a segmentation model), the finals whose speaker
   * changes, and releases the audio. A kept track waits for `recluster`: nothing here.
   */
  async finish(): Promise<Array<{ utteranceId: number; speaker: string }>> {
    if (this.options.track) return [];
    return (await this.track.recluster()).map(({ utteranceId, speaker }) => ({ utteranceId, speaker }));
  }

  /** Releases a session's own audio; a kept track stays for the next session. */
  dispose(): void {
    if (!this.options.track) this.track.spool.dispose();
  }
}
