/**
 * sherpa-onnx models from their official .tar.bz2 archives: downloaded from
 * the catalogue (the installer writes voxnote-model.json) and installed from
 * disk; every hostile or broken archive gives a clear error and leaves nothing
 * installed. Also the limits every install path shares (issue 11): folders
 * honour the size limit and are not followed through links; zips and tars
 * have an entry-count cap.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import type { CatalogEntry } from '../../src/models/catalog';
import { VoxnoteError } from '../../src/shared/errors';
import { MAX_ENTRIES } from '../../src/models/extract';
import { downloadModel, installArchive, installFolder, InstallOptions } from '../../src/models/install';
import { checkModelFolder } from '../../src/shared/modelFolder';
import { serve, startServer, TestServer } from '../support/httpsServer';
import { writeZip } from '../support/modelZip';
import { sherpaModelItems, TarItem, writeTarBz2 } from '../support/modelTar';
import { sherpaModel, sherpaToneWav } from '../support/sherpaWorker';
import { isType, tempDir, TestWorker } from '../support/worker';

const NAME = 'sherpa-onnx-tone-streaming';
const MB = 1024 * 1024;
const OPTIONS: InstallOptions = { maxBytes: 8 * MB };

async function archiveFile(name: string, data: Buffer | Promise<Buffer>): Promise<string> {
  const file = path.join(tempDir('archive'), name);
  fs.writeFileSync(file, await data);
  return file;
}

/** Must fail with a VoxnoteError matching `message`, and leave the models folder empty. */
async function leavesNothing(install: (dir: string) => Promise<string>, message: RegExp): Promise<void> {
  const dir = tempDir('models');
  await assert.rejects(install(dir), (err: Error) => {
    assert.ok(err instanceof VoxnoteError, `not a VoxnoteError: ${err.stack}`);
    assert.match(err.message, message);
    assert.ok(err.hint.length > 0);
    return true;
  });
  assert.deepEqual(fs.readdirSync(dir), [], 'something was left in the models folder');
}

async function transcribesTones(model: string): Promise<void> {
  const w = new TestWorker();
  try {
    w.send({ type: 'start', engine: { kind: 'sherpa', model }, source: { kind: 'file', path: sherpaToneWav([0.3, 'open', 0.3, 'file', 2]).path } });
    assert.equal((await w.waitFor(isType('final'))).text, 'open file');
  } finally {
    await w.close();
  }
}

describe('downloading a sherpa-onnx model (.tar.bz2)', () => {
  let server: TestServer;
  let good: Buffer;
  before(async () => {
    server = await startServer();
    // As released: the files only, no voxnote-model.json.
    good = await writeTarBz2(sherpaModelItems(NAME, 'streaming', { manifest: false }));
    server.route('/good.tar.bz2', serve(good));
    const corrupt = Buffer.from(good);
    for (let i = Math.floor(corrupt.length / 2); i < Math.floor(corrupt.length / 2) + 64; i++) corrupt[i] ^= 0x5a;
    server.route('/corrupt.tar.bz2', serve(corrupt));
    server.route('/truncated.tar.bz2', serve(good.subarray(0, good.length >> 1)));
    server.route('/slip.tar.bz2', serve(await writeTarBz2([...sherpaModelItems(NAME, 'streaming', { manifest: false }), { name: '../evil.txt', data: Buffer.from('pwned') }])));
    server.route('/link.tar.bz2', serve(await writeTarBz2([...sherpaModelItems(NAME, 'streaming', { manifest: false }), { name: `${NAME}/tokens-link.txt`, type: 'symlink', linkname: '/etc/passwd' }])));
    server.route('/big.tar.bz2', serve(await writeTarBz2([...sherpaModelItems(NAME, 'streaming', { manifest: false }), { name: `${NAME}/padding`, data: Buffer.alloc(9 * MB) }])));
  });
  after(() => server.close());

  const entry = (route: string): CatalogEntry => ({
    name: NAME,
    language: 'Tones',
    kind: 'small',
    size: '1M',
    url: `${server.origin}${route}`,
    license: 'MIT',
    notes: 'test model',
    sherpa: { streaming: true, kind: 'nemoCtc', files: { model: 'model.onnx' }, tokens: 'tokens.txt' },
  });
  const options = (): InstallOptions => ({ ...OPTIONS, ca: server.ca });

  it('downloads, unpacks, writes voxnote-model.json from the catalogue entry, and recognizes with it', async () => {
    const dir = tempDir('models');
    const installed = await downloadModel(entry('/good.tar.bz2'), dir, options());
    assert.equal(installed, path.join(dir, NAME));
    assert.deepEqual(fs.readdirSync(dir), [NAME]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(installed, 'voxnote-model.json'), 'utf8')), { engine: 'sherpa', streaming: true, kind: 'nemoCtc', files: { model: 'model.onnx' }, tokens: 'tokens.txt' });
    const check = checkModelFolder(installed);
    assert.ok(check.ok && check.engine === 'sherpa');
    await transcribesTones(installed);
  });

  it('reports a corrupt archive', () => leavesNothing((d) => downloadModel(entry('/corrupt.tar.bz2'), d, options()), /is not a readable \.tar\.bz2 archive, or is damaged/));
  it('reports a truncated archive', () => leavesNothing((d) => downloadModel(entry('/truncated.tar.bz2'), d, options()), /damaged or incomplete/));
  it('refuses an entry outside the model folder', () => leavesNothing((d) => downloadModel(entry('/slip.tar.bz2'), d, options()), /outside the model folder \(\.\.\/evil\.txt\)/));
  it('refuses a link entry', () => leavesNothing((d) => downloadModel(entry('/link.tar.bz2'), d, options()), /has a link entry \(sherpa-onnx-tone-streaming\/tokens-link\.txt\)/));
  it('refuses an archive that unpacks over the limit', () => leavesNothing((d) => downloadModel(entry('/big.tar.bz2'), d, options()), /unpacks to more than 8\.0 MB, the limit/));
});

