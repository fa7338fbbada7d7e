/** The bundled model catalogue and its parsing. */
import assert from 'node:assert/strict';
import * as path from 'path';
import { describe, it } from 'node:test';
import { CATALOG_ENV, CatalogError, catalogPath, firstRunLabel, FIRST_RUN, formatSize, loadCatalog, parseCatalog, sortForPicker } from '../../src/models/catalog';
import { ROOT } from '../support/worker';

const BUNDLED = path.join(ROOT, 'models', 'catalog.json');

describe('the bundled model catalogue', () => {
  const entries = loadCatalog(BUNDLED);

  it('lists official models with unique names and HTTPS URLs named after them', () => {
    assert.ok(entries.length >= 30, `only ${entries.length} entries`);
    assert.equal(new Set(entries.map((e) => e.name)).size, entries.length);
    for (const e of entries) {
      const url = e.diarization
        ? e.diarization.role === 'segmentation'
          ? `https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-segmentation-models/${e.name}.tar.bz2`
          : `https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-recongition-models/${e.name}.onnx`
        : e.sherpa
          ? `https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${e.name}.tar.bz2`
          : `https://alphacephei.com/vosk/models/${e.name}.zip`;
      assert.equal(e.url, url);
    }
  });

  it('has a speaker-segmentation and a speaker-embedding model for who spoke, grouped apart from the recognizers', () => {
    const diarization = entries.filter((e) => e.diarization);
    assert.deepEqual(diarization.map((e) => e.diarization!.role).sort(), ['embedding', 'segmentation']);
    assert.ok(diarization.every((e) => e.language === 'Who spoke (meeting notes)' && !e.sherpa && e.bytes && e.sha256));
    assert.equal(diarization.find((e) => e.diarization!.role === 'segmentation')?.diarization?.file, 'model.onnx');
  });

  it('has the official sherpa-onnx models the engine issue names, each with the manifest the installer writes', () => {
    const sherpa = entries.filter((e) => e.sherpa).map((e) => e.name);
    for (const name of [
      'sherpa-onnx-whisper-tiny.en',
      'sherpa-onnx-whisper-base.en',
      'sherpa-onnx-whisper-small.en',
      'sherpa-onnx-whisper-small',
      'sherpa-onnx-streaming-zipformer-en-2023-06-26',
      'sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8',
      'sherpa-onnx-moonshine-tiny-en-int8',
      'sherpa-onnx-moonshine-base-en-int8',
      'sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17',
    ]) {
      assert.ok(sherpa.includes(name), name);
    }
    assert.equal(entries.find((e) => e.name === 'sherpa-onnx-streaming-zipformer-en-2023-06-26')?.sherpa?.streaming, true);
    // No checksum was published where the catalogue was read: none is made up.
    assert.ok(entries.filter((e) => e.sherpa).every((e) => e.sha256 === undefined && e.bytes === undefined));
  });

  it('has a small model for the main languages, and the large English model marked large', () => {
    for (const name of ['vosk-model-small-en-us-0.15', 'vosk-model-small-de-0.15', 'vosk-model-small-fr-0.22', 'vosk-model-small-ru-0.22', 'vosk-model-small-cn-0.22']) {
      assert.equal(entries.find((e) => e.name === name)?.kind, 'small', name);
    }
    assert.equal(entries.find((e) => e.name === 'vosk-model-en-us-0.22')?.kind, 'large');
  });

  it('offers the first-run model under the label Start Dictation shows', () => {
    const entry = entries.find((e) => e.name === FIRST_RUN.model);
    assert.ok(entry);
    assert.equal(firstRunLabel(entry), FIRST_RUN.label);
    assert.equal(FIRST_RUN.label, 'Download English (small, 40 MB)');
  });

  it('sorts for the picker: small English first, each language in one group', () => {
    const sorted = sortForPicker(entries);
    assert.equal(sorted[0].name, FIRST_RUN.model);
    assert.equal(sorted.length, entries.length);
    const runs = sorted.map((e) => e.language).filter((l, i, all) => l !== all[i - 1]);
    assert.equal(runs.length, new Set(runs).size, 'a language appears in two groups');
    const german = sorted.filter((e) => e.language === 'German').map((e) => e.name);
    assert.equal(german[0], 'vosk-model-small-de-0.15', 'the not-recommended zamia model came first');
  });
});

