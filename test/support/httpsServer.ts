/**
 * A local HTTPS server on 127.0.0.1 with a self-signed certificate made at
 * test time by openssl. Clients trust it through `ca`, not by turning off
 * verification.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { tempDir } from './worker';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  /** https://127.0.0.1:port */
  origin: string;
  /** The certificate to trust, PEM. */
  ca: string;
  /** Requests seen, by path. */
  requests: string[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = tempDir('cert');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  const pair = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

export async function startServer(): Promise<TestServer> {
  const { key, cert } = selfSignedCertificate();
  const routes = new Map<string, Handler>();
  const requests: string[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    requests.push(req.url ?? '');
    const handler = routes.get(req.url ?? '');
    if (handler) return handler(req, res);
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    ca: cert,
    requests,
    route: (p, h) => routes.set(p, h),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves `body` whole, with its length. */
export const serve =
  (body: Buffer): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).end(body);
  };
