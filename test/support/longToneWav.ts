/**
 * Hours of tone speech as a WAV, written by repeating one block, so the file
 * costs no memory to make and its transcript is known: the block's utterances,
 * once per repeat.
 */
import * as fs from 'fs';
import { encodeWav, toneScript, toS16le } from './toneAudio';

const GAP = 0.35;
const PAUSE = 1.6;

export interface LongToneWav {
  path: string;
  /** Seconds of audio. */
  seconds: number;
  /** The finals a recognizer should give, in order. */
  utterances: string[];
}

/**
 * `block` lists utterances as their words; each is followed by a pause that
 * ends it, and the block is repeated until the file is at least `seconds` long.
 * `offset` seconds of silence lead the file (to stagger two sources).
 */
export function longToneWav(file: string, block: string[][], seconds: number, offset = 0.5): LongToneWav {
  const items: Array<string | number> = [];
  for (const words of block) {
    words.forEach((w, i) => items.push(...(i ? [GAP] : []), w));
    items.push(PAUSE);
  }
  const one = toS16le(toneScript(items).samples);
  const lead = toS16le(new Float32Array(Math.round(offset * 16000)));
  const repeats = Math.ceil((seconds - offset) / (one.length / 32000));
  const dataBytes = lead.length + one.length * repeats;
  const header = encodeWav(new Float32Array(0), 16000, 'pcm16').subarray(0, 44);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.writeUInt32LE(dataBytes, 40);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header);
    fs.writeSync(fd, lead);
    for (let i = 0; i < repeats; i++) fs.writeSync(fd, one);
  } finally {
    fs.closeSync(fd);
  }
  const texts = block.map((words) => words.join(' '));
  return { path: file, seconds: dataBytes / 32000, utterances: Array.from({ length: repeats }, () => texts).flat() };
}
