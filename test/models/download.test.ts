/**
 * Downloading and installing a model from a local HTTPS server: the good path
 * (then dictating with the installed model), and each bad download, which must
 * give a clear error and leave nothing installed and no temporary files.
 */
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import type { CatalogEntry } from '../../src/models/catalog';
import { CancelledError, ModelError } from '../../src/models/errors';
import { downloadModel, InstallOptions, InstallProgress } from '../../src/models/install';
import { checkModelFolder } from '../../src/shared/modelFolder';
import { serve, startServer, TestServer } from '../support/httpsServer';
import { toneModelItems, toneModelZip, writeZip, zipSlip } from '../support/modelZip';
import { isType, tempDir, TestWorker, toneWav } from '../support/worker';

const NAME = 'vosk-model-tone-0.1';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloading a model', () => {
  let server: TestServer;
  let zip: Buffer;
  before(async () => {
    server = await startServer();
    zip = await toneModelZip(NAME);
    server.route('/tone.zip', serve(zip));
    server.route('/moved', (_req, res) => res.writeHead(302, { location: '/tone.zip' }).end());
    server.route('/500', (_req, res) => res.writeHead(500).end('boom'));
    const corrupt = Buffer.from(zip);
    // Damage the compressed data in the middle of the archive, leaving the directory intact.
    for (let i = Math.floor(corrupt.length / 3); i < Math.floor(corrupt.length / 3) + 64; i++) corrupt[i] ^= 0x5a;
    server.route('/corrupt.zip', serve(corrupt));
    server.route('/truncated.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': zip.length });
      res.write(zip.subarray(0, zip.length >> 1), () => res.socket?.destroy());
    });
    server.route('/stalled.zip', (_req, res) => {
      res.writeHead(200, { 'content-length': zip.length });
      res.write(zip.subarray(0, 1024));
    });
    server.route('/slip.zip', serve(await zipSlip()));
    server.route('/link.zip', serve(await writeZip([...toneModelItems(NAME), { name: `${NAME}/graph/link`, data: Buffer.from('/etc/passwd'), mode: 0o120777 }])));
    server.route('/big.zip', serve(await writeZip([...toneModelItems(NAME), { name: `${NAME}/padding`, data: Buffer.alloc(8 * 1024 * 1024) }])));
    server.route('/incomplete.zip', serve(await writeZip(toneModelItems(NAME).filter((i) => !('name' in i && i.name.endsWith('graph/words.txt'))))));
  });
  after(() => server.close());

  const entry = (route: string, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
    name: NAME,
    language: 'Tones',
    kind: 'small',
    size: '1M',
    url: `${server.origin}${route}`,
    license: 'MIT',
    notes: 'test model',
    ...extra,
  });
  const options = (extra: Partial<InstallOptions> = {}): InstallOptions => ({ maxBytes: 4 * 1024 * 1024, ca: server.ca, ...extra });

  /** Runs a download that must fail; checks the error and that the models folder is empty. */
  async function fails(e: CatalogEntry, message: RegExp, extra: Partial<InstallOptions> = {}): Promise<void> {
    const dir = tempDir('models');
    await assert.rejects(downloadModel(e, dir, options(extra)), (err: Error) => {
      assert.ok(err instanceof ModelError, `not a ModelError: ${err.stack}`);
      assert.match(err.message, message);
      assert.ok(err.hint.length > 0);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), [], 'something was left in the models folder');
  }

  it('downloads, checks size and checksum, installs, and dictation works with the model', async () => {
    const dir = tempDir('models');
    const progress: InstallProgress[] = [];
    const installed = await downloadModel(entry('/tone.zip', { bytes: zip.length, sha256: sha256(zip) }), dir, options({ onProgress: (p) => progress.push(p) }));
    assert.equal(installed, path.join(dir, NAME));
    assert.deepEqual(fs.readdirSync(dir), [NAME]);
    assert.equal(checkModelFolder(installed).ok, true);
    const downloads = progress.filter((p) => p.stage === 'download');
    assert.deepEqual(downloads.at(-1), { stage: 'download', done: zip.length, total: zip.length });
    const extracts = progress.filter((p) => p.stage === 'extract');
    assert.ok(extracts.length > 0 && extracts.at(-1)!.done === extracts.at(-1)!.total);

    const w = new TestWorker();
    try {
      const audio = toneWav([0.4, 'yes', 0.35, 'open', 2]);
      w.send({ type: 'start', source: { kind: 'file', path: audio.path }, engine: { kind: 'vosk', model: installed }, options: {} });
      const final = await w.waitFor(isType('final'));
      assert.equal(final.text, 'yes open');
    } finally {
      await w.close();
    }
  });

  it('follows a redirect, and replaces an installed copy of the same model', async () => {
    const dir = tempDir('models');
    await downloadModel(entry('/tone.zip'), dir, options());
    const installed = await downloadModel(entry('/moved'), dir, options());
    assert.deepEqual(fs.readdirSync(dir), [NAME]);
    assert.equal(checkModelFolder(installed).ok, true);
  });

  it('refuses a non-HTTPS address without connecting', async () => {
    const before = server.requests.length;
    await fails(entry('/tone.zip', { url: `${server.origin.replace('https:', 'http:')}/tone.zip` }), /HTTPS only/);
    assert.equal(server.requests.length, before);
  });

  it('does not trust a certificate it was not given', async () => {
    await fails(entry('/tone.zip'), /Cannot download .*self[- ]signed/i, { ca: undefined });
  });

  it('reports HTTP 404', () => fails(entry('/missing.zip'), /HTTP 404/));
  it('reports HTTP 500', () => fails(entry('/500'), /HTTP 500/));
  it('reports a corrupt zip', () => fails(entry('/corrupt.zip'), /damaged|not a readable zip/));
  it('reports a truncated download', () => fails(entry('/truncated.zip'), /cut off|stopped after/));
  it('reports a checksum mismatch', () => fails(entry('/tone.zip', { sha256: sha256(Buffer.from('other')) }), /checksum .* does not match/));
  it('reports a size that differs from the catalogue', () => fails(entry('/tone.zip', { bytes: zip.length + 1 }), /expects/));
  it('refuses a zip-slip entry', () => fails(entry('/slip.zip'), /outside the model folder/));
  it('refuses a link entry', () => fails(entry('/link.zip'), /link entry \(vosk-model-tone-0.1\/graph\/link\)/));
  it('refuses an archive that unpacks over the limit', () => fails(entry('/big.zip'), /unpacks to more than 4\.0 MB/));
  it('names the file a downloaded model lacks', () => fails(entry('/incomplete.zip'), /in the download of vosk-model-tone-0.1 has no graph\/words.txt/));
  it('gives up on a server that stops sending', () => fails(entry('/stalled.zip'), /stopped sending/, { idleTimeoutMs: 500 }));

  it('cancels a slow download, leaving nothing behind', async () => {
    const dir = tempDir('models');
    const abort = new AbortController();
    const onProgress = (p: InstallProgress) => {
      if (p.stage === 'download') abort.abort();
    };
    await assert.rejects(downloadModel(entry('/stalled.zip'), dir, options({ signal: abort.signal, onProgress })), CancelledError);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('keeps the installed model when a new download of it fails', async () => {
    const dir = tempDir('models');
    await downloadModel(entry('/tone.zip'), dir, options());
    await assert.rejects(downloadModel(entry('/corrupt.zip'), dir, options()), ModelError);
    assert.deepEqual(fs.readdirSync(dir), [NAME]);
    assert.equal(checkModelFolder(path.join(dir, NAME)).ok, true);
  });
});
