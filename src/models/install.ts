/**
 * Installs models into the models folder atomically: everything is prepared
 * in a hidden staging folder beside the target (same file system), validated,
 * then renamed into place. A failure or a cancel removes the staging folder,
 * so nothing is ever half-installed. No VS Code API here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { archiveKind, CatalogEntry, formatBytes, isBareOnnx, isSafeModelName } from './catalog';
import { download } from './download';
import { modelError, throwIfCancelled } from './errors';
import { extractArchive, MAX_ENTRIES } from './extract';
import { checkDiarizationModel } from '../shared/diarizationModels';
import { checkModelFolder } from '../shared/modelFolder';
import { writeManifest } from '../shared/sherpaModelFolder';

export type InstallProgress =
  | { stage: 'download'; done: number; total: number | undefined }
  | { stage: 'extract'; done: number; total: number }
  | { stage: 'copy' }
  | { stage: 'check' };

export interface InstallOptions {
  /** Largest unpacked (and downloaded) size, in bytes. */
  maxBytes: number;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  /** Certificates to trust for the download instead of the system's (tests). */
  ca?: string | Buffer;
  idleTimeoutMs?: number;
}

// Hidden (dot) folders are not models to ModelStore.installed(). The pid lets
// another window's sweep tell a live install from one a crash left behind.
const STAGING = '.staging-';
const REMOVING = '.removing-';

