/**
 * Corrected speaker labels from a re-clustering of the whole track: each
 * utterance takes the re-clustered speaker it overlaps most, and each
 * re-clustered speaker is named after the live label it shares the most
 * speech with (one to one, largest shared time first), so a correction
 * renames as few lines as it can; a speaker with no live counterpart gets the
 * next unused "Speaker N". No native code.
 */
import { speakerLabel } from './speakerClusters';

export interface LabelledUtterance {
  utteranceId: number;
  /** Seconds on the same time line as the segments. */
  start: number;
  end: number;
  /** Its live label. */
  speaker: string;
}

export interface SpeakerSegment {
  start: number;
  end: number;
  /** The re-clustering's speaker index. */
  speaker: number;
}

const overlap = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
  Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

/** The utterances whose label changes, with their new label. `used`: every label already given on the track. */
export function correctedLabels(
  utterances: readonly LabelledUtterance[],
  segments: readonly SpeakerSegment[],
  used: readonly string[],
): Array<{ utteranceId: number; speaker: string }> {
  // Each utterance's re-clustered speaker: the one it overlaps most (none: it keeps its label).
  const found = new Map<number, number>();
  for (const u of utterances) {
    const time = new Map<number, number>();
    for (const s of segments) {
      const t = overlap(u, s);
      if (t > 0) time.set(s.speaker, (time.get(s.speaker) ?? 0) + t);
    }
    const best = [...time].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
    if (best) found.set(u.utteranceId, best[0]);
  }
  // Shared time of each (re-clustered speaker, live label) pair, matched greedily, largest first.
  const shared = new Map<string, { speaker: number; label: string; time: number }>();
  for (const u of utterances) {
    const speaker = found.get(u.utteranceId);
    if (speaker === undefined) continue;
    const key = `${speaker}\n${u.speaker}`;
    const entry = shared.get(key) ?? { speaker, label: u.speaker, time: 0 };
    entry.time += u.end - u.start;
    shared.set(key, entry);
  }
  const names = new Map<number, string>();
  const taken = new Set<string>();
  for (const p of [...shared.values()].sort((a, b) => b.time - a.time || a.speaker - b.speaker || a.label.localeCompare(b.label))) {
    if (names.has(p.speaker) || taken.has(p.label)) continue;
    names.set(p.speaker, p.label);
    taken.add(p.label);
  }
  const labels = new Set(used);
  let next = labels.size;
  const changed: Array<{ utteranceId: number; speaker: string }> = [];
  for (const u of utterances) {
    const speaker = found.get(u.utteranceId);
    if (speaker === undefined) continue;
    if (!names.has(speaker)) {
      let label: string;
      do label = speakerLabel(++next);
      while (labels.has(label));
      labels.add(label);
      names.set(speaker, label);
    }
    const label = names.get(speaker)!;
    if (label !== u.speaker) changed.push({ utteranceId: u.utteranceId, speaker: label });
  }
  return changed;
}
