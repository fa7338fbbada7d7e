/**
 * Download Model… for the diarization entries: a pyannote segmentation model
 * as its release archive and a speaker-embedding model as a bare .onnx, from a
 * local HTTPS server (the synthetic models stand in for the real ones), each
 * installed into its own folder and checked as sherpa-onnx will load it; a file
 * that is not the model it claims gives a clear error and leaves nothing.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import type { CatalogEntry } from '../../src/models/catalog';
import { downloadDiarizationModel, type InstallOptions } from '../../src/models/install';
import { VoxnoteError } from '../../src/shared/errors';
import { serve, startServer, type TestServer } from '../support/httpsServer';
import { writeTarBz2 } from '../support/modelTar';
import { segmentationModelBytes } from '../support/segmentationToneModel';
import { speakerModelBytes } from '../support/speakerToneModel';
import { tempDir } from '../support/worker';

type DiarizationCatalogEntry = CatalogEntry & Required<Pick<CatalogEntry, 'diarization'>>;

describe('downloading diarization models', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    server.route('/seg.tar.bz2', serve(await writeTarBz2([{ name: 'seg-3-0/model.onnx', data: Buffer.from(segmentationModelBytes()) }, { name: 'seg-3-0/LICENSE', data: Buffer.from('MIT') }])));
    server.route('/speaker.onnx', serve(Buffer.from(speakerModelBytes())));
  });
  after(() => server.close());

  const options = (): InstallOptions => ({ maxBytes: 8 * 1024 * 1024, ca: server.ca });
  const entry = (name: string, route: string, diarization: DiarizationCatalogEntry['diarization']): DiarizationCatalogEntry => ({
    name,
    language: 'Who spoke (meeting notes)',
    kind: 'small',
    size: '1M',
    url: `${server.origin}${route}`,
    license: 'MIT',
    notes: 'test model',
    diarization,
  });

  it('installs the segmentation archive and the bare embedding model, each in a folder of its name', async () => {
    const dir = tempDir('diarization-models');
    const seg = await downloadDiarizationModel(entry('seg', '/seg.tar.bz2', { role: 'segmentation', file: 'model.onnx' }), dir, options());
    assert.equal(seg, path.join(dir, 'seg', 'model.onnx'));
    const emb = await downloadDiarizationModel(entry('speaker', '/speaker.onnx', { role: 'embedding', file: 'speaker.onnx' }), dir, options());
    assert.equal(emb, path.join(dir, 'speaker', 'speaker.onnx'));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['seg', 'speaker']);
    assert.deepEqual(fs.readFileSync(emb), Buffer.from(speakerModelBytes()));
  });

  it('refuses a download that is not the model of its role, leaving nothing', async () => {
    const dir = tempDir('diarization-models');
    await assert.rejects(downloadDiarizationModel(entry('wrong', '/speaker.onnx', { role: 'segmentation', file: 'model.onnx' }), dir, options()), (e: Error) => {
      assert.ok(e instanceof VoxnoteError);
      assert.match(e.message, /^The speaker-segmentation model model\.onnx in the download of wrong lacks the metadata sherpa-onnx needs \(window_size, /);
      assert.match(e.hint, /Download Model/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
