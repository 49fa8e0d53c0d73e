/**
 * The file-system calls the storage layer makes on its hot paths, behind one mutable object so tests
 * can inject failures (a full disk, a failing fsync) without mocking node:fs.
 */
import fs from 'node:fs';

export const io = {
  writeSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number): number =>
    fs.writeSync(fd, buffer, offset, length, position),
  readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number): number =>
    fs.readSync(fd, buffer, offset, length, position),
  fdatasyncSync: (fd: number): void => fs.fdatasyncSync(fd),
  ftruncateSync: (fd: number, length: number): void => fs.ftruncateSync(fd, length),
};

/** Writes all of `buffer[offset, offset+length)` at `position`, looping on short writes. */
export function writeFully(fd: number, buffer: Buffer, offset: number, length: number, position: number): void {
  while (length > 0) {
    const n = io.writeSync(fd, buffer, offset, length, position);
    if (n <= 0) throw new Error(`write returned ${n}`);
    offset += n;
    length -= n;
    position += n;
  }
}

/** Reads up to `length` bytes at `position`; returns how many were read (less only at end of file). */
export function readFully(fd: number, buffer: Buffer, offset: number, length: number, position: number): number {
  let total = 0;
  while (total < length) {
    const n = io.readSync(fd, buffer, offset + total, length - total, position + total);
    if (n === 0) break;
    total += n;
  }
  return total;
}

/** fsync a directory so a created, renamed or deleted entry in it survives power loss (best effort). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; nothing more to do there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