async function staging(modelsDir: string): Promise<string> {
  await fs.promises.mkdir(modelsDir, { recursive: true });
  await sweepLeftovers(modelsDir);
  return fs.promises.mkdtemp(path.join(modelsDir, `${STAGING}${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging and removal folders left by processes that died mid-way. */
export async function sweepLeftovers(modelsDir: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(modelsDir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^\.(?:staging|removing)-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) await fs.promises.rm(path.join(modelsDir, name), { recursive: true, force: true });
  }
}

/** An unpacked archive's top folder: its single subfolder, as official archives have, or itself. */
async function unpackedTop(dir: string): Promise<string> {
  const subs = (await fs.promises.readdir(dir, { withFileTypes: true })).filter((e) => e.name !== '__MACOSX');
  return subs.length === 1 && subs[0].isDirectory() ? path.join(dir, subs[0].name) : dir;
}

/**
 * The model inside an unpacked folder: the folder itself, or its single
 * subfolder. `shown` replaces the staging path in messages, e.g. "in the
 * archive x.zip", since people know what they chose, not where it was unpacked.
 */
async function findModelRoot(dir: string, shown: string): Promise<string> {
  if (checkModelFolder(dir).ok) return dir;
  const root = await unpackedTop(dir);
  const check = checkModelFolder(root);
  if (check.ok) return root;
  throw modelError(check.message.split(root).join(shown), 'Use the whole archive from the official model list (a Vosk .zip or a sherpa-onnx .tar.bz2), or its unpacked folder.');
}

function folderName(wanted: string): string {
  const name = wanted.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  if (!isSafeModelName(name)) throw modelError(`"${wanted}" cannot be used as a model folder name.`, 'Rename the model folder or zip to letters, digits, dots and dashes.');
  return name;
}

/** Renames `from` to modelsDir/name, replacing an older copy only once the new one is in place. */
async function moveIntoPlace(from: string, modelsDir: string, name: string, stage: string): Promise<string> {
  const target = path.join(modelsDir, name);
  const old = path.join(stage, 'replaced');
  let replaced = false;
  try {
    await fs.promises.rename(target, old);
    replaced = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    await fs.promises.rename(from, target);
  } catch (e) {
    if (replaced) await fs.promises.rename(old, target);
    throw e;
  }
  return target;
}

async function inStaging<T>(modelsDir: string, work: (stage: string) => Promise<T>): Promise<T> {
  const stage = await staging(modelsDir);
  try {
    return await work(stage);
  } finally {
    await fs.promises.rm(stage, { recursive: true, force: true });
  }
}

async function installUnpacked(unpacked: string, shown: string, wantedName: (root: string) => string, modelsDir: string, stage: string, opts: InstallOptions): Promise<string> {
  opts.onProgress?.({ stage: 'check' });
  const root = await findModelRoot(unpacked, shown);
  throwIfCancelled(opts.signal);
  return moveIntoPlace(root, modelsDir, folderName(wantedName(root)), stage);
}

/** The catalogue entry's download into `file`. */
function fetchEntry(entry: CatalogEntry, file: string, opts: InstallOptions): Promise<unknown> {
  return download(entry.url, file, {
    signal: opts.signal,
    ca: opts.ca,
    idleTimeoutMs: opts.idleTimeoutMs,
    bytes: entry.bytes,
    sha256: entry.sha256,
    maxBytes: opts.maxBytes,
    onProgress: (done, total) => opts.onProgress?.({ stage: 'download', done, total }),
  });
}

/** Downloads a catalogue model, checks and installs it; resolves with its folder. */
export function downloadModel(entry: CatalogEntry, modelsDir: string, opts: InstallOptions): Promise<string> {
  return inStaging(modelsDir, async (stage) => {
    const archive = path.join(stage, `${entry.name}.${archiveKind(entry.url) ?? 'zip'}`);
    await fetchEntry(entry, archive, opts);
    const unpacked = path.join(stage, 'unpacked');
    await extract(archive, unpacked, opts);
    // sherpa-onnx releases carry no description of their files: the catalogue's goes in beside them.
    if (entry.sherpa) writeManifest(await unpackedTop(unpacked), { engine: 'sherpa', ...entry.sherpa });
    return installUnpacked(unpacked, `in the download of ${entry.name}`, () => entry.name, modelsDir, stage, opts);
  });
}

/**
 * Downloads a catalogue diarization model (an archive, or a bare .onnx file)
 * into `dir`/<name>/, checked as sherpa-onnx will load it; resolves with the model file.
 */
export function downloadDiarizationModel(entry: CatalogEntry & Required<Pick<CatalogEntry, 'diarization'>>, dir: string, opts: InstallOptions): Promise<string> {
  return inStaging(dir, async (stage) => {
    const unpacked = path.join(stage, 'unpacked');
    if (isBareOnnx(entry.url)) {
      await fs.promises.mkdir(unpacked);
      await fetchEntry(entry, path.join(unpacked, entry.diarization.file), opts);
    } else {
      const archive = path.join(stage, `${entry.name}.${archiveKind(entry.url)}`);
      await fetchEntry(entry, archive, opts);
      await extract(archive, unpacked, opts);
    }
    opts.onProgress?.({ stage: 'check' });
    const root = await unpackedTop(unpacked);
    const file = path.join(root, entry.diarization.file);
    const check = checkDiarizationModel(file, entry.diarization.role);
    if (!check.ok) throw modelError(check.message.split(file).join(`${entry.diarization.file} in the download of ${entry.name}`), check.hint);
    throwIfCancelled(opts.signal);
    return path.join(await moveIntoPlace(root, dir, entry.name, stage), entry.diarization.file);
  });
}

/** Installs a model archive (.zip or .tar.bz2) from disk; the folder is named after the model inside. */
export function installArchive(file: string, modelsDir: string, opts: InstallOptions): Promise<string> {
  return inStaging(modelsDir, async (stage) => {
    const unpacked = path.join(stage, 'unpacked');
    await extract(file, unpacked, opts);
    const fallback = path.basename(file).replace(/\.(zip|tar\.bz2|tbz2?)$/i, '');
    return installUnpacked(unpacked, `in the archive ${path.basename(file)}`, (root) => (root === unpacked ? fallback : path.basename(root)), modelsDir, stage, opts);
  });
}

/**
 * The files of a folder to install, checked before anything is copied: no
 * links (a link could pull in any file on the machine), no special files, and
 * the same size and entry limits as an archive.
 */
async function listForCopy(root: string, opts: InstallOptions): Promise<{ dirs: string[]; files: string[] }> {
  const dirs: string[] = [];
  const files: string[] = [];
  let bytes = 0;
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.promises.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (dirs.length + files.length >= MAX_ENTRIES) throw modelError(`The folder ${root} has more than ${MAX_ENTRIES} files and folders, so Voxnote will not copy it.`, 'Choose the model folder itself.');
      if (e.isSymbolicLink()) throw modelError(`The folder ${root} has a link (${child}), so Voxnote will not copy it.`, 'Copy the model\'s real files into a folder of their own (e.g. cp -rL), and install that.');
      if (e.isDirectory()) {
        dirs.push(child);
        await walk(child);
      } else if (e.isFile()) {
        bytes += (await fs.promises.lstat(path.join(root, child))).size;
        if (bytes > opts.maxBytes) throw modelError(`The folder ${root} holds more than ${formatBytes(opts.maxBytes)}, the limit.`, 'If you trust this model, raise voxnote.model.maxUnpackedGB, and check the free disk space.');
        files.push(child);
      } else {
        throw modelError(`The folder ${root} has a special file (${child}), so Voxnote will not copy it.`, 'Choose a folder of plain model files.');
      }
    }
  };
  await walk('');
  return { dirs, files };
}

/** Copies a model folder (or the folder holding it) into the models folder. */
export function installFolder(folder: string, modelsDir: string, opts: InstallOptions): Promise<string> {
  const source = path.resolve(folder);
  const inside = path.relative(path.resolve(modelsDir), source);
  if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
    return Promise.reject(modelError(`${source} is already in Voxnote's models folder.`, 'Choose it with "Voxnote: Select Model".'));
  }
  return inStaging(modelsDir, async (stage) => {
    const root = await findModelRoot(source, source);
    opts.onProgress?.({ stage: 'copy' });
    const { dirs, files } = await listForCopy(root, opts);
    const copy = path.join(stage, 'copy');
    await fs.promises.mkdir(copy);
    for (const d of dirs) await fs.promises.mkdir(path.join(copy, d));
    for (const f of files) {
      throwIfCancelled(opts.signal);
      // Checked again right before copying: a file swapped for a link meanwhile is not followed.
      if (!(await fs.promises.lstat(path.join(root, f))).isFile()) throw modelError(`${path.join(root, f)} changed while it was being copied.`, 'Try again.');
      await fs.promises.copyFile(path.join(root, f), path.join(copy, f), fs.constants.COPYFILE_EXCL);
    }
    throwIfCancelled(opts.signal);
    return installUnpacked(copy, root, () => path.basename(root), modelsDir, stage, opts);
  });
}

async function extract(archive: string, dest: string, opts: InstallOptions): Promise<void> {
  await extractArchive(archive, dest, {
    maxBytes: opts.maxBytes,
    signal: opts.signal,
    onProgress: (done, total) => opts.onProgress?.({ stage: 'extract', done, total }),
  });
}

/** Removes an installed model: renamed away first, so it disappears at once even if deleting fails. */
export async function removeModel(modelsDir: string, name: string): Promise<void> {
  if (!isSafeModelName(name)) throw modelError(`"${name}" is not an installed model.`, 'Pick a model from "Voxnote: Remove Model".');
  const away = path.join(modelsDir, `${REMOVING}${process.pid}-${Date.now()}`);
  try {
    await fs.promises.rename(path.join(modelsDir, name), away);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw modelError(`The model "${name}" is not installed.`, 'Pick a model from "Voxnote: Remove Model".');
    throw e;
  }
  await fs.promises.rm(away, { recursive: true, force: true });
}
