// The byte-moving core: copy a file while hashing it in one read pass, and hash a file.
// Reads, hashing and writes overlap: the next read is in flight while the current chunk is
// hashed, and writes run behind on their own buffers (a ring of three).
import { createHash } from 'node:crypto';
import { copyFile, open, stat, type FileHandle } from 'node:fs/promises';
import { OeflowError } from '../errors.js';

/** 4 MiB per read/write: the best of 256 KiB…4 MiB measured on a 2-core VM (noisy; 2–4 MiB were close). */
export const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Reusable I/O buffers for one copy or verification. Fresh memory is expensive to fault in
 * (notably in VMs), so the buffers are allocated once and used for every file.
 */
export class BufferPool {
  private readonly bufs: Buffer[] = [];

  constructor(readonly chunkSize: number = DEFAULT_CHUNK) {}

  /** The first `n` buffers of the pool, allocating the missing ones. */
  take(n: number): Buffer[] {
    while (this.bufs.length < n) this.bufs.push(Buffer.allocUnsafeSlow(this.chunkSize));
    return this.bufs.slice(0, n);
  }
}

export interface StreamOptions {
  chunkSize?: number | undefined;
  /** Buffers to reuse across files; one of `chunkSize` bytes is made when absent. */
  pool?: BufferPool;
  signal?: AbortSignal | undefined;
  /** Called after each chunk with the number of bytes it added. */
  onBytes?: (n: number) => void;
  /** Reads in flight ahead of the hashing (hashFile, and the hash of copyFileInKernelHashing; default 1). */
  readAhead?: number;
}

export interface HashResult {
  size: number;
  sha256: string;
}

/** The copier's abort error (OEF-052). */
export function abortError(signal: AbortSignal | undefined): OeflowError {
  return new OeflowError('OEF-052', 'Copy aborted; the progress journal is kept, so the next copy resumes.', {
    cause: signal?.reason,
  });
}

/** Throws the copier's abort error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortError(signal);
}

async function writeAll(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let off = 0;
  while (off < length) {
    const { bytesWritten } = await fh.write(buf, off, length - off, position + off);
    off += bytesWritten;
  }
}

/** Copy `src` to `dst` (created or truncated), hashing what is read; returns size and sha256 of the bytes written. */
export async function copyFileHashing(
  src: string,
  dst: string,
  o: StreamOptions & { fsync?: boolean } = {},
): Promise<HashResult> {
  const pool = o.pool ?? new BufferPool(o.chunkSize);
  const chunk = pool.chunkSize;
  const bufs = pool.take(3);
  const hash = createHash('sha256');
  const input = await open(src, 'r');
  let output: FileHandle | undefined;
  const writes: (Promise<void> | undefined)[] = [undefined, undefined, undefined];
  let reading: Promise<{ bytesRead: number }> | undefined;
  let pos = 0;
  try {
    output = await open(dst, 'w');
    const out = output;
    let i = 0;
    reading = input.read(bufs[0]!, 0, chunk, 0);
    for (;;) {
      const { bytesRead } = await reading;
      reading = undefined;
      if (bytesRead === 0) break;
      const cur = bufs[i]!;
      const at = pos;
      pos += bytesRead;
      const next = (i + 1) % 3;
      await writes[next];
      throwIfAborted(o.signal);
      reading = input.read(bufs[next]!, 0, chunk, pos);
      hash.update(cur.subarray(0, bytesRead));
      writes[i] = writeAll(out, cur, bytesRead, at);
      o.onBytes?.(bytesRead);
      i = next;
    }
    await Promise.all(writes.filter((w): w is Promise<void> => w !== undefined));
    if (o.fsync !== false) await out.sync();
    return { size: pos, sha256: hash.digest('hex') };
  } finally {
    // Let in-flight I/O settle before closing, so nothing touches a closed descriptor.
    await Promise.allSettled([reading, ...writes]);
    await output?.close();
    await input.close();
  }
}

/**
 * Copy `src` to `dst` inside the kernel (copy_file_range through fs.copyFile, as `cp` does)
 * while the same source bytes are read and hashed in user space, both at once: the time is
 * the longer of the two instead of read + hash + write in one thread. Used under a quiet
 * point (issue 9), where the source cannot change; the returned hash is of the bytes read
 * from the source, so a copy that differs from them is caught by the verification re-read
 * of the copy (a different size is caught here). Returns the source's size and sha256.
 */
export async function copyFileInKernelHashing(src: string, dst: string, o: StreamOptions = {}): Promise<HashResult> {
  // both settle before this returns or throws: nothing is left reading or writing
  const [copied, hashed] = await Promise.allSettled([copyFile(src, dst), hashFile(src, o)]);
  if (copied.status === 'rejected') throw copied.reason;
  if (hashed.status === 'rejected') throw hashed.reason;
  const read = hashed.value;
  const written = (await stat(dst)).size;
  if (written !== read.size) {
    throw new OeflowError(
      'OEF-301',
      `${src} changed during the copy: ${written} bytes copied, ${read.size} bytes hashed. The copy is invalid.`,
      { details: { source: src, copied: written, hashed: read.size } },
    );
  }
  return read;
}

/**
 * sha256 and size of a file, reading it once with the next `readAhead` reads (default 1) in
 * flight while a chunk is hashed. More than one keeps a cold file's disk busy while the hashing
 * thread waits for a core (Node reaches neither posix_fadvise nor readahead(2)).
 */
export async function hashFile(path: string, o: StreamOptions = {}): Promise<HashResult> {
  const pool = o.pool ?? new BufferPool(o.chunkSize);
  const chunk = pool.chunkSize;
  const ahead = Math.max(1, o.readAhead ?? 1);
  // one buffer per read in flight, plus the one being hashed
  const bufs = pool.take(ahead + 1);
  const hash = createHash('sha256');
  const fh = await open(path, 'r');
  const reads: { buf: Buffer; at: number; read: Promise<{ bytesRead: number }> }[] = [];
  let next = 0; // position of the next read to start
  let free = 0; // ring index of the next buffer to read into
  const start = (): void => {
    const buf = bufs[free]!;
    free = (free + 1) % bufs.length;
    reads.push({ buf, at: next, read: fh.read(buf, 0, chunk, next) });
    next += chunk;
  };
  let pos = 0;
  try {
    for (let i = 0; i < ahead; i++) start();
    for (;;) {
      const { buf, at, read } = reads.shift()!;
      const { bytesRead } = await read;
      if (bytesRead === 0 && at === pos) break;
      pos += bytesRead;
      throwIfAborted(o.signal);
      if (bytesRead < chunk) {
        // a short read (the end of the file): the reads after it were for later positions; drop them and go on from here
        await Promise.allSettled(reads.map((r) => r.read));
        reads.length = 0;
        next = pos;
      }
      start();
      hash.update(buf.subarray(0, bytesRead));
      o.onBytes?.(bytesRead);
    }
    return { size: pos, sha256: hash.digest('hex') };
  } finally {
    await Promise.allSettled(reads.map((r) => r.read));
    await fh.close();
  }
}

/** fsync a file or a directory by path (a directory, so that a new name or a rename in it survives a crash). */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
