/** Capture tools the worker runs (parec, pw-record, ffmpeg): still running when the worker exits, they are killed, so none outlives it. */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHook = false;

export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}
