import { randomBytes } from 'crypto';

/** A fresh CSP nonce for a webview's scripts: 128 bits from the OS's random source. */
export const webviewNonce = (): string => randomBytes(16).toString('base64');
