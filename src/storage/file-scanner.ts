/** Sequential chunked reads over a segment file, for recovery and index rebuilds. */
import { readFully } from './io.js';

const CHUNK = 4 * 1024 * 1024;

export class FileScanner {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
  ) {}

  /**
   * Makes bytes [pos, pos+len) available; returns the buffer and the index of `pos` in it, or null
   * when the file ends before pos+len.
   */
  view(pos: number, len: number): { buf: Buffer; at: number } | null {
    if (pos + len > this.fileSize) return null;
    if (pos >= this.start && pos + len <= this.end) return { buf: this.buf, at: pos - this.start };
    const want = Math.min(Math.max(len, CHUNK), this.fileSize - pos);
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want);
    const got = readFully(this.fd, this.buf, 0, want, pos);
    this.start = pos;
    this.end = pos + got;
    if (got < len) return null;
    return { buf: this.buf, at: 0 };
  }
}
