/**
 * Recordings the worker cannot read (anything but WAV) become a 16 kHz mono
 * WAV through ffmpeg, when it is installed; without it, a clear error says so.
 * No VS Code API here.
 */
import * as fs from 'fs/promises';
import * as readline from 'readline';
import { spawnOwned } from '../shared/childProcess';
import { VoxnoteError } from '../shared/errors';
import { findTool } from '../shared/findTool';

export const findFfmpeg = (): string | undefined => findTool(process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');

/** True for a RIFF/WAVE file, by its first bytes rather than its name. */
export async function isWav(file: string): Promise<boolean> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    throw new VoxnoteError('file-not-found', `Cannot open the recording ${file}: ${(e as Error).message}`, 'Check the path and that you can read the file.');
  }
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    return bytesRead === 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
  } finally {
    await fh.close();
  }
}

export function ffmpegMissing(file: string): VoxnoteError {
  return new VoxnoteError(
    'ffmpeg-missing',
    `${file} is not a WAV file, and ffmpeg, which Voxnote uses to read other formats, is not installed (not found on PATH).`,
    'Install ffmpeg (Debian/Ubuntu: sudo apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) and try again, or convert the recording to WAV first.',
  );
}

/** How long a cancelled ffmpeg gets to end before it is killed. */
const STOP_GRACE_MS = 500;

const seconds = (hms: string): number => {
  const [h, m, s] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s;
};

/**
 * Decodes `input` to a 16 kHz mono 16-bit WAV at `output`. `onProgress` gets the
 * fraction done when ffmpeg knows the duration. Resolves false when aborted.
 */
export function convertToWav(
  ffmpeg: string,
  input: string,
  output: string,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<boolean> {
  if (options.signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const ffmpegProcess = spawnOwned(
      ffmpeg,
      ['-nostdin', '-hide_banner', '-nostats', '-progress', 'pipe:1', '-y', '-i', input, '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', output],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const child = ffmpegProcess.child;
    let duration = 0;
    const stderr: string[] = [];
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      const d = /^\s*Duration: (\d+:\d+:[\d.]+)/.exec(line);
      if (d && !duration) duration = seconds(d[1]);
      stderr.push(line);
      if (stderr.length > 5) stderr.shift();
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const t = /^out_time_us=(\d+)/.exec(line);
      if (t && duration > 0) options.onProgress?.(Math.min(1, Number(t[1]) / 1e6 / duration));
    });
    const abort = () => void ffmpegProcess.stop(STOP_GRACE_MS);
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (e) => reject(new VoxnoteError('conversion-failed', `ffmpeg could not be run: ${e.message}`, 'Check your ffmpeg installation.')));
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      if (options.signal?.aborted) return resolve(false);
      if (code === 0) return resolve(true);
      reject(
        new VoxnoteError(
          'conversion-failed',
          `ffmpeg could not read ${input}: ${stderr.filter(Boolean).pop() ?? `exit code ${code}`}`,
          'Check that the file is an audio or video recording and plays in a media player.',
        ),
      );
    });
  });
}
