/**
 * The catalogue of downloadable models (models/catalog.json, taken from the
 * official Vosk model list). No VS Code API here: tests load other catalogues.
 */
import * as fs from 'fs';
import type { DiarizationRole } from '../shared/diarizationModels';
import { OFFLINE_KINDS, ONLINE_KINDS, SherpaManifest } from '../shared/sherpaModelFolder';

export interface CatalogEntry {
  /** Also the folder name the model installs under. */
  name: string;
  language: string;
  kind: 'small' | 'large';
  /** As the official list gives it: rounded, e.g. "40M", "1.8G". */
  size: string;
  url: string;
  license: string;
  notes: string;
  /** Older or not recommended models, listed after the others of their language. */
  alternative?: boolean;
  /** Exact size of the download in bytes, checked when given. */
  bytes?: number;
  /** Hex SHA-256 of the download, checked when given. */
  sha256?: string;
  /** A sherpa-onnx model: the voxnote-model.json the installer writes into its folder. Vosk when absent. */
  sherpa?: Omit<SherpaManifest, 'engine'>;
  /** A speaker-diarization model, not a recognizer: installed apart, and installing it sets voxnote.diarization.*. */
  diarization?: DiarizationEntry;
}

export interface DiarizationEntry {
  role: DiarizationRole;
  /** The model file in the archive's folder, or the name a bare .onnx download is kept under. */
  file: string;
}

/** Points the download commands at another catalogue file: a local mirror, or tests. */
export const CATALOG_ENV = 'VOXNOTE_MODEL_CATALOG';

/**
 * What Start Dictation offers a new user. The label is fixed here so the
 * offer needs no file read; a test checks it against the catalogue entry.
 */
export const FIRST_RUN = { model: 'vosk-model-small-en-us-0.15', label: 'Download English (small, 40 MB)' } as const;

export class CatalogError extends Error {}

/** A folder name that stays inside the models folder and is not hidden. */
export function isSafeModelName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && name.length <= 200;
}

function checkEntry(e: unknown, i: number): CatalogEntry {
  const fail = (why: string): never => {
    throw new CatalogError(`Catalogue entry ${i + 1} ${why}.`);
  };
  if (typeof e !== 'object' || e === null) return fail('is not an object');
  const o = e as Record<string, unknown>;
  for (const key of ['name', 'language', 'size', 'url', 'license', 'notes']) {
    if (typeof o[key] !== 'string') fail(`has no "${key}" text`);
  }
  if (o.diarization !== undefined && !archiveKind(o.url as string) && !isBareOnnx(o.url as string)) fail('has a "url" that is neither an archive nor an .onnx file');
  if (!isSafeModelName(o.name as string)) fail(`has a name that is not a plain folder name: ${JSON.stringify(o.name)}`);
  if (o.kind !== 'small' && o.kind !== 'large') fail('has a "kind" other than "small" or "large"');
  if (o.bytes !== undefined && !(Number.isSafeInteger(o.bytes) && (o.bytes as number) > 0)) fail('has a "bytes" that is not a positive whole number');
  if (o.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(String(o.sha256))) fail('has a "sha256" that is not 64 hex digits');
  if (o.alternative !== undefined && typeof o.alternative !== 'boolean') fail('has an "alternative" that is not true or false');
  if (o.diarization !== undefined) checkDiarization(o.diarization, fail);
  else if (!archiveKind(o.url as string)) fail('has a "url" that is neither a .zip nor a .tar.bz2 archive');
  if (o.sherpa !== undefined) checkSherpa(o.sherpa, fail);
  return o as unknown as CatalogEntry;
}

function checkDiarization(v: unknown, fail: (why: string) => never): void {
  const d = (typeof v === 'object' && v !== null ? v : fail('has a "diarization" that is not an object')) as Record<string, unknown>;
  if (d.role !== 'embedding' && d.role !== 'segmentation') fail('has a "diarization" "role" other than "embedding" or "segmentation"');
  if (typeof d.file !== 'string' || !isSafeModelName(d.file) || !/\.onnx$/.test(d.file)) fail('has a "diarization" "file" that is not a plain .onnx file name');
}

