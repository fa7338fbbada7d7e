import * as fs from 'node:fs';
import * as path from 'node:path';

/** Finds an executable on PATH now (not cached: PATH and installs can change while the worker runs). */
export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
