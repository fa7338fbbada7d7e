/** Sherpa tone models and audio as files, for tests that run the real worker. */
import * as fs from 'fs';
import * as path from 'path';
import { buildSherpaToneModel, BuildOptions, sherpaToneScript, SherpaToneKind, vadScript, VadScript } from './sherpaToneModel';
import { encodeWav, ToneScript } from './toneAudio';
import { tempDir } from './worker';

/** A fresh sherpa tone model folder. */
export function sherpaModel(kind: SherpaToneKind, opts?: BuildOptions): string {
  return buildSherpaToneModel(path.join(tempDir(`sherpa-${kind}`), `sherpa-tone-${kind}`), kind, opts);
}

function writeWav(script: ToneScript): string {
  const file = path.join(tempDir('audio'), 'audio.wav');
  fs.writeFileSync(file, encodeWav(script.samples, script.sampleRate, 'pcm16'));
  return file;
}

/** Tone words and silences as a 16-bit WAV (16 kHz unless told), with the truth. */
export function sherpaToneWav(items: Array<string | number>, sampleRate?: number): { path: string; script: ToneScript } {
  const script = sherpaToneScript(items, { sampleRate });
  return { path: writeWav(script), script };
}

/** Utterances that Silero VAD segments (doc §6) as a 16-bit WAV, with the truth. */
export function vadWav(utterances: string[][], sampleRate?: 16000 | 48000): { path: string; script: VadScript } {
  const script = vadScript(utterances, { sampleRate });
  return { path: writeWav(script), script };
}
