// The manifest beside a copy, the append-only progress journal that makes a copy resumable,
// and the destination layout (which relative path each source gets).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { OeflowError } from '../errors.js';
import { fsyncPath } from './stream.js';
import type { Manifest, ManifestEntry } from './types.js';
import { isUnsealedEntry } from './unsealed-copy.js';

export const MANIFEST_FILE = 'oeflow-manifest.json';
export const JOURNAL_FILE = 'oeflow-manifest.partial.jsonl';

/** Relative destination path of a source: its path under the db directory, else `extents/<index>-<basename>`. */
export function relPathFor(source: string, index: number, realDbDir: string): string {
  const rel = relative(realDbDir, source);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  return `extents/${index}-${basename(source)}`;
}

/** Entry with its keys in the canonical order (what the digest and the files hold). */
export function canonicalEntry(e: ManifestEntry): ManifestEntry {
  return { source: e.source, relPath: e.relPath, role: e.role, size: e.size, mtimeMs: e.mtimeMs, sha256: e.sha256 };
}

/** sha256 over the entries sorted by relPath, each with canonical key order. */
export function manifestDigest(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify(sorted.map(canonicalEntry)))
    .digest('hex');
}

export function buildManifest(sourceDbDir: string, entries: readonly ManifestEntry[]): Manifest {
  const canon = entries.map(canonicalEntry);
  return {
    version: 1,
    createdAt: new Date().toISOString(),
    sourceDbDir,
    entries: canon,
    digest: manifestDigest(canon),
  };
}

/** True when `v` has the shape of a manifest entry (used for the manifest and the journal). */
export function isManifestEntry(v: unknown): v is ManifestEntry {
  if (!isUnsealedEntry(v)) return false;
  const sha256 = (v as Record<string, unknown>)['sha256'];
  return typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256);
}

/** Read and check the manifest at `destination`; throws OEF-300 if it is absent or corrupt. */
export function readManifest(destination: string): Manifest {
  const file = join(destination, MANIFEST_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    const what = existsSync(file) ? 'is not valid JSON' : 'is missing';
    throw new OeflowError('OEF-300', `The copy manifest ${file} ${what}.`, { cause, details: { manifestPath: file } });
  }
  const m = parsed as Partial<Manifest> | null;
  if (
    m === null ||
    typeof m !== 'object' ||
    m.version !== 1 ||
    typeof m.sourceDbDir !== 'string' ||
    typeof m.digest !== 'string' ||
    typeof m.createdAt !== 'string' ||
    !Array.isArray(m.entries) ||
    !m.entries.every(isManifestEntry)
  ) {
    throw new OeflowError('OEF-300', `The copy manifest ${file} is not a version-1 oeflow manifest.`, {
      details: { manifestPath: file },
    });
  }
  return m as Manifest;
}

/** Replace `file` atomically with `text`: temp file, fsync, rename, fsync the directory. */
export async function writeFileAtomic(file: string, text: string, fsync = true): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    if (fsync) await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  if (fsync) await fsyncPath(dirname(file));
}

/** Write the manifest atomically at the destination root; returns its path. */
export async function writeManifest(destination: string, manifest: Manifest, fsync = true): Promise<string> {
  const file = join(destination, MANIFEST_FILE);
  await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`, fsync);
  return file;
}

interface JournalHeader {
  journal: 1;
  sourceDbDir: string;
}

/** Entries recorded by an earlier, unfinished copy into `destination` for the same db directory (last line per relPath wins). */
export function readJournal(destination: string, sourceDbDir: string): Map<string, ManifestEntry> {
  const out = new Map<string, ManifestEntry>();
  let text: string;
  try {
    text = readFileSync(join(destination, JOURNAL_FILE), 'utf8');
  } catch {
    return out;
  }
  const lines = text.split('\n');
  let header: Partial<JournalHeader> | undefined;
  try {
    header = JSON.parse(lines[0] ?? '') as Partial<JournalHeader>;
  } catch {
    return out;
  }
  if (header.journal !== 1 || header.sourceDbDir !== sourceDbDir) return out;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isManifestEntry(v)) out.set(v.relPath, canonicalEntry(v));
    } catch {
      // A torn last line from a kill: that file was not completed and is copied again.
    }
  }
  return out;
}

/** Append-only journal of completed files; every line is fsynced before the next file starts. */
export class Journal {
  private constructor(
    private readonly fh: FileHandle,
    private readonly fsync: boolean,
  ) {}

  /** Start a new journal holding the header and `keep` (entries still to re-verify), then append to it. */
  static async open(
    destination: string,
    sourceDbDir: string,
    keep: Iterable<ManifestEntry>,
    fsync: boolean,
  ): Promise<Journal> {
    const path = join(destination, JOURNAL_FILE);
    const lines = [
      JSON.stringify({ journal: 1, sourceDbDir } satisfies JournalHeader),
      ...[...keep].map((e) => JSON.stringify(canonicalEntry(e))),
    ];
    await writeFileAtomic(path, `${lines.join('\n')}\n`, fsync);
    return new Journal(await open(path, 'a'), fsync);
  }

  async append(e: ManifestEntry): Promise<void> {
    await this.fh.write(`${JSON.stringify(canonicalEntry(e))}\n`);
    if (this.fsync) await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  static async remove(destination: string): Promise<void> {
    await unlink(join(destination, JOURNAL_FILE)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
