/**
 * ffmpeg, which reads every recording the worker's own WAV reader cannot
 * (src/shared/wav.ts decides which): where it is, and its failures in words a
 * person can act on. Host and worker both use it.
 */
import { findTool } from './findTool';

export const findFfmpeg = (): string | undefined => findTool(process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');

export const FFMPEG_INSTALL_HINT =
  'Install ffmpeg (Debian/Ubuntu: sudo apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) and try again, or convert the recording to 16-bit PCM WAV first.';

export const FFMPEG_READ_HINT = 'Check that the file is an audio or video recording and plays in a media player.';

/** `found` says what the file is instead (from the WAV inspector), e.g. "MP3 audio". */
export function ffmpegMissing(file: string, found: string): { message: string; hint: string } {
  return {
    message: `${file} is not a WAV file Voxnote reads itself (found ${found}), and ffmpeg, which Voxnote uses to read other formats, is not installed (not found on PATH).`,
    hint: FFMPEG_INSTALL_HINT,
  };
}

/** ffmpeg's own prefixes: "[ogg @ 0x55…] ", and the input's name it repeats. */
const LOG_PREFIX = /^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i;

/**
 * What ffmpeg's last words on stderr say went wrong, as one sentence naming the
 * file once: "ffmpeg could not read /x/a.ogg: end of file." (ffmpeg 5 prints
 * "/x/a.ogg: End of file"; ffmpeg 6 and later "Error opening input files: …").
 */
export function ffmpegFailure(file: string, stderr: readonly string[], exit: string): string {
  const lines = stderr.map((l) => l.replace(LOG_PREFIX, '').trim()).filter(Boolean);
  const named = lines.filter((l) => l.startsWith(`${file}: `)).map((l) => l.slice(file.length + 2));
  const opening = lines.map((l) => /^Error opening input files?: (.+)$/.exec(l)?.[1]).filter((r): r is string => !!r);
  const last = lines.filter((l) => !l.includes(file)).at(-1);
  const reason = (named.at(-1) ?? opening.at(-1) ?? last ?? exit).replace(/[.\s]+$/, '');
  return `ffmpeg could not read ${file}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}.`;
}
