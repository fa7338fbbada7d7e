/**
 * A session's audio for diarization, bounded: the last minute in memory (live
 * embeddings read an utterance from it), and, when the session is to be
 * re-clustered at its end, all of it as s16 in a temp file (115 MB per hour
 * of audio on disk, deleted when the session ends), read back in blocks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SAMPLE_RATE } from '../audio/format';
import { toFloat } from '../engines/sherpa/words';

/** Seconds of recent audio kept in memory: 1.9 MB, longer than any one utterance an engine gives (Whisper's 29 s). */
const RECENT_SECONDS = 60;
const RECENT_BYTES = RECENT_SECONDS * SAMPLE_RATE * 2;

export class AudioSpool {
  private readonly recent = Buffer.alloc(RECENT_BYTES);
  /** Bytes received in all (the ring's write position is this modulo its size). */
  private bytes = 0;
  private file?: { dir: string; path: string; fd: number };

  constructor(keepAll: boolean) {
    if (!keepAll) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voxnote-diarization-'));
    const file = path.join(dir, 'track.s16');
    this.file = { dir, path: file, fd: fs.openSync(file, 'w+', 0o600) };
  }

  get seconds(): number {
    return this.bytes / (2 * SAMPLE_RATE);
  }

  push(pcm: Buffer): void {
    if (this.file) fs.writeSync(this.file.fd, pcm);
    // Only the last RECENT_BYTES of a (rare) huge push matter.
    const data = pcm.length > RECENT_BYTES ? pcm.subarray(pcm.length - RECENT_BYTES) : pcm;
    const at = (this.bytes + pcm.length - data.length) % RECENT_BYTES;
    const first = Math.min(data.length, RECENT_BYTES - at);
    data.copy(this.recent, at, 0, first);
    data.copy(this.recent, 0, first);
    this.bytes += pcm.length;
  }

  /** Samples from `start` to `end` seconds, as much of it as the last minute holds. */
  recentSamples(start: number, end: number): Float32Array {
    const first = Math.max(Math.floor(start * SAMPLE_RATE) * 2, this.bytes - RECENT_BYTES, 0);
    const last = Math.min(Math.ceil(end * SAMPLE_RATE) * 2, this.bytes);
    if (last <= first) return new Float32Array(0);
    const out = Buffer.alloc(last - first);
    const at = first % RECENT_BYTES;
    const n = Math.min(out.length, RECENT_BYTES - at);
    this.recent.copy(out, 0, at, at + n);
    this.recent.copy(out, n, 0, out.length - n);
    return toFloat(out);
  }

  /** Samples of `seconds` from `start` of everything kept (keepAll only). */
  readBlock(start: number, seconds: number): Float32Array {
    if (!this.file) return new Float32Array(0);
    const from = Math.floor(start * SAMPLE_RATE) * 2;
    const buf = Buffer.alloc(Math.max(0, Math.min(Math.floor(seconds * SAMPLE_RATE) * 2, this.bytes - from)));
    const read = buf.length ? fs.readSync(this.file.fd, buf, 0, buf.length, from) : 0;
    return toFloat(buf.subarray(0, read));
  }

  /** Deletes the temp file; idempotent. */
  dispose(): void {
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    fs.closeSync(file.fd);
    fs.rmSync(file.dir, { recursive: true, force: true });
  }
}
