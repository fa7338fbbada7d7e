/** Live processes from /proc, for tests that find (and kill) the worker and its capture tool. */
import * as fs from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  /** Process group. */
  pgid: number;
  /** argv, as /proc/PID/cmdline has it. */
  argv: string[];
}

/** Every process that is not a zombie. */
export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      let argv: string[] = [];
      try {
        argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      } catch {
        // exited just now, or unreadable: still a member of its group
      }
      out.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), argv });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Pids of the live members of a process group. */
export function groupMembers(pgid: number): number[] {
  return processes().filter((p) => p.pgid === pgid).map((p) => p.pid);
}

/** Voxnote workers (`node …/dist/worker.js`), optionally only children of `parent`. */
export function workers(parent?: number): Proc[] {
  return processes().filter((p) => (parent === undefined || p.ppid === parent) && p.argv.some((a) => /[\\/]dist[\\/]worker\.js$/.test(a)));
}

/** Capture tools (parec, pw-record) run by the given worker. */
export function captureTools(worker: number): Proc[] {
  return processes().filter((p) => p.ppid === worker && /(^|\/)(parec|pw-record)$/.test(p.argv[0] ?? ''));
}

/** Paths of the shared objects a process has mapped (libvosk, koffi.node, …). */
export function mappedFiles(pid: number): string[] {
  const lines = fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n');
  return [...new Set(lines.map((l) => l.split(/\s+/).slice(5).join(' ')).filter((f) => f.startsWith('/')))];
}
