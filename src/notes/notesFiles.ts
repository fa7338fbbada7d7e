/**
 * The notes' file-system seam: where the notes folder is and how to write
 * there. A folder on this machine's disk (a local window, or Voxnote running
 * on the remote host itself) uses diskStorage: O_APPEND and fsync. A folder in
 * a remote workspace (vscode-remote://, vscode-vfs://, … while Voxnote runs in
 * the UI on the user's machine) goes through vscode.workspace.fs, which has no
 * append, handle or fsync: each flush reads the file and writes it whole
 * (notesStorage.ts wholeFileStorage; README "Remote windows" says what weakens).
 */
import { randomUUID } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { inWorkspace, notesFolder } from '../shared/settings';
import { diskStorage, wholeFileStorage, type NotesStorage } from './notesStorage';

/** The notes folder and the storage that reaches it. */
export interface NotesLocation {
  storage: NotesStorage;
  /** The folder as a path of `storage`. */
  folder: string;
  /** A file of `storage` as a URI, to open it in an editor. */
  uri(file: string): vscode.Uri;
}

/** Remote paths are POSIX; path.join on a Windows UI host writes backslashes. */
const posix = (file: string): string => file.replace(/\\/g, '/');

function errorCode(e: unknown): string {
  if (e instanceof vscode.FileSystemError) {
    if (e.code === 'FileNotFound') return 'ENOENT';
    if (e.code === 'FileExists') return 'EEXIST';
    if (e.code === 'NoPermissions') return 'EACCES';
    if (e.code === 'FileIsADirectory') return 'EISDIR';
    if (e.code === 'FileNotADirectory') return 'ENOTDIR';
    if (e.code === 'Unavailable') return 'EAGAIN';
  }
  return (e as NodeJS.ErrnoException).code ?? 'EIO';
}

/** Runs a workspace.fs call, turning its FileSystemError into the errno-style code the notes code maps to messages. */
async function withCode<T>(run: () => Thenable<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    (err as NodeJS.ErrnoException).code = errorCode(e);
    throw err;
  }
}

/**
 * workspace.fs.writeFile always overwrites; a rename that may not overwrite is its one
 * exclusive step: the content goes to a name of its own first, then takes the name or
 * fails with FileExists.
 */
async function createExclusive(target: vscode.Uri, data: Uint8Array): Promise<void> {
  const wfs = vscode.workspace.fs;
  const staging = target.with({ path: `${path.posix.dirname(target.path)}/.${path.posix.basename(target.path)}.${randomUUID()}.tmp` });
  await withCode(() => wfs.writeFile(staging, data));
  try {
    await withCode(() => wfs.rename(staging, target, { overwrite: false }));
  } catch (e) {
    await Promise.resolve(wfs.delete(staging)).catch(() => undefined);
    throw e;
  }
}

/** Storage in a workspace that is not this machine's disk: files are `base`'s paths. */
export function workspaceStorage(base: vscode.Uri): NotesStorage {
  const at = (file: string) => base.with({ path: posix(file) });
  const wfs = vscode.workspace.fs;
  return wholeFileStorage({
    read: (file) => withCode(() => wfs.readFile(at(file))),
    write: (file, data) => withCode(() => wfs.writeFile(at(file), data)),
    makeFolder: (folder) => withCode(() => wfs.createDirectory(at(folder))),
    exists: (file) => withCode(() => wfs.stat(at(file))).then(() => true, () => false),
    create: (file, data) => createExclusive(at(file), data),
    delete: (file) => withCode(() => wfs.delete(at(file))),
    list: (folder) => withCode(() => wfs.readDirectory(at(folder))).then(() => undefined),
  });
}

/**
 * Where `setting` (voxnote.notes.folder) puts notes: a relative folder is in the
 * workspace folder, wherever that is; `~` and absolute paths are on the machine
 * Voxnote runs on.
 */
export function notesLocation(setting: string, workspaceFolder: vscode.Uri | undefined, home: string): NotesLocation {
  if (workspaceFolder && workspaceFolder.scheme !== 'file' && inWorkspace(setting)) {
    const folder = path.posix.join(workspaceFolder.path, posix(setting.trim() || 'notes'));
    return { storage: workspaceStorage(workspaceFolder), folder, uri: (file) => workspaceFolder.with({ path: posix(file) }) };
  }
  return { storage: diskStorage, folder: notesFolder(setting, workspaceFolder?.fsPath, home), uri: (file) => vscode.Uri.file(file) };
}

/** The storage and URI of a notes file someone pointed at (explorer, editor, dialog). */
export function locationOf(uri: vscode.Uri): { storage: NotesStorage; file: string; uri(file: string): vscode.Uri } {
  if (uri.scheme === 'file') return { storage: diskStorage, file: uri.fsPath, uri: (file) => vscode.Uri.file(file) };
  return { storage: workspaceStorage(uri), file: uri.path, uri: (file) => uri.with({ path: posix(file) }) };
}

/** Where meeting notes go now: the notes-folder setting in the first workspace folder. */
export const meetingNotesLocation = (folderSetting: string): NotesLocation =>
  notesLocation(folderSetting, vscode.workspace.workspaceFolders?.[0]?.uri, os.homedir());
