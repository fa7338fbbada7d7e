/**
 * The one place that talks to libvosk, through koffi (N-API, so it loads in
 * Electron's Node and plain Node alike). Runs only inside the worker process:
 * libvosk aborts the whole process on some malformed models.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Alternative, Word } from '../../../shared/protocol';

/** Where the npm `vosk` package keeps its prebuilt library for this platform. */
function libraryFile(): { dir: string; file: string } {
  switch (process.platform) {
    case 'linux':
      return { dir: 'linux-x86_64', file: 'libvosk.so' };
    case 'darwin':
      return { dir: 'osx-universal', file: 'libvosk.dylib' };
    case 'win32':
      return { dir: 'win-x86_64', file: 'libvosk.dll' };
    default:
      throw new Error(`Voxnote has no speech engine for ${process.platform}`);
  }
}

export function findLibvosk(): string {
  const { dir, file } = libraryFile();
  const candidates = [
    process.env.VOXNOTE_LIBVOSK,
    // A packaged extension carries only its platform's library next to the bundle.
    path.join(__dirname, 'native', file),
  ];
  try {
    candidates.push(path.join(path.dirname(require.resolve('vosk/package.json')), 'lib', dir, file));
  } catch {
    // not installed as a package: only the packaged location can work
  }
  const found = candidates.find((c): c is string => !!c && fs.existsSync(c));
  if (!found) throw new Error(`libvosk not found; looked in: ${candidates.filter(Boolean).join(', ')}`);
  return found;
}

interface Api {
  setLogLevel(level: number): void;
  modelNew(path: string): unknown;
  modelFree(model: unknown): void;
  recognizerNew(model: unknown, rate: number): unknown;
  recognizerNewGrm(model: unknown, rate: number, grammar: string): unknown;
  setWords(rec: unknown, on: number): void;
  setMaxAlternatives(rec: unknown, n: number): void;
  accept(rec: unknown, data: Buffer, length: number): number;
  result(rec: unknown): string;
  partial(rec: unknown): string;
  finalResult(rec: unknown): string;
  recognizerFree(rec: unknown): void;
}

let api: Api | undefined;

function load(): Api {
  if (api) return api;
  // Required lazily so that merely importing this module loads nothing native.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load(findLibvosk());
  api = {
    setLogLevel: lib.func('void vosk_set_log_level(int)'),
    modelNew: lib.func('void* vosk_model_new(const char*)'),
    modelFree: lib.func('void vosk_model_free(void*)'),
    recognizerNew: lib.func('void* vosk_recognizer_new(void*, float)'),
    recognizerNewGrm: lib.func('void* vosk_recognizer_new_grm(void*, float, const char*)'),
    setWords: lib.func('void vosk_recognizer_set_words(void*, int)'),
    setMaxAlternatives: lib.func('void vosk_recognizer_set_max_alternatives(void*, int)'),
    accept: lib.func('int vosk_recognizer_accept_waveform(void*, const uint8_t*, int)'),
    result: lib.func('const char* vosk_recognizer_result(void*)'),
    partial: lib.func('const char* vosk_recognizer_partial_result(void*)'),
    finalResult: lib.func('const char* vosk_recognizer_final_result(void*)'),
    recognizerFree: lib.func('void vosk_recognizer_free(void*)'),
  };
  return api;
}

/**
 * Runs `open` with the model folder as the working directory, handing it ".".
 * libvosk on Windows opens files through the ANSI code page, so a UTF-8 path
 * with characters outside it (a profile folder such as "Zoë" or "日本") is not
 * found; "." is ASCII everywhere. One code path on every platform, so every
 * lane tests it. Safe because it is synchronous on the worker's only JS thread
 * (nothing else resolves a relative path meanwhile) and libvosk reads every
 * model file inside vosk_model_new. When the current directory is gone (a
 * deleted folder on POSIX), it cannot be restored, so the path goes as is.
 */
function inFolder<T>(folder: string, open: (relative: string) => T): T {
  let previous: string;
  try {
    previous = process.cwd();
  } catch {
    return open(folder);
  }
  process.chdir(folder);
  try {
    return open('.');
  } finally {
    process.chdir(previous);
  }
}

export function setLogLevel(level: number): void {
  load().setLogLevel(level);
}

export class VoskModel {
  private constructor(readonly path: string, readonly handle: unknown) {}

  /** Returns undefined when libvosk refuses the folder (it logs why on stderr). */
  static load(modelPath: string): VoskModel | undefined {
    const handle = inFolder(modelPath, (relative) => load().modelNew(relative));
    return handle ? new VoskModel(modelPath, handle) : undefined;
  }

  free(): void {
    load().modelFree(this.handle);
  }
}

export interface RecognizerResult {
  text: string;
  words: Word[];
  alternatives?: Alternative[];
}

interface RawWord {
  word: string;
  start: number;
  end: number;
  conf?: number;
}
interface RawResult {
  text?: string;
  partial?: string;
  result?: RawWord[];
  alternatives?: { text: string; confidence: number; result?: RawWord[] }[];
}

const toWords = (raw: RawWord[] | undefined): Word[] =>
  (raw ?? []).map((w) => ({ word: w.word, start: w.start, end: w.end, conf: w.conf ?? 1 }));

function parseResult(json: string): RecognizerResult {
  const r = JSON.parse(json) as RawResult;
  if (r.alternatives) {
    const best = r.alternatives[0];
    return {
      text: best?.text ?? '',
      words: toWords(best?.result),
      alternatives: r.alternatives.map((a) => ({ text: a.text, confidence: a.confidence })),
    };
  }
  return { text: r.text ?? '', words: toWords(r.result) };
}

export class VoskRecognizer {
  private readonly handle: unknown;

  /** `grammar` is a JSON list of phrases; only models with runtime graphs honour it. */
  constructor(model: VoskModel, sampleRate: number, opts: { maxAlternatives?: number; grammar?: string[] } = {}) {
    const a = load();
    this.handle = opts.grammar
      ? a.recognizerNewGrm(model.handle, sampleRate, JSON.stringify(opts.grammar))
      : a.recognizerNew(model.handle, sampleRate);
    if (!this.handle) throw new Error('libvosk could not create a recognizer for this model');
    // Word timings are always on: they give each utterance its start and end.
    a.setWords(this.handle, 1);
    if (opts.maxAlternatives) a.setMaxAlternatives(this.handle, opts.maxAlternatives);
  }

  /** Feeds 16-bit PCM; true when an utterance just ended (read it with result()). */
  accept(pcm: Buffer): boolean {
    const r = load().accept(this.handle, pcm, pcm.length);
    if (r < 0) throw new Error('libvosk rejected the audio (sample-rate mismatch or decoder error)');
    return r === 1;
  }

  result(): RecognizerResult {
    return parseResult(load().result(this.handle));
  }

  partial(): string {
    return (JSON.parse(load().partial(this.handle)) as RawResult).partial ?? '';
  }

  /** Ends the current utterance now; the recognizer keeps working for the next one. */
  finalResult(): RecognizerResult {
    return parseResult(load().finalResult(this.handle));
  }

  free(): void {
    load().recognizerFree(this.handle);
  }
}
