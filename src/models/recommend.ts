/**
 * Which catalogue model to recommend on this machine: the most accurate one
 * that runs live, from a measurement on this machine and published costs.
 *
 * Measured: the real-time factor of each model Test Model Speed ran here
 * (modelSpeed.ts). Estimated: every other model's, as its reference cost
 * (REFERENCE_RTF, published figures, one machine's scale) times this machine's
 * factor (measured ÷ reference, the median over the models measured here that
 * have a reference; before any, the bundled VAD's speed here ÷ its published
 * speed, REFERENCE_VAD_RTF). An estimate must come in under half the live limit (it
 * can be off by that much); a measurement is trusted as it is. More accurate
 * is taken to be larger (the catalogue's sizes): within a family a larger
 * model is a more accurate one. Without a measurement nothing is estimated and
 * the caller keeps its usual offer. models/README.md ("Test Model Speed") says the same for people.
 */
import { firstRunLanguage, type CatalogEntry } from './catalog';
import { keepsUpLive } from './modelSpeed';

/**
 * Decode seconds per audio second on one reference machine (an AMD Ryzen 7 PRO
 * laptop, int8 models: MayJuun/scrybe_benchmarking, benchmarking.md, run 2, with
 * sherpa-onnx), and models it did not run placed on that scale by sherpa-onnx's
 * own figures (k2-fsa/sherpa docs, sherpa-onnx-offline's "Real time factor"
 * line, MacBook): Moonshine tiny int8 0.213 s / 6.625 s = 0.032 against base
 * int8's 0.066 at 1 thread; Parakeet TDT 0.6b v2 int8 0.118 at 2 threads, about
 * 0.2 at 1 (the 1→2 thread speed-up of sherpa-onnx models is 1.6–1.76, k2-fsa/sherpa-onnx
 * discussion 3968), 3× Moonshine base.
 */
export const REFERENCE_RTF: Readonly<Record<string, number>> = {
  'sherpa-onnx-moonshine-tiny-en-int8': (0.08 * 0.032) / 0.066,
  'sherpa-onnx-moonshine-base-en-int8': 0.08,
  'sherpa-onnx-whisper-tiny.en': 0.09,
  'sherpa-onnx-whisper-small.en': 0.42,
  // The same network as small.en, multilingual vocabulary.
  'sherpa-onnx-whisper-small': 0.42,
  // Their figure is for the -mobile export of the same model.
  'sherpa-onnx-streaming-zipformer-en-2023-06-26': 0.09,
  'sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8': 0.24,
};

/**
 * The bundled Silero VAD's published cost: the official C++ Silero VAD on one
 * thread of an AMD EPYC 9655 runs 571–574× real time (fast-silero-vad on PyPI,
 * its benchmark; 437–444× on an Apple M4 Max). A faster machine than
 * REFERENCE_RTF's, so the factor it gives errs slow: towards smaller models.
 */
export const REFERENCE_VAD_RTF = 1 / 574;

/** An estimate can be off by this factor: it must come in this far under the live limit. */
export const ESTIMATE_MARGIN = 2;

/** "40M" -> 40, "1.8G" -> 1843; NaN when the catalogue does not know. */
export function sizeMegabytes(size: string): number {
  const m = /^([\d.]+)\s*([KMG])b?$/i.exec(size.trim());
  if (!m) return NaN;
  return Number(m[1]) * { K: 1 / 1024, M: 1, G: 1024 }[m[2].toUpperCase() as 'K' | 'M' | 'G'];
}

/** A model's reference cost: published, or a published one of its family scaled by the catalogue sizes. */
export function referenceRtf(entry: CatalogEntry, catalog: readonly CatalogEntry[]): number | undefined {
  if (REFERENCE_RTF[entry.name] !== undefined) return REFERENCE_RTF[entry.name];
  const family = entry.sherpa?.kind;
  const size = sizeMegabytes(entry.size);
  if (!family || !(size > 0)) return undefined;
  const known = catalog.filter((e) => e.sherpa?.kind === family && REFERENCE_RTF[e.name] !== undefined && sizeMegabytes(e.size) > 0);
  // The nearest in size of the family.
  const near = known.sort((a, b) => Math.abs(Math.log(sizeMegabytes(a.size) / size)) - Math.abs(Math.log(sizeMegabytes(b.size) / size)))[0];
  return near && REFERENCE_RTF[near.name] * (size / sizeMegabytes(near.size));
}

