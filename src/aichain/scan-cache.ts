// What a chain proof may reuse from an earlier scan: an AI file's header (sequence and AI
// begin date) depends only on its bytes, so a file whose identity (device, inode, size,
// mtime and ctime in ns) is unchanged since it was scanned, or whose content hash matches a
// scanned file (a copy of it elsewhere), is not scanned again. The store keeps the cache
// (table ai_scan_cache) next to the catalog the restore reads anyway: one file to back up,
// written in a transaction, shared by every process using the store; it is not evidence and is
// never journaled (the run's own input records the proven list).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** dev/ino/size/mtime/ctime of a file as the cache keys it (bigint fields as decimal strings). */
export interface FileIdentity {
  dev: string;
  ino: string;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
}

/** A header remembered from a scan. */
export interface CachedHeader {
  seqno: number;
  aiBeginDate: string;
}

/** Where the chain proof finds and leaves scan results (the Store implements it). */
export interface AiScanCache {
  scanByIdentity(id: FileIdentity): CachedHeader | undefined;
  scanByContent(sha256: string): CachedHeader | undefined;
  /** Remember scans, in one write (a proof batches them). */
  rememberScans(scans: readonly ScanToRemember[]): void;
}

/** A scanned header to cache, with the identity and content hash it was read from. */
export interface ScanToRemember {
  id: FileIdentity;
  sha256: string;
  header: CachedHeader;
}

/**
 * The identity of `file`, or null when it cannot be stat'ed. A synchronous stat: one system
 * call, where the promise form costs a thread-pool round trip (per AI file, twice per scan).
 */
export function fileIdentity(file: string): FileIdentity | null {
  const s = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (s === undefined) return null;
  return {
    dev: String(s.dev),
    ino: String(s.ino),
    size: Number(s.size),
    mtimeNs: String(s.mtimeNs),
    ctimeNs: String(s.ctimeNs),
  };
}

/**
 * Up to this size a file is read and hashed synchronously: a few system calls on the main
 * thread instead of five thread-pool round trips (open, stat, read, read, close), which cost
 * more than the hash of a small file; a bigger one (a real AI file: megabytes to gigabytes)
 * is read in the thread pool and never blocks the event loop for long.
 */
export const SYNC_HASH_MAX_BYTES = 1 << 20;

/** sha256 of the file's bytes (hex) and how many bytes that was. */
export async function contentFacts(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  // only a regular file is opened on the main thread: opening a FIFO would block it
  const st = statSync(file);
  const bytes =
    st.isFile() && st.size <= SYNC_HASH_MAX_BYTES
      ? hashOnMainThread(file, st.size, hash)
      : await hashInPool(file, hash);
  return { sha256: hash.digest('hex'), bytes };
}

/** Feed a small file's bytes to `hash` synchronously (`size`: as stat'ed just before); returns how many there were. */
function hashOnMainThread(file: string, size: number, hash: ReturnType<typeof createHash>): number {
  const fd = openSync(file, 'r');
  let bytes = 0;
  try {
    // one byte more than the size, so the usual file takes one read and one that says end of
    // file (a file that grew meanwhile takes more reads, and is still hashed whole)
    const buf = Buffer.allocUnsafe(size + 1);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** sha256 of the file's bytes (hex). */
export async function contentSha256(file: string): Promise<string> {
  return (await contentFacts(file)).sha256;
}

/** Feed the file's bytes to `hash` from the thread pool (reads of 1 MiB); returns how many there were. */
async function hashInPool(file: string, hash: ReturnType<typeof createHash>): Promise<number> {
  const fh = await open(file, 'r');
  let bytes = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead)); // update() is done with the bytes when it returns
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return bytes;
}
