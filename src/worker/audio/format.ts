/** The one audio format every capture back-end delivers to the recognizer: 16 kHz mono s16le. */
export const SAMPLE_RATE = 16000;
/** 100 ms of 16 kHz mono s16le. */
export const CHUNK_BYTES = 3200;
/**
 * A live capture's first second goes to the recognizer in 20 ms chunks: a first
 * partial is not held back by whole chunks (the tone model's first partial comes
 * 260 ms into speech fed in 20 ms chunks, 300 ms in 100 ms chunks; `npm run bench startup`).
 */
export const LEAD_IN = { bytes: SAMPLE_RATE * 2, chunkBytes: 640 } as const;
