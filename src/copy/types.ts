// Public types of the copier: sources, manifest, progress, options and report.
import type { Stats } from 'node:fs';
import type { HashResult, StreamOptions } from './stream.js';

/** One database file to copy (absolute path) and what it is to the database. */
export interface CopySource {
  path: string;
  role: 'control' | 'structure' | 'data' | 'bi' | 'ai' | 'log' | 'other';
  /** Where the file goes in the copy, when not its place under the database directory (a generated .st). */
  relPath?: string;
  /** The database file this one is an image of (a clone's original): what the manifest names as the source. */
  origin?: string;
}

/** One copied file as recorded in the manifest beside the copy. */
export interface ManifestEntry {
  source: string;
  relPath: string;
  role: CopySource['role'];
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** `oeflow-manifest.json` at the destination root; `digest` = sha256 over the canonical entries. */
export interface Manifest {
  version: 1;
  createdAt: string;
  sourceDbDir: string;
  entries: ManifestEntry[];
  digest: string;
}

/** Byte progress of a copy or a verification. */
export interface CopyProgress {
  file: string;
  fileBytes: number;
  fileSize: number;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

/** Free-space probe; `fs.promises.statfs` by default, injectable for tests. */
export type StatfsFn = (path: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

/** Copy `src` to `dst` (created or truncated), hashing the source's bytes; `stream` carries the copier's buffers, abort signal and byte counter. */
export type CopyFileFn = (src: string, dst: string, stream: StreamOptions) => Promise<HashResult>;

export interface CopyOptions {
  sources: CopySource[];
  destination: string;
  dbDir: string;
  /** Every mode refuses (OEF-301) a source whose size or mtime moves during the copy; clone: the sources are clones of the database files. */
  mode: 'offline' | 'quiesced' | 'clone';
  onProgress?: (p: CopyProgress) => void;
  signal?: AbortSignal;
  /** Minimum milliseconds between two progress calls (default 100, i.e. at most 10/s). */
  progressIntervalMs?: number;
  /** Re-read each copied file and compare its hash right after writing it (default true). */
  verifyAfterCopy?: boolean;
  /**
   * How each file is copied and hashed (default: one user-space pass, read -> sha256 -> write);
   * e.g. inside the kernel while the source is hashed (copyFileInKernelHashing), or the transfer
   * of a clone (src/copy/clone.ts). Returns the size and sha256 of the source's bytes.
   */
  copyFile?: CopyFileFn;
  /** fsync every file, the journal and the directories (default true; off only for benchmarks). */
  fsync?: boolean;
  /** Buffer size per read/write in bytes (default 4 MiB). */
  chunkSize?: number;
  statfs?: StatfsFn;
}

export interface CopyReport {
  manifest: Manifest;
  manifestPath: string;
  /** Bytes read from the sources and written to the destination in this call. */
  bytesCopied: number;
  /** Bytes of destination files re-read to re-verify a file copied by an earlier, interrupted call. */
  bytesReverified: number;
  filesCopied: number;
  filesSkipped: number;
  durationMs: number;
  /** True when an earlier journal was dropped because a source had changed since. */
  restarted: boolean;
}

export type VerifyProblemKind = 'missing' | 'size' | 'hash' | 'extra-manifest-error';

export interface VerifyProblem {
  relPath: string;
  kind: VerifyProblemKind;
  expected?: unknown;
  actual?: unknown;
}

export interface VerifyResult {
  ok: boolean;
  problems: VerifyProblem[];
}

export interface VerifyOptions {
  signal?: AbortSignal;
  /** fsync every verified file, the manifest and their directories (a copy written without fsync). */
  fsync?: boolean;
  onProgress?: (p: CopyProgress) => void;
  progressIntervalMs?: number;
}

/** What the copier remembers about a source between the pre-copy stat and later ones. */
export interface SourceStat {
  size: number;
  mtimeMs: number;
}

export function sourceStat(st: Stats): SourceStat {
  return { size: st.size, mtimeMs: st.mtimeMs };
}