describe('catalogue parsing', () => {
  it('checks a sherpa entry\'s manifest', () => {
    const base = { name: 's-1', language: 'X', kind: 'small', size: '1M', url: 'https://h/s.tar.bz2', license: 'MIT', notes: '' };
    const ok = { streaming: false, kind: 'whisper', files: { encoder: 'e.onnx', decoder: 'd.onnx' }, tokens: 't.txt' };
    assert.equal(parseCatalog(JSON.stringify({ models: [{ ...base, sherpa: ok }] }))[0].sherpa?.kind, 'whisper');
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base, sherpa: { ...ok, kind: 'whisperx' } }] })), /"kind" that sherpa-onnx does not have/);
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base, sherpa: { ...ok, files: { encoder: 'e.onnx' } } }] })), /no sherpa "files" "decoder"/);
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base, url: 'https://h/s.rar' }] })), /neither a \.zip nor a \.tar\.bz2/);
  });

  it('checks a diarization entry: its role, a plain .onnx file name, an archive or a bare .onnx download', () => {
    const base = { name: 'd-1', language: 'X', kind: 'small', size: '1M', url: 'https://h/d.onnx', license: 'MIT', notes: '' };
    assert.equal(parseCatalog(JSON.stringify({ models: [{ ...base, diarization: { role: 'embedding', file: 'd.onnx' } }] }))[0].diarization?.role, 'embedding');
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base, diarization: { role: 'voice', file: 'd.onnx' } }] })), /"role" other than/);
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base, diarization: { role: 'embedding', file: '../d.onnx' } }] })), /plain \.onnx file name/);
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base }] })), /neither a \.zip nor a \.tar\.bz2/, 'a bare .onnx only for diarization');
    assert.throws(() => parseCatalog(JSON.stringify({ models: [{ ...base, url: 'https://h/d.rar', diarization: { role: 'embedding', file: 'd.onnx' } }] })), /neither an archive nor an \.onnx/);
  });

  const good = { name: 'm-1', language: 'X', kind: 'small', size: '1M', url: 'https://h/m.zip', license: 'MIT', notes: '' };
  const parse = (models: unknown) => () => parseCatalog(JSON.stringify({ models }));

  it('accepts checksums and exact sizes', () => {
    const [e] = parseCatalog(JSON.stringify({ models: [{ ...good, bytes: 12, sha256: 'a'.repeat(64) }] }));
    assert.equal(e.bytes, 12);
  });

  it('refuses broken catalogues with the reason', () => {
    assert.throws(() => parseCatalog('{'), (e: Error) => e instanceof CatalogError && /not valid JSON/.test(e.message));
    assert.throws(parse(undefined), /no "models" list/);
    assert.throws(parse([{ ...good, url: 1 }]), /entry 1 has no "url"/);
    assert.throws(parse([good, { ...good, name: '../escape' }]), /entry 2 has a name that is not a plain folder name/);
    assert.throws(parse([{ ...good, name: '.hidden' }]), /plain folder name/);
    assert.throws(parse([{ ...good, kind: 'medium' }]), /"kind"/);
    assert.throws(parse([{ ...good, sha256: 'abc' }]), /64 hex digits/);
    assert.throws(parse([{ ...good, bytes: -1 }]), /"bytes"/);
  });

  it('reads another catalogue named by VOXNOTE_MODEL_CATALOG', () => {
    assert.equal(catalogPath('/bundled.json', {}), '/bundled.json');
    assert.equal(catalogPath('/bundled.json', { [CATALOG_ENV]: '/mirror/catalog.json' }), '/mirror/catalog.json');
    assert.throws(() => loadCatalog('/no/such/catalog.json'), /Cannot read the model catalogue/);
  });

  it('formats the published sizes', () => {
    assert.equal(formatSize('40M'), '40 MB');
    assert.equal(formatSize('1.5Gb'), '1.5 GB');
    assert.equal(formatSize('1G'), '1 GB');
    assert.equal(formatSize('about 3'), 'about 3');
  });
});