describe('installing a sherpa-onnx archive from disk', () => {
  it('installs a .tar.bz2 with its voxnote-model.json', async () => {
    const dir = tempDir('models');
    const installed = await installArchive(await archiveFile('m.tar.bz2', writeTarBz2(sherpaModelItems('sherpa-tone-offline', 'offline'))), dir, OPTIONS);
    assert.equal(installed, path.join(dir, 'sherpa-tone-offline'));
    const check = checkModelFolder(installed);
    assert.ok(check.ok && check.engine === 'sherpa' && !check.model.streaming);
  });

  it('names what a release without voxnote-model.json lacks', () =>
    leavesNothing(async (d) => installArchive(await archiveFile('m.tar.bz2', writeTarBz2(sherpaModelItems('sherpa-x', 'streaming', { manifest: false }).filter((i) => !i.name.endsWith('tokens.txt')))), d, OPTIONS), /in the archive m\.tar\.bz2 has \.onnx files but no tokens\.txt/));

  it('refuses absolute paths, hard links and special files', async () => {
    const items = sherpaModelItems('m', 'streaming');
    const cases: Array<[TarItem, RegExp]> = [
      [{ name: '/tmp/voxnote-absolute.txt', data: Buffer.from('x') }, /outside the model folder/],
      [{ name: 'm/hard', type: 'link', linkname: 'm/tokens.txt' }, /has a link entry \(m\/hard\)/],
      [{ name: 'm/fifo', type: 'fifo' }, /has a special file entry \(m\/fifo\)/],
    ];
    for (const [bad, message] of cases) await leavesNothing(async (d) => installArchive(await archiveFile('m.tar.bz2', writeTarBz2([...items, bad])), d, OPTIONS), message);
    assert.equal(fs.existsSync('/tmp/voxnote-absolute.txt'), false);
  });

  it('refuses a file that is not an archive', () => leavesNothing(async (d) => installArchive(await archiveFile('m.tar.bz2', Buffer.from('just text')), d, OPTIONS), /is not a readable \.tar\.bz2 archive/));
});

describe('limits every install path shares', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `m/f${i}`, data: Buffer.alloc(0) }));

  it(`a .tar.bz2 with more than ${MAX_ENTRIES} entries is refused`, () => leavesNothing(async (d) => installArchive(await archiveFile('m.tar.bz2', writeTarBz2(many(MAX_ENTRIES + 1))), d, OPTIONS), new RegExp(`has more than ${MAX_ENTRIES} entries`)));
  it(`a zip with more than ${MAX_ENTRIES} entries is refused`, () => leavesNothing(async (d) => installArchive(await archiveFile('m.zip', writeZip(many(MAX_ENTRIES + 1))), d, OPTIONS), new RegExp(`has more than ${MAX_ENTRIES} entries`)));

  it('a folder over the size limit is refused', async () => {
    const source = sherpaModel('streaming');
    fs.writeFileSync(path.join(source, 'padding'), Buffer.alloc(9 * MB));
    await leavesNothing((d) => installFolder(source, d, OPTIONS), /holds more than 8\.0 MB, the limit/);
  });

  it('a folder with a link is refused, not followed', async () => {
    const source = sherpaModel('streaming');
    fs.symlinkSync('/etc/passwd', path.join(source, 'notes.txt'));
    await leavesNothing((d) => installFolder(source, d, OPTIONS), /has a link \(notes\.txt\)/);
  });

  it('a plain sherpa folder installs and runs', async () => {
    const dir = tempDir('models');
    const installed = await installFolder(sherpaModel('streaming'), dir, OPTIONS);
    await transcribesTones(installed);
  });
});
