/** A frame whose size prefix is negative or larger than the limit: the connection must be closed. */
export class FrameSizeError extends Error {
  override name = 'FrameSizeError';
  constructor(readonly size: number, readonly limit: number) {
    super(size < 0 ? `invalid frame size ${size}` : `frame of ${size} bytes exceeds the limit of ${limit}`);
  }
}

/**
 * Splits a byte stream into size-prefixed frames. It rejects a size past the limit from the 4-byte prefix alone,
 * before buffering anything, and joins the chunks of a frame once, when the frame is complete.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1;

  constructor(readonly maxFrameBytes: number) {}

  /** Feeds bytes; returns the payloads (without size prefix) of the frames completed by them. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break;
        const size = this.peekSize();
        if (size < 0 || size > this.maxFrameBytes) throw new FrameSizeError(size, this.maxFrameBytes);
        this.need = size;
      }
      if (this.buffered < 4 + this.need) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      out.push(all.subarray(4, 4 + this.need));
      const rest = all.subarray(4 + this.need);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.need = -1;
    }
    return out;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, this.buffered).readInt32BE(0);
  }
}
