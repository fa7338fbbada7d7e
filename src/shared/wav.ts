/**
 * WAV header parsing and sample decoding, and the one inspector that decides
 * how a recording is read (host and worker both ask it): headerless raw PCM
 * and the WAVs the reader handles (RF64 included) directly, everything else
 * (mu-law, compressed formats) through ffmpeg. Only the header is read up
 * front; the samples are decoded block by block, so file size does not matter.
 */
import type { FileHandle } from 'fs/promises';
import * as path from 'path';

export type SampleFormat = 'u8' | 's16' | 's24' | 's32' | 'f32';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  format: SampleFormat;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  dataBytes: number;
  durationSeconds: number;
}

/** The file is not audio the WAV reader can read; the message says what was found, `found` in a few words. */
export class AudioFormatError extends Error {
  constructor(
    message: string,
    /** What the file is instead, e.g. "MP3 audio", "a WAV of mu-law data". */
    readonly found = 'a damaged or unusual WAV',
  ) {
    super(message);
  }
}

export const SUPPORTED_WAV = 'WAV with PCM 8/16/24/32-bit integer or 32-bit float samples';

export const BYTES_PER_SAMPLE: Record<SampleFormat, number> = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4 };

const FORMAT_TAGS: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3',
  0x00ff: 'AAC',
};

// Every WAVE_FORMAT_EXTENSIBLE subformat GUID ends this way; its first 2 bytes are the plain format tag.
const GUID_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

