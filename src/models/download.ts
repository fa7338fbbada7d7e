/**
 * Downloads one file over HTTPS with progress, cancellation, and size and
 * checksum checks. Uses node's https module on purpose: VS Code's extension
 * host patches it to follow the http.proxy settings, which fetch() would not.
 * A failed or cancelled download leaves no file behind.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import type { IncomingMessage } from 'http';
import * as https from 'https';
import { Transform } from 'stream';
import { pipeline } from 'stream/promises';
import { formatBytes } from './catalog';
import { VoxnoteError } from '../shared/errors';
import { CancelledError, modelError, OFFLINE_HINT, throwIfCancelled } from './errors';

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (received: number, total: number | undefined) => void;
  /** Certificates to trust instead of the system's, PEM (tests use a self-signed one). */
  ca?: string | Buffer;
  /** Exact expected size in bytes. */
  bytes?: number;
  /** Expected hex SHA-256. */
  sha256?: string;
  /** A download larger than this is refused. */
  maxBytes?: number;
  /** Fail when the server sends nothing for this long. */
  idleTimeoutMs?: number;
}

const MAX_REDIRECTS = 5;

function requireHttps(url: URL): void {
  if (url.protocol !== 'https:') {
    throw modelError(`Voxnote downloads models over HTTPS only, and ${url.href} is not HTTPS.`, 'Use an https:// address in the model catalogue.');
  }
}

/** Why the request was ended on purpose; the body stream only reports "aborted". */
interface Ending {
  reason?: Error;
}

/** GET following redirects (HTTPS only); resolves with a 200 response. */
function get(url: URL, opts: DownloadOptions, ending: Ending, redirects = 0): Promise<IncomingMessage> {
  requireHttps(url);
  throwIfCancelled(opts.signal);
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: opts.ca, headers: { 'user-agent': 'voxnote' } });
    const onAbort = () => req.destroy(new CancelledError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => opts.signal?.removeEventListener('abort', onAbort);
    req.setTimeout(opts.idleTimeoutMs ?? 60_000, () => {
      ending.reason = modelError(`The server at ${url.host} stopped sending data.`, OFFLINE_HINT);
      req.destroy(ending.reason);
    });
    req.on('error', (e) => {
      done();
      reject(asModelError(e, url));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        done();
        if (redirects >= MAX_REDIRECTS) return reject(modelError(`${url.href} redirects too many times.`, OFFLINE_HINT));
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
        } catch {
          return reject(modelError(`${url.href} redirects to an invalid address.`, OFFLINE_HINT));
        }
        return get(next, opts, ending, redirects + 1).then(resolve, reject);
      }
      if (status !== 200) {
        res.resume();
        done();
        return reject(modelError(`The server answered HTTP ${status}${res.statusMessage ? ` (${res.statusMessage})` : ''} for ${url.href}.`, OFFLINE_HINT));
      }
      // The abort listener stays: it also ends the body transfer.
      res.on('close', done);
      resolve(res);
    });
  });
}

function asModelError(e: unknown, url: URL): Error {
  if (e instanceof VoxnoteError || e instanceof CancelledError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ECONNRESET' || err.message === 'aborted') {
    return modelError(`The connection to ${url.host} was cut off during the download.`, OFFLINE_HINT);
  }
  return modelError(`Cannot download ${url.href}: ${err.message}${err.code && !err.message.includes(err.code) ? ` (${err.code})` : ''}.`, OFFLINE_HINT);
}

/** Downloads `url` to `file` (which must not exist). Resolves with the size and SHA-256. */
export async function download(url: string, file: string, opts: DownloadOptions = {}): Promise<{ bytes: number; sha256: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw modelError(`"${url}" is not a valid address.`, 'Fix the model catalogue.');
  }
  const ending: Ending = {};
  try {
    const res = await get(target, opts, ending);
    const header = res.headers['content-length'];
    const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
    const limit = opts.bytes ?? opts.maxBytes;
    if (total !== undefined && opts.bytes !== undefined && total !== opts.bytes) {
      res.destroy();
      throw modelError(`The server offers ${total} bytes for ${target.href}, but the catalogue expects ${opts.bytes}.`, 'The file on the server changed or is not the model; try again later, or install the model from a zip.');
    }
    if (total !== undefined && limit !== undefined && total > limit) {
      res.destroy();
      throw modelError(`${target.href} is ${formatBytes(total)}, more than the ${formatBytes(limit)} allowed.`, 'Raise voxnote.model.maxUnpackedGB if you trust this model.');
    }
    const hash = createHash('sha256');
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        received += chunk.length;
        if (limit !== undefined && received > limit) {
          return callback(modelError(`${target.href} sent more than the expected ${formatBytes(limit)}.`, 'The file on the server is not the expected model; try again later, or install the model from a zip.'));
        }
        hash.update(chunk);
        opts.onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    await pipeline(res, meter, fs.createWriteStream(file, { flags: 'wx' }), { signal: opts.signal });
    // A server that closes early without an error still must have sent all it announced.
    if (total !== undefined && received !== total) {
      throw modelError(`The download of ${target.href} stopped after ${formatBytes(received)} of ${formatBytes(total)}.`, OFFLINE_HINT);
    }
    if (opts.bytes !== undefined && received !== opts.bytes) {
      throw modelError(`${target.href} has ${received} bytes, but the catalogue expects ${opts.bytes}.`, 'The file on the server is not the expected model; try again later, or install the model from a zip.');
    }
    const sha256 = hash.digest('hex');
    if (opts.sha256 && sha256 !== opts.sha256.toLowerCase()) {
      throw modelError(`The checksum of ${target.href} does not match the catalogue (SHA-256 ${sha256}, expected ${opts.sha256.toLowerCase()}).`, 'The download is damaged or not the expected model; try again, or install the model from a zip.');
    }
    return { bytes: received, sha256 };
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    if (opts.signal?.aborted) throw new CancelledError();
    throw ending.reason ?? asModelError(e, target);
  }
}
