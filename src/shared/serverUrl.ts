/**
 * Where a speech server may be reached: https anywhere, plain http only on
 * this machine or a private network (a key or audio in clear text never
 * crosses the internet). No VS Code API here.
 */
import { isIP } from 'net';

/** Loopback, private (RFC 1918, RFC 4193), link-local, or `localhost`. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(host) === 6) return host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  return false;
}

/** Why `url` cannot be a speech server's base URL, or undefined when it can. */
export function serverUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL (e.g. http://127.0.0.1:8000/v1 or https://api.openai.com/v1)';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol !== 'http:') return 'must start with https:// (or http:// for a server on this machine or a private network)';
  if (!isPrivateHost(u.hostname)) return `uses plain http:// to ${u.hostname}, which is neither this machine nor a private address: use https://`;
  return undefined;
}

/** A full wss:// URL (AssemblyAI's streaming endpoint or a proxy of it). */
export const isWssUrl = (url: string): boolean => /^wss:\/\/[^\s/]+/i.test(url);

/** The host (and port) audio goes to, for the status bar and panel. */
export const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};
