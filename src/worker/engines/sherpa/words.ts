/** sherpa-onnx results to Voxnote's words and audio to sherpa-onnx's samples. */
import type { Word } from '../../../shared/protocol';

/** 16-bit PCM to floats in [-1, 1], as sherpa-onnx takes them. */
export function toFloat(pcm: Buffer): Float32Array {
  const n = pcm.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = pcm.readInt16LE(2 * i) / 32768;
  return out;
}

/**
 * Groups tokens into words: a token with a leading space (sherpa-onnx's
 * rendering of "▁") starts a word. sherpa-onnx gives each token's start only,
 * so a word ends where the next begins, the last where the utterance ends.
 * `offset` turns the result's times into session seconds.
 */
export function toWords(tokens: readonly string[], timestamps: readonly number[], offset: number, end: number): Word[] {
  if (tokens.length === 0 || timestamps.length !== tokens.length) return [];
  const words: Array<{ word: string; start: number }> = [];
  tokens.forEach((token, i) => {
    const start = offset + timestamps[i];
    if (words.length === 0 || token.startsWith(' ')) words.push({ word: token.trim(), start });
    else words[words.length - 1].word += token;
  });
  const kept = words.filter((w) => w.word);
  return kept.map((w, i) => ({
    word: w.word,
    start: round(w.start),
    end: round(Math.max(w.start, i + 1 < kept.length ? kept[i + 1].start : end)),
    conf: 1,
  }));
}

export const round = (s: number): number => Math.round(s * 1000) / 1000;