function checkSherpa(v: unknown, fail: (why: string) => never): void {
  const s = (typeof v === 'object' && v !== null ? v : fail('has a "sherpa" that is not an object')) as Record<string, unknown>;
  if (typeof s.streaming !== 'boolean') fail('has a "sherpa" without "streaming" true or false');
  const kinds = s.streaming ? ONLINE_KINDS : OFFLINE_KINDS;
  const fields = typeof s.kind === 'string' && Object.prototype.hasOwnProperty.call(kinds, s.kind) ? kinds[s.kind] : fail(`has a "sherpa" "kind" that sherpa-onnx does not have: ${JSON.stringify(s.kind)}`);
  const files = (s.files ?? {}) as Record<string, unknown>;
  for (const f of fields) if (typeof files[f] !== 'string') fail(`has no sherpa "files" "${f}"`);
  if (typeof s.tokens !== 'string') fail('has no sherpa "tokens"');
}

export function parseCatalog(text: string): CatalogEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CatalogError(`The model catalogue is not valid JSON: ${(e as Error).message}`);
  }
  const models = (data as { models?: unknown })?.models;
  if (!Array.isArray(models)) throw new CatalogError('The model catalogue has no "models" list.');
  return models.map(checkEntry);
}

/** The catalogue file: VOXNOTE_MODEL_CATALOG if set, else the bundled one. */
export function catalogPath(bundled: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[CATALOG_ENV]?.trim() || bundled;
}

export function loadCatalog(file: string): CatalogEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CatalogError(`Cannot read the model catalogue ${file}: ${(e as Error).message}`);
  }
  return parseCatalog(text);
}

/** The language of the model the first run offers, the default for recommendations. */
export const firstRunLanguage = (entries: readonly CatalogEntry[]): string | undefined => entries.find((e) => e.name === FIRST_RUN.model)?.language;

/**
 * Order for the picker: languages grouped, the first-run model's language
 * first, then alphabetical; inside a language, recommended before
 * alternative, small before large, then the official order.
 */
export function sortForPicker(entries: readonly CatalogEntry[]): CatalogEntry[] {
  const firstLanguage = firstRunLanguage(entries);
  const rank = (e: CatalogEntry) => (e.name === FIRST_RUN.model ? 0 : 1) * 4 + (e.alternative ? 2 : 0) + (e.kind === 'small' ? 0 : 1);
  return entries
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        Number(b.e.language === firstLanguage) - Number(a.e.language === firstLanguage) ||
        a.e.language.localeCompare(b.e.language) ||
        rank(a.e) - rank(b.e) ||
        a.i - b.i,
    )
    .map(({ e }) => e);
}

/** "40M" -> "40 MB", "1.5Gb" -> "1.5 GB"; anything else as given. */
export function formatSize(size: string): string {
  const m = /^([\d.]+)\s*([KMG])b?$/i.exec(size.trim());
  return m ? `${m[1]} ${m[2].toUpperCase()}B` : size;
}

/** A diarization download: an archive, or the bare .onnx file. */
export const isBareOnnx = (url: string): boolean => /\.onnx$/i.test(url);

/** The archive kinds Voxnote installs, by file name (or URL). */
export function archiveKind(file: string): 'zip' | 'tar.bz2' | undefined {
  if (/\.zip$/i.test(file)) return 'zip';
  if (/\.(tar\.bz2|tbz2?)$/i.test(file)) return 'tar.bz2';
  return undefined;
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** The first-run button, e.g. "Download English (small, 40 MB)". */
export function firstRunLabel(entry: CatalogEntry): string {
  return `Download ${entry.language} (${entry.kind}, ${formatSize(entry.size)})`;
}