/**
 * How slow this machine is against the reference, from the models measured
 * here, else from the yardstick (`vadRtf`); undefined without either.
 */
export function machineFactor(catalog: readonly CatalogEntry[], measured: ReadonlyMap<string, number>, vadRtf?: number): number | undefined {
  const ratios = [...measured]
    .map(([name, rtf]) => {
      const entry = catalog.find((e) => e.name === name);
      const ref = entry && referenceRtf(entry, catalog);
      return ref ? rtf / ref : undefined;
    })
    .filter((r): r is number => r !== undefined && r > 0 && Number.isFinite(r))
    .sort((a, b) => a - b);
  if (!ratios.length) return vadRtf !== undefined && vadRtf > 0 ? vadRtf / REFERENCE_VAD_RTF : undefined;
  const mid = ratios.length >> 1;
  return ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
}

export interface Recommendation {
  entry: CatalogEntry;
  /** Its real-time factor here, and whether that was measured or estimated. */
  rtf: number;
  basis: 'measured' | 'estimated';
}

/** The speed of `entry` on this machine, measured where it was, else estimated; undefined when neither is possible. */
export function speedHere(entry: CatalogEntry, catalog: readonly CatalogEntry[], measured: ReadonlyMap<string, number>, factor: number | undefined): Omit<Recommendation, 'entry'> | undefined {
  const rtf = measured.get(entry.name);
  if (rtf !== undefined) return { rtf, basis: 'measured' };
  const ref = referenceRtf(entry, catalog);
  return ref !== undefined && factor !== undefined ? { rtf: ref * factor, basis: 'estimated' } : undefined;
}

/** Fast enough for live dictation: a measurement under the live limit, an estimate under half of it. */
export const runsLive = (s: Omit<Recommendation, 'entry'>): boolean => keepsUpLive(s.basis === 'measured' ? s.rtf : s.rtf * ESTIMATE_MARGIN);

/**
 * The most accurate (largest) recommended model of `language` that runs live
 * here, measured or estimated; undefined when nothing here says (no measurement).
 * `measured` maps catalogue names to real-time factors measured on this machine;
 * `vadRtf` is the machine's yardstick, if it was measured.
 */
export function recommendModel(catalog: readonly CatalogEntry[], language: string, measured: ReadonlyMap<string, number>, vadRtf?: number): Recommendation | undefined {
  const factor = machineFactor(catalog, measured, vadRtf);
  return catalog
    .filter((e) => e.language === language && !e.alternative)
    .map((entry) => ({ entry, speed: speedHere(entry, catalog, measured, factor) }))
    .filter((c): c is { entry: CatalogEntry; speed: Omit<Recommendation, 'entry'> } => c.speed !== undefined && runsLive(c.speed))
    .sort((a, b) => sizeKey(b.entry) - sizeKey(a.entry) || a.speed.rtf - b.speed.rtf)
    .map(({ entry, speed }) => ({ entry, ...speed }))[0];
}

/**
 * What to use for live dictation instead of `current`, measured too slow: the
 * recommendation for its language (else the first-run model's), else the model measured
 * here that keeps up and is slowest (the largest, so likely the most accurate),
 * else the language's smallest catalogue model.
 */
export function liveInstead(catalog: readonly CatalogEntry[], current: string, measured: ReadonlyMap<string, number>, vadRtf?: number): string | undefined {
  const lang = catalog.find((e) => e.name === current)?.language ?? firstRunLanguage(catalog) ?? '';
  const recommended = recommendModel(catalog, lang, measured, vadRtf)?.entry.name;
  const fastMeasured = [...measured].filter(([name, rtf]) => name !== current && keepsUpLive(rtf)).sort((a, b) => b[1] - a[1])[0]?.[0];
  const smallest = catalog
    .filter((e) => e.language === lang && e.kind === 'small' && !e.alternative)
    .sort((a, b) => (sizeMegabytes(a.size) || Infinity) - (sizeMegabytes(b.size) || Infinity))[0]?.name;
  return [recommended, fastMeasured, smallest].find((n) => n !== undefined && n !== current);
}

/** Unknown sizes rank last. */
const sizeKey = (e: CatalogEntry) => sizeMegabytes(e.size) || -1;
