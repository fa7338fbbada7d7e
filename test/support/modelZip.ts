/** Zips of the tone model for the model install tests: good ones and hostile ones. */
import * as fs from 'fs';
import * as path from 'path';
import * as yazl from 'yazl';
import { buildToneModel } from './toneModel';
import { tempDir } from './worker';

function files(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? files(dir, rel) : [rel];
  });
}

export type ZipItem = { name: string; data: Buffer; mode?: number; store?: boolean } | { dir: string };

export function writeZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) {
    if ('dir' in item) zip.addEmptyDirectory(item.dir);
    else zip.addBuffer(item.data, item.name, { ...(item.mode === undefined ? {} : { mode: item.mode }), compress: !item.store });
  }
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** The files of a fresh tone model, under `top/` as the official zips have them ('' for none). */
export function toneModelItems(top: string): ZipItem[] {
  const dir = tempDir('zipsrc');
  buildToneModel(dir);
  const items: ZipItem[] = files(dir).map((rel) => ({ name: top ? `${top}/${rel}` : rel, data: fs.readFileSync(path.join(dir, rel)) }));
  fs.rmSync(dir, { recursive: true, force: true });
  return items;
}

export const toneModelZip = (top = 'vosk-model-tone-0.1'): Promise<Buffer> => writeZip(toneModelItems(top));

/**
 * yazl (rightly) refuses to write an entry that escapes its folder, so the
 * zip-slip archive is written with a same-length placeholder name that is
 * then replaced in the local header and the central directory.
 */
export async function zipSlip(escape = '../evil.txt'): Promise<Buffer> {
  const placeholder = 'x'.repeat(escape.length);
  const zip = await writeZip([...toneModelItems('m'), { name: placeholder, data: Buffer.from('pwned') }]);
  const from = Buffer.from(placeholder);
  let at = zip.indexOf(from);
  let replaced = 0;
  while (at !== -1) {
    Buffer.from(escape).copy(zip, at);
    replaced++;
    at = zip.indexOf(from, at + 1);
  }
  if (replaced !== 2) throw new Error(`expected the placeholder twice, found it ${replaced} times`);
  return zip;
}
