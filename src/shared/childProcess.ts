/**
 * The one way Voxnote starts a program (the worker, a recorder, ffmpeg): each
 * child still running when this process exits is killed, so none outlives the
 * extension host, the worker or the CLI; and each ends the same way: asked
 * first, killed after a grace period.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface OwnedChild {
  readonly child: ChildProcess;
  /** Resolves once the child has exited (or failed to start). */
  readonly exited: Promise<ChildExit>;
  readonly running: boolean;
  /**
   * Asks the child to end (`ask`, by default SIGTERM, plus SIGCONT so a stopped
   * process acts on it), kills it if it is still running after `graceMs`, and
   * resolves when it has exited.
   */
  stop(graceMs: number, ask?: () => void): Promise<ChildExit>;
  /** SIGKILL now. */
  kill(): void;
}

const live = new Set<ChildProcess>();
let exitHook = false;

function killAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  // 'exit' listeners must be synchronous: a kill is.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): OwnedChild {
  const child = spawn(command, args, options);
  killAllOnExit();
  live.add(child);
  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      live.delete(child);
      exit ??= { code, signal };
      resolve(exit);
    };
    child.once('exit', done);
    // A program that cannot start emits 'error' and never 'exit'. Listening also keeps
    // an 'error' (say, a failed kill) from being thrown where the caller has no listener.
    child.on('error', () => {
      if (child.pid === undefined) done(null, null);
    });
  });
  return {
    child,
    exited,
    get running() {
      return !exit;
    },
    async stop(graceMs, ask) {
      if (exit) return exit;
      if (ask) ask();
      else {
        child.kill('SIGTERM');
        // Windows has no SIGCONT (nor stopped processes).
        if (process.platform !== 'win32') child.kill('SIGCONT');
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

/**
 * Windows has no signals: a crashed process exits with an NTSTATUS or C runtime
 * code, shown in hex with what it means (the numbers alone read as a program's
 * own exit status).
 */
const WINDOWS_CRASHES: Readonly<Record<number, string>> = {
  3: 'abort',
  0xc0000005: 'access violation',
  0xc000001d: 'illegal instruction',
  0xc0000094: 'integer division by zero',
  0xc00000fd: 'stack overflow',
  0xc0000409: 'fail fast',
  0x20474343: 'unhandled C++ exception',
};

/** How a process ended, for messages: "was killed by SIGABRT", "exited with code 0xC0000005 (access violation)". */
export function describeExit({ code, signal }: ChildExit, platform: NodeJS.Platform = process.platform): string {
  if (signal) return `was killed by ${signal}`;
  const crash = platform === 'win32' && code !== null ? WINDOWS_CRASHES[code] : undefined;
  if (!crash) return `exited with code ${code}`;
  return code! > 255 ? `exited with code 0x${code!.toString(16).toUpperCase()} (${crash})` : `exited with code ${code} (${crash})`;
}
