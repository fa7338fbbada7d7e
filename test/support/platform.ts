import { findFfmpeg } from '../../src/shared/ffmpeg';
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

/**
 * A case that needs ffmpeg: scripts/system-deps.sh installs it on Linux, where its
 * absence must fail the case; elsewhere (Windows, macOS) it is skipped, saying so, when missing.
 */
export function needsFfmpeg(): { skip?: string } {
  return process.platform === 'linux' || findFfmpeg() ? {} : { skip: 'needs ffmpeg on PATH, which this machine lacks (scripts/system-deps.sh installs it on Linux only)' };
}

/** A crash of a native library as the worker client reports it: a signal on POSIX, an abort or NTSTATUS exit code on Windows. */
export const CRASH_MESSAGE = process.platform === 'win32' ? /exited with code (3 \(abort\)|0x[0-9A-F]{8} \([\w +]+\))/ : /SIG(ABRT|SEGV)/;

export function isCrash(exit: { code: number | null; signal: string | null }): boolean {
  return process.platform === 'win32' ? exit.code === 3 || (exit.code ?? 0) > 255 : exit.signal === 'SIGABRT' || exit.signal === 'SIGSEGV';
}

/** How the worker client words a libvosk abort on this platform. */
export const ABORTED = process.platform === 'win32' ? 'exited with code 3 (abort)' : 'was killed by SIGABRT';

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
