/**
 * System audio on macOS 14.2 and later without a virtual device (BlackHole):
 * a Core Audio process tap of everything the Mac plays, through AudioTee
 * (the npm package audiotee, MIT: a universal x86_64 + arm64 Swift helper,
 * ad-hoc signed). It writes 16 kHz mono s16le to stdout when given a sample
 * rate, and JSON log lines to stderr. macOS asks once for "System Audio
 * Recording Only" (Privacy & Security > Screen & System Audio Recording) for
 * the app that runs it (VS Code); denied, the tap records silence, not an error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnOwned } from '../../shared/childProcess';
import { VoxnoteError } from '../../shared/errors';
import { SAMPLE_RATE } from '../audio/format';
import type { Capture, CaptureHandlers } from './capture';
import { pcmNormalizer } from './pulse';

/** Chunks small enough that the first words are not held back. */
const CHUNK_SECONDS = 0.1;
const KILL_GRACE_MS = 500;

export const PERMISSION_HINT =
  'If the notes stay empty while others talk, allow VS Code under System Settings > Privacy & Security > ' +
  'Screen & System Audio Recording > System Audio Recording Only, then restart VS Code.';

/** Process taps came with macOS 14.2, Darwin 23.2. `release` as os.release() gives it. */
export function hasProcessTaps(platform: NodeJS.Platform, release: string): boolean {
  if (platform !== 'darwin') return false;
  const [major, minor] = release.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 2);
}

export function audioteeArgs(): string[] {
  return ['--sample-rate', String(SAMPLE_RATE), '--chunk-duration', String(CHUNK_SECONDS)];
}

export type TapMessage = { kind: 'started' | 'stopped' | 'log' } | { kind: 'error'; message: string };

/** One stderr line of AudioTee: {"message_type": "info" | "stream_start" | "error" | …, "data": {"message": …}}. */
export function parseTapLine(line: string): TapMessage | undefined {
  let parsed: { message_type?: unknown; data?: { message?: unknown } };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    return line.trim() ? { kind: 'log' } : undefined;
  }
  switch (parsed.message_type) {
    case 'stream_start':
      return { kind: 'started' };
    case 'stream_stop':
      return { kind: 'stopped' };
    case 'error':
      return { kind: 'error', message: typeof parsed.data?.message === 'string' ? parsed.data.message : 'unknown error' };
    default:
      return { kind: 'log' };
  }
}

/** Beside the bundle in a packaged extension (scripts/lib/natives.js), in node_modules in a checkout. */
export function findAudiotee(dir = __dirname): string | undefined {
  return [path.join(dir, 'native', 'audiotee'), path.join(dir, '..', 'node_modules', 'audiotee', 'bin', 'audiotee')].find((f) => fs.existsSync(f));
}

/** True when system audio with no device named should come from a process tap here. */
export const useProcessTap = (): boolean => hasProcessTaps(process.platform, os.release()) && findAudiotee() !== undefined;

/** An unpacked .vsix may lose the execute bit; the extension's own folder is the user's to fix. */
function makeExecutable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    fs.chmodSync(file, 0o755);
  }
}

export async function openProcessTapCapture(handlers: CaptureHandlers): Promise<Capture> {
  const binary = findAudiotee();
  if (!binary) throw new VoxnoteError('no-capture-tool', 'The system-audio helper (audiotee) is missing from this installation.', 'Reinstall Voxnote, or choose BlackHole as voxnote.systemAudio.device.');
  makeExecutable(binary);
  const device = 'everything this Mac plays (Core Audio process tap)';
  const tap = spawnOwned(binary, audioteeArgs(), { stdio: ['ignore', 'pipe', 'pipe'] });
  const child = tap.child;
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new VoxnoteError('no-capture-tool', `The system-audio helper could not be started: ${e.message}`, PERMISSION_HINT)));
  });

  let stopping = false;
  let lastError = '';
  const normalize = pcmNormalizer();
  child.stdout!.on('data', (chunk: Buffer) => {
    if (stopping) return;
    const pcm = normalize(chunk);
    if (pcm.length) handlers.onData(pcm);
  });
  let pending = '';
  child.stderr!.on('data', (d: Buffer) => {
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const message = parseTapLine(line);
      if (message?.kind === 'error') lastError = message.message;
    }
  });
  void tap.exited.then(({ code, signal }) => {
    if (stopping) return;
    stopping = true;
    const why = lastError || (signal ? `killed by ${signal}` : `exit code ${code}`);
    handlers.onError(new VoxnoteError('capture-failed', `The system-audio tap stopped: ${why}`, PERMISSION_HINT));
  });
  return {
    backend: 'process-tap',
    device,
    async stop() {
      stopping = true;
      await tap.stop(KILL_GRACE_MS);
    },
  };
}
