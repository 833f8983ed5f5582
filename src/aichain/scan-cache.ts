// What a chain proof may reuse from an earlier scan: an AI file's header (sequence and AI
// begin date) depends only on its bytes, so a file whose identity (device, inode, size,
// mtime and ctime in ns) is unchanged since it was scanned, or whose content hash matches a
// scanned file (a copy of it elsewhere), is not scanned again. The store keeps the cache
// (table ai_scan_cache) next to the catalog the restore reads anyway: one file to back up,
// written in a transaction, shared by every process using the store; it is not evidence and is
// never journaled (the run's own input records the proven list).
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';

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
  rememberScan(id: FileIdentity, sha256: string, header: CachedHeader): void;
}

/** The identity of `file`, or null when it cannot be stat'ed. */
export async function fileIdentity(file: string): Promise<FileIdentity | null> {
  const s = await stat(file, { bigint: true }).catch(() => null);
  if (s === null) return null;
  return {
    dev: String(s.dev),
    ino: String(s.ino),
    size: Number(s.size),
    mtimeNs: String(s.mtimeNs),
    ctimeNs: String(s.ctimeNs),
  };
}

/** sha256 of the file's bytes (hex). */
export async function contentSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(file, 'r');
  try {
    // Reads of up to 1 MiB, but no bigger than the file: a plan or a roll forward hashes every
    // AI file, and a 1 MiB buffer per small file (a stream's highWaterMark) was mostly GC work.
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafe(Math.min(Math.max(size + 1, 64 * 1024), 1 << 20));
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead)); // update() is done with the bytes when it returns
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}