/** Names common non-WAV containers, so the error says what the file really is. */
function sniffContainer(head: Buffer): string {
  const ascii = (start: number, end: number) => head.toString('latin1', start, end);
  if (ascii(0, 4) === 'fLaC') return 'FLAC audio';
  if (ascii(0, 4) === 'OggS') return 'Ogg (Vorbis/Opus) audio';
  if (ascii(0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return 'MP3 audio';
  if (ascii(4, 8) === 'ftyp') return 'MP4/M4A';
  if (head.readUInt32BE(0) === 0x1a45dfa3) return 'Matroska/WebM';
  if (ascii(0, 4) === 'FORM') return 'AIFF';
  if (ascii(0, 4) === 'RIFX') return 'big-endian WAV (RIFX)';
  if (ascii(0, 4) === 'RIFF') return `a RIFF file of type "${ascii(8, 12)}"`;
  return 'no WAV header';
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

interface Fmt {
  sampleRate: number;
  channels: number;
  format: SampleFormat;
}

function parseFmt(body: Buffer): Fmt {
  if (body.length < 16) throw new AudioFormatError(`The WAV "fmt " chunk is truncated (${body.length} bytes).`);
  let tag = body.readUInt16LE(0);
  const channels = body.readUInt16LE(2);
  const sampleRate = body.readUInt32LE(4);
  const blockAlign = body.readUInt16LE(12);
  const bits = body.readUInt16LE(14);
  if (tag === 0xfffe) {
    if (body.length < 40) throw new AudioFormatError('The WAV is WAVE_FORMAT_EXTENSIBLE but its "fmt " chunk is truncated.');
    const guid = body.subarray(24, 40);
    tag = guid.readUInt16LE(0);
    if (!guid.subarray(2).equals(GUID_TAIL)) {
      throw new AudioFormatError(`The WAV uses an unknown extensible subformat (${guid.toString('hex')}); supported: ${SUPPORTED_WAV}.`);
    }
  }
  const found = (what: string) => new AudioFormatError(`The WAV holds ${what}; supported: ${SUPPORTED_WAV}.`, `a WAV of ${what}`);
  let format: SampleFormat;
  if (tag === 1 && bits === 8) format = 'u8';
  else if (tag === 1 && bits === 16) format = 's16';
  else if (tag === 1 && bits === 24) format = 's24';
  else if (tag === 1 && bits === 32) format = 's32';
  else if (tag === 3 && bits === 32) format = 'f32';
  else if (tag === 1) throw found(`${bits}-bit PCM`);
  else if (tag === 3) throw found(`${bits}-bit float samples`);
  else throw found(`${FORMAT_TAGS[tag] ?? 'compressed'} data (format tag 0x${tag.toString(16).padStart(4, '0')})`);
  if (channels < 1) throw new AudioFormatError('The WAV header says it has 0 channels.');
  if (sampleRate < 1) throw new AudioFormatError('The WAV header says its sample rate is 0.');
  if (blockAlign !== channels * BYTES_PER_SAMPLE[format]) {
    throw new AudioFormatError(`The WAV header is inconsistent: block align ${blockAlign} for ${channels} channel(s) of ${bits}-bit samples.`);
  }
  return { sampleRate, channels, format };
}

/** Reads the header of an open file. Throws AudioFormatError for anything that is not a supported WAV. */
export async function readWavInfo(fh: FileHandle): Promise<WavInfo> {
  const fileSize = (await fh.stat()).size;
  const head = await readAt(fh, 0, 12);
  if (head.length < 12) throw new AudioFormatError(`The file is too short to be a WAV (${head.length} bytes).`, `${head.length} bytes, too short for audio`);
  const riff = head.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || head.toString('latin1', 8, 12) !== 'WAVE') {
    const what = sniffContainer(head);
    throw new AudioFormatError(`The file is not a WAV: found ${what}. Supported: ${SUPPORTED_WAV}.`, what);
  }
  let fmt: Fmt | undefined;
  let ds64DataBytes: number | undefined;
  for (let pos = 12; pos + 8 <= fileSize; ) {
    const header = await readAt(fh, pos, 8);
    const id = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    const body = pos + 8;
    if (id === 'fmt ') fmt = parseFmt(await readAt(fh, body, Math.min(size, 64)));
    // RF64 (files over 4 GB) keeps the real data size in the ds64 chunk.
    else if (id === 'ds64' && size >= 16) ds64DataBytes = Number((await readAt(fh, body, 16)).readBigUInt64LE(8));
    else if (id === 'data') {
      if (!fmt) throw new AudioFormatError('The WAV has its "data" chunk before the "fmt " chunk, or no "fmt " chunk.');
      const toEnd = fileSize - body;
      let dataBytes = size === 0xffffffff && ds64DataBytes !== undefined ? ds64DataBytes : size;
      // Streaming writers leave 0 or 0xFFFFFFFF; interrupted recordings claim more than was written.
      if (dataBytes === 0 || dataBytes === 0xffffffff || dataBytes > toEnd) dataBytes = toEnd;
      const frameBytes = fmt.channels * BYTES_PER_SAMPLE[fmt.format];
      return {
        ...fmt,
        dataOffset: body,
        dataBytes,
        durationSeconds: Math.floor(dataBytes / frameBytes) / fmt.sampleRate,
      };
    }
    // Chunks are word-aligned: an odd size is followed by one pad byte.
    pos = body + size + (size & 1);
  }
  throw new AudioFormatError(fmt ? 'The WAV has no "data" chunk.' : 'The WAV has no "fmt " chunk.');
}

export interface Decoded {
  /** One value per frame, channels averaged, in [-1, 1]. */
  samples: Float32Array;
  /** Bytes of an incomplete trailing frame: prepend them to the next block. */
  rest: Buffer;
}

/** Decodes interleaved little-endian samples to mono float. Pure; any block size. */
export function decodeToMono(bytes: Buffer, format: SampleFormat, channels: number): Decoded {
  const width = BYTES_PER_SAMPLE[format];
  const frames = Math.floor(bytes.length / (width * channels));
  const samples = new Float32Array(frames);
  // DataView: any alignment, any host byte order, and fast once optimised.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const scale = 1 / (FULL_SCALE[format] * channels);
  for (let i = 0, at = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += width) sum += sampleAt(view, at, format);
    samples[i] = sum * scale;
  }
  return { samples, rest: bytes.subarray(frames * width * channels) };
}

const FULL_SCALE: Record<SampleFormat, number> = { u8: 128, s16: 32768, s24: 8388608, s32: 2147483648, f32: 1 };

/** One raw sample value, before scaling. */
function sampleAt(view: DataView, at: number, format: SampleFormat): number {
  switch (format) {
    case 'u8':
      return view.getUint8(at) - 128;
    case 's16':
      return view.getInt16(at, true);
    case 's24':
      return view.getUint16(at, true) | (view.getInt8(at + 2) << 16);
    case 's32':
      return view.getInt32(at, true);
    case 'f32':
      return view.getFloat32(at, true);
  }
}

/** Headerless files with these extensions are 16 kHz mono s16le unless the source says otherwise. */
export const RAW_EXTENSIONS: ReadonlySet<string> = new Set(['.raw', '.pcm', '.s16le']);

export const isRawPath = (file: string): boolean => RAW_EXTENSIONS.has(path.extname(file).toLowerCase());

/** How a recording is read. */
export type AudioRoute =
  | { route: 'wav'; info: WavInfo }
  /** Anything the WAV reader cannot do; `found` says what it is, `reason` why not directly. */
  | { route: 'ffmpeg'; found: string; reason: string };

/** Decides from the file's header (not its name) whether the WAV reader or ffmpeg reads it. */
export async function inspectAudio(fh: FileHandle): Promise<AudioRoute> {
  try {
    return { route: 'wav', info: await readWavInfo(fh) };
  } catch (e) {
    if (e instanceof AudioFormatError) return { route: 'ffmpeg', found: e.found, reason: e.message };
    throw e;
  }
}

/** The 44-byte header of a 16-bit PCM mono WAV file holding `dataBytes` of samples at `rate`. */
export function pcm16MonoWavHeader(rate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
