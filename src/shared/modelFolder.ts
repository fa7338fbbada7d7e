/**
 * Checks a model folder before a native library sees it: libvosk reports a
 * missing file only on stderr and aborts the process on some others; sherpa-onnx
 * ends the process on many bad files (sherpaModelFolder.ts). The engine follows
 * from the folder. Pure file-system work, shared by the worker and the extension host.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkSherpaFolder, looksLikeSherpa, SherpaModel } from './sherpaModelFolder';

export type ModelCheck =
  | { ok: true; engine: 'vosk'; layout: 'v1' | 'v2'; supportsPhrases: boolean }
  | { ok: true; engine: 'sherpa'; model: SherpaModel; supportsPhrases: false }
  | { ok: false; message: string; hint: string };

const V2 = {
  model: 'am/final.mdl',
  conf: 'conf/model.conf',
  features: ['conf/mfcc.conf', 'conf/fbank.conf'],
  graph: 'graph/HCLG.fst',
  lookahead: ['graph/HCLr.fst', 'graph/Gr.fst'],
  words: 'graph/words.txt',
  boundaries: 'graph/phones/word_boundary.int',
};
const V1 = { model: 'final.mdl', features: ['mfcc.conf'], graph: 'HCLG.fst', lookahead: ['HCLr.fst', 'Gr.fst'], words: 'words.txt' };

const HINT = 'Choose a complete model folder (Vosk, or sherpa-onnx with voxnote-model.json; unpack the whole download), or run "Voxnote: Download Model…".';

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function missing(dir: string, file: string, why: string): ModelCheck {
  return { ok: false, message: `The model folder ${dir} has no ${file} (${why}).`, hint: HINT };
}

function readNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function checkModelFolder(dir: string): ModelCheck {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return { ok: false, message: `The model folder ${dir} does not exist or cannot be read.`, hint: HINT };
  }
  const has = (rel: string) => isFile(path.join(dir, rel));
  const names = entries.map((e) => e.name);
  if (!has(V2.model) && !has(V1.model) && looksLikeSherpa(names)) {
    const check = checkSherpaFolder(dir);
    return check.ok ? { ok: true, engine: 'sherpa', model: check.model, supportsPhrases: false } : check;
  }

  if (has(V2.model)) {
    if (!has(V2.conf)) return missing(dir, V2.conf, 'decoder settings');
    if (!V2.features.some(has)) return missing(dir, 'conf/mfcc.conf or conf/fbank.conf', 'feature settings');
    const lookahead = V2.lookahead.every(has);
    if (!has(V2.graph) && !lookahead) return missing(dir, V2.graph, 'the decoding graph');
    if (!has(V2.words)) return missing(dir, V2.words, 'the word list');
    if (!has(V2.boundaries)) return missing(dir, V2.boundaries, 'word boundaries, needed for word timings');
    return { ok: true, engine: 'vosk', layout: 'v2', supportsPhrases: lookahead };
  }
  if (has(V1.model)) {
    if (!V1.features.some(has)) return missing(dir, 'mfcc.conf', 'feature settings');
    const lookahead = V1.lookahead.every(has);
    if (!has(V1.graph) && !lookahead) return missing(dir, V1.graph, 'the decoding graph');
    if (!has(V1.words)) return missing(dir, V1.words, 'the word list');
    return { ok: true, engine: 'vosk', layout: 'v1', supportsPhrases: lookahead };
  }
  // A zip often unpacks into one inner folder: point the user at it.
  const sub = entries.filter((e) => e.isDirectory());
  const inner = sub.length === 1 ? path.join(dir, sub[0].name) : '';
  if (inner && (isFile(path.join(inner, V2.model)) || looksLikeSherpa(readNames(inner)))) {
    return {
      ok: false,
      message: `The model folder ${dir} holds the model one level down, in "${sub[0].name}".`,
      hint: `Choose ${path.join(dir, sub[0].name)} instead.`,
    };
  }
  return missing(dir, V2.model, 'the acoustic model');
}
