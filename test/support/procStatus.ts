/** A process's memory as Linux reports it in /proc/PID/status: resident now (VmRSS) or at its peak (VmHWM), in bytes; NaN when absent. */
import * as fs from 'node:fs';

export function procMemory(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
