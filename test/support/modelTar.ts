/** .tar.bz2 archives for the sherpa install tests, good and hostile (tar-stream writes, bzip2 compresses). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tar from 'tar-stream';
import { buildSherpaToneModel, BuildOptions, SherpaToneKind } from './sherpaToneModel';
import { tempDir } from './worker';

export type TarItem = { name: string; data?: Buffer; type?: tar.Header['type']; linkname?: string };

export async function writeTarBz2(items: TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const item of items) {
    const type = item.type ?? 'file';
    await new Promise<void>((resolve, reject) => pack.entry({ name: item.name, type, linkname: item.linkname, size: item.data?.length ?? 0, mode: type === 'directory' ? 0o755 : 0o644 }, item.data ?? Buffer.alloc(0), (e) => (e ? reject(e) : resolve())));
  }
  pack.finalize();
  await done;
  return execFileSync('bzip2', ['-c'], { input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
}

/** The files of a fresh sherpa tone model under `top/`, as the official archives have them. */
export function sherpaModelItems(top: string, kind: SherpaToneKind, opts?: BuildOptions): TarItem[] {
  const dir = buildSherpaToneModel(path.join(tempDir('tarsrc'), 'm'), kind, opts);
  const items: TarItem[] = [{ name: `${top}/`, type: 'directory' }, ...fs.readdirSync(dir).map((f) => ({ name: `${top}/${f}`, data: fs.readFileSync(path.join(dir, f)) }))];
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  return items;
}
