/** Quietest level reported, in dBFS: digital silence would otherwise be -Infinity. */
export const SILENCE_DBFS = -100;

/** RMS level of s16le samples in dBFS (0 = full-scale square wave), one decimal. */
export function levelDbfs(pcm: Buffer): number {
  const n = pcm.length >> 1;
  if (n === 0) return SILENCE_DBFS;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const s = pcm.readInt16LE(i * 2);
    sum += s * s;
  }
  const db = 20 * Math.log10(Math.sqrt(sum / n) / 32768);
  return Math.max(SILENCE_DBFS, Math.round(db * 10) / 10);
}
