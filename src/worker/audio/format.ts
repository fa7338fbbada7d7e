/** The one audio format every capture back-end delivers to the recognizer: 16 kHz mono s16le. */
export const SAMPLE_RATE = 16000;
/** 100 ms of 16 kHz mono s16le. */
export const CHUNK_BYTES = 3200;
