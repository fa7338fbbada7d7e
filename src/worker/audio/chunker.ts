/**
 * Re-cuts a byte stream into fixed-size chunks. Decoding is deterministic only
 * for a fixed chunk size (partials and endpoints depend on it), and capture
 * tools deliver whatever the pipe holds.
 */
export class Chunker {
  private pending: Buffer = Buffer.alloc(0);
  private cut = 0;

  /** `lead`: the first `lead.bytes` go out in chunks of `lead.chunkBytes` instead. */
  constructor(
    private readonly size: number,
    private readonly lead?: { readonly bytes: number; readonly chunkBytes: number },
  ) {}

  private nextSize(): number {
    return this.lead && this.cut < this.lead.bytes ? this.lead.chunkBytes : this.size;
  }

  /** Returns the whole chunks now available; keeps the rest. */
  push(data: Buffer): Buffer[] {
    const all = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    const chunks: Buffer[] = [];
    let offset = 0;
    for (let size = this.nextSize(); offset + size <= all.length; size = this.nextSize()) {
      chunks.push(all.subarray(offset, offset + size));
      offset += size;
      this.cut += size;
    }
    // Copy the tail so a large input buffer is not kept alive by a small view.
    this.pending = Buffer.from(all.subarray(offset));
    return chunks;
  }

  /** The incomplete last chunk, if any. */
  drain(): Buffer | undefined {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length ? rest : undefined;
  }
}
