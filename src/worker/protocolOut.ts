/**
 * The worker's protocol channel. Native libraries (PortAudio via naudiodon)
 * printf to file descriptor 1, which would split JSON lines. So at start-up the
 * worker keeps a private duplicate of fd 1 for protocol lines and points fd 1
 * at stderr: whatever native code prints becomes log, never protocol.
 */
import * as fs from 'fs';

/** dup/dup2 from the C library, through koffi (already loaded for libvosk). */
function redirectNativeStdout(): number | undefined {
  if (process.platform === 'win32') return undefined; // msvcrt's fd table is not Node's; stay on fd 1
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const libc = koffi.load(process.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6');
  const dup = libc.func('int dup(int)');
  const dup2 = libc.func('int dup2(int, int)');
  const saved = dup(1);
  if (saved < 0 || dup2(2, 1) < 0) return undefined;
  return saved;
}

/** Returns a writer of whole protocol lines. */
export function openProtocolOut(): (line: string) => void {
  let fd = 1;
  try {
    fd = redirectNativeStdout() ?? 1;
  } catch (e) {
    process.stderr.write(`voxnote worker: keeping native output on stdout: ${(e as Error).message}\n`);
  }
  return (line) => {
    const data = Buffer.from(line);
    for (let off = 0; off < data.length; ) {
      try {
        off += fs.writeSync(fd, data, off);
      } catch (e) {
        // A full pipe on a non-blocking descriptor: wait for the reader.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  };
}
