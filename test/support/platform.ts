/**
 * Cases that check behaviour one platform does not have: node:test skips them
 * there, and its report prints the reason (`# SKIP POSIX only: …`), so no case
 * is skipped silently. Used as a test's options: `it('…', posixOnly('why'), fn)`.
 */
export function posixOnly(reason: string): { skip?: string } {
  return process.platform === 'win32' ? { skip: `POSIX only: ${reason}` } : {};
}

export function linuxOnly(reason: string): { skip?: string } {
  return process.platform === 'linux' ? {} : { skip: `Linux only: ${reason}` };
}
