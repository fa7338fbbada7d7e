/** Installing models from a local zip or folder (no internet), and removing them. */
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { CancelledError } from '../../src/models/errors';
import { VoxnoteError } from '../../src/shared/errors';
import { InstallProgress, installFolder, installArchive, removeModel, sweepLeftovers } from '../../src/models/install';
import { checkModelFolder } from '../../src/shared/modelFolder';
import { toneModelItems, toneModelZip, writeZip } from '../support/modelZip';
import { tempDir, toneModel } from '../support/worker';

const OPTIONS = { maxBytes: 64 * 1024 * 1024 };

async function zipFile(name: string, data: Buffer | Promise<Buffer>): Promise<string> {
  const file = path.join(tempDir('zip'), name);
  fs.writeFileSync(file, await data);
  return file;
}

describe('installing a model from a zip', () => {
  it('installs under the folder name inside the zip', async () => {
    const dir = tempDir('models');
    const installed = await installArchive(await zipFile('download.zip', toneModelZip('vosk-model-tone-0.1')), dir, OPTIONS);
    assert.equal(installed, path.join(dir, 'vosk-model-tone-0.1'));
    assert.deepEqual(fs.readdirSync(dir), ['vosk-model-tone-0.1']);
    assert.equal(checkModelFolder(installed).ok, true);
  });

  it('names a zip without a top folder after the zip', async () => {
    const dir = tempDir('models');
    const installed = await installArchive(await zipFile('my tones.zip', writeZip(toneModelItems(''))), dir, OPTIONS);
    assert.equal(installed, path.join(dir, 'my-tones'));
    assert.equal(checkModelFolder(installed).ok, true);
  });

  it('cancels while unpacking, leaving nothing', async () => {
    const dir = tempDir('models');
    const abort = new AbortController();
    const onProgress = (p: InstallProgress) => {
      if (p.stage === 'extract') abort.abort();
    };
    await assert.rejects(installArchive(await zipFile('m.zip', toneModelZip('m')), dir, { ...OPTIONS, signal: abort.signal, onProgress }), CancelledError);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('refuses a file that is not a zip, leaving nothing', async () => {
    const dir = tempDir('models');
    await assert.rejects(installArchive(await zipFile('model.zip', Buffer.from('not a zip at all')), dir, OPTIONS), /model.zip is not a readable zip archive/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('refuses a zip whose stored data fails its CRC-32', async () => {
    const dir = tempDir('models');
    const zip = await writeZip([...toneModelItems('m'), { name: 'm/notes.txt', data: Buffer.from('stored, not compressed'), store: true }]);
    zip[zip.indexOf('stored, not compressed')] ^= 0x20;
    await assert.rejects(installArchive(await zipFile('m.zip', zip), dir, OPTIONS), /m.zip is damaged: m\/notes.txt fails its CRC-32 check/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('names the file a zipped model lacks', async () => {
    const dir = tempDir('models');
    const items = toneModelItems('m').filter((i) => !('name' in i && i.name === 'm/conf/model.conf'));
    await assert.rejects(installArchive(await zipFile('m.zip', writeZip(items)), dir, OPTIONS), /in the archive m.zip has no conf\/model.conf/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

describe('installing a model from a folder', () => {
  it('copies the folder', async () => {
    const dir = tempDir('models');
    const source = toneModel();
    const installed = await installFolder(source, dir, OPTIONS);
    assert.equal(installed, path.join(dir, path.basename(source)));
    assert.equal(checkModelFolder(installed).ok, true);
    fs.rmSync(source, { recursive: true });
    assert.equal(checkModelFolder(installed).ok, true, 'the installed model depends on its source');
  });

  it('finds the model one level down, as unzipping by hand leaves it', async () => {
    const dir = tempDir('models');
    const parent = tempDir('unzipped');
    fs.renameSync(toneModel(), path.join(parent, 'vosk-model-tone-0.2'));
    const installed = await installFolder(parent, dir, OPTIONS);
    assert.equal(installed, path.join(dir, 'vosk-model-tone-0.2'));
  });

  it('names the file a model folder lacks, leaving nothing', async () => {
    const dir = tempDir('models');
    const source = toneModel();
    fs.rmSync(path.join(source, 'graph', 'phones', 'word_boundary.int'));
    await assert.rejects(installFolder(source, dir, OPTIONS), (e: Error) => e instanceof VoxnoteError && e.message === `The model folder ${source} has no graph/phones/word_boundary.int (word boundaries, needed for word timings).`);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('refuses a folder that is already installed', async () => {
    const dir = tempDir('models');
    const installed = await installFolder(toneModel(), dir, OPTIONS);
    await assert.rejects(installFolder(installed, dir, OPTIONS), /already in Voxnote's models folder/);
  });
});

describe('removing models', () => {
  it('removes one installed model and keeps the others', async () => {
    const dir = tempDir('models');
    const a = await installArchive(await zipFile('a.zip', toneModelZip('model-a')), dir, OPTIONS);
    await installArchive(await zipFile('b.zip', toneModelZip('model-b')), dir, OPTIONS);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model-a', 'model-b']);
    await removeModel(dir, 'model-b');
    assert.deepEqual(fs.readdirSync(dir), ['model-a']);
    assert.equal(checkModelFolder(a).ok, true);
  });

  it('refuses names that are not installed models', async () => {
    const dir = tempDir('models');
    await assert.rejects(removeModel(dir, 'nothing-here'), /is not installed/);
    await assert.rejects(removeModel(dir, '../outside'), /is not an installed model/);
  });

  it('sweeps staging folders of processes that died, not of live ones', async () => {
    const dir = tempDir('models');
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    fs.mkdirSync(path.join(dir, `.staging-${deadPid}-abc`, 'unpacked'), { recursive: true });
    fs.mkdirSync(path.join(dir, `.removing-${deadPid}-123`));
    fs.mkdirSync(path.join(dir, `.staging-${process.pid}-def`));
    await sweepLeftovers(dir);
    assert.deepEqual(fs.readdirSync(dir), [`.staging-${process.pid}-def`]);
  });
});
