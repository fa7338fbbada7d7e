/** Runs the bundled CLI as a person would, watching every worker it starts: their argv and environments. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { processes } from './processes';
import { CLI } from './worker';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** argv of the CLI and of every worker it started, and the workers' environments, seen while it ran. */
  argv: string[][];
  environ: string[];
}

export function voxnote(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    const run: Run = { code: null, stdout: '', stderr: '', argv: [], environ: [] };
    child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
    const watch = setInterval(() => {
      for (const p of processes().filter((p) => p.pid === child.pid || p.ppid === child.pid)) {
        run.argv.push(p.argv);
        if (p.ppid === child.pid) {
          try {
            run.environ.push(fs.readFileSync(`/proc/${p.pid}/environ`, 'utf8'));
          } catch {
            // exited meanwhile
          }
        }
      }
    }, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(watch);
      resolve({ ...run, code });
    });
  });
}
