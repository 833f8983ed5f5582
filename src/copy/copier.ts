// copyDatabaseFiles: the built-in OS copy of OFFLINE-5 / ONLINE-3. One read pass per file
// (read -> sha256 -> write), a re-read to verify, an fsynced journal so a killed copy
// resumes, and refusals before anything is written.
import { mkdir, realpath, stat, statfs as fsStatfs, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { OeflowError } from '../errors.js';
import {
  buildManifest,
  Journal,
  MANIFEST_FILE,
  readJournal,
  readManifest,
  relPathFor,
  writeManifest,
} from './manifest.js';
import { HashWorker } from './hash-worker.js';
import { ProgressThrottle, progressOf } from './progress.js';
import { BufferPool, copyFileHashing, fsyncPath, hashFile, throwIfAborted } from './stream.js';
import {
  sourceStat,
  type CopyOptions,
  type CopyReport,
  type CopySource,
  type ManifestEntry,
  type SourceStat,
  type StatfsFn,
} from './types.js';

/** Free-space margin over the bytes still to write. */
export const SPACE_MARGIN = 0.01;

export interface PlanItem {
  source: CopySource;
  relPath: string;
  dest: string;
  before: SourceStat;
}

function errno(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Real path of `p` even when its tail does not exist yet (the nearest existing ancestor is resolved). */
export async function realpathLoose(p: string): Promise<string> {
  const abs = resolve(p);
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(await realpath(cur), ...tail.reverse());
    } catch (err) {
      const parent = dirname(cur);
      if (errno(err) !== 'ENOENT' || parent === cur) throw err;
      tail.push(cur.slice(parent.length).replace(/^[/\\]+/, ''));
      cur = parent;
    }
  }
}

async function nearestExisting(p: string): Promise<string> {
  let cur = resolve(p);
  for (;;) {
    try {
      await stat(cur);
      return cur;
    } catch (err) {
      const parent = dirname(cur);
      if (errno(err) !== 'ENOENT' || parent === cur) throw err;
      cur = parent;
    }
  }
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** Refuse a destination equal to or inside the database directory (symlinks resolved): OEF-303. */
export async function checkDestinationOutsideDb(
  destination: string,
  dbDir: string,
): Promise<{ realDest: string; realDb: string }> {
  let realDb: string;
  try {
    realDb = await realpath(dbDir);
  } catch (cause) {
    throw new OeflowError('OEF-011', `The database directory ${dbDir} does not exist.`, { cause, details: { dbDir } });
  }
  const realDest = await realpathLoose(destination);
  if (isInside(realDest, realDb)) {
    throw new OeflowError('OEF-303', `The destination ${destination} is inside the database directory ${realDb}.`, {
      details: { destination, realDestination: realDest, dbDir: realDb },
    });
  }
  return { realDest, realDb };
}

/** Refuse when the destination's file system has less than `needed` bytes free: OEF-302. */
export async function checkFreeSpace(
  destination: string,
  needed: number,
  statfs: StatfsFn = fsStatfs,
): Promise<number> {
  const at = await nearestExisting(destination);
  const s = await statfs(at);
  const available = Number(s.bavail) * Number(s.bsize);
  if (available < needed) {
    throw new OeflowError(
      'OEF-302',
      `Not enough free space at ${destination}: ${needed} bytes needed (copy + 1% margin), ${available} available.`,
      { details: { destination, needed, available } },
    );
  }
  return available;
}

async function statSources(sources: readonly CopySource[]): Promise<Map<string, SourceStat>> {
  const out = new Map<string, SourceStat>();
  const missing: string[] = [];
  for (const s of sources) {
    try {
      const st = await stat(s.path);
      if (!st.isFile())
        throw new OeflowError('OEF-300', `Source ${s.path} is not a regular file.`, { details: { source: s.path } });
      out.set(s.path, sourceStat(st));
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
      missing.push(s.path);
    }
  }
  if (missing.length > 0) {
    throw new OeflowError('OEF-300', `Source file${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}.`, {
      details: { missing },
    });
  }
  return out;
}

/** Sources whose size or mtime differ from `before` now (or that vanished). */
async function changedSources(
  plan: readonly PlanItem[],
): Promise<{ path: string; before: SourceStat; after: SourceStat | null }[]> {
  const changed: { path: string; before: SourceStat; after: SourceStat | null }[] = [];
  for (const p of plan) {
    let after: SourceStat | null = null;
    try {
      after = sourceStat(await stat(p.source.path));
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
    }
    if (after === null || after.size !== p.before.size || after.mtimeMs !== p.before.mtimeMs)
      changed.push({ path: p.source.path, before: p.before, after });
  }
  return changed;
}

export async function refuseIfChanged(plan: readonly PlanItem[], mode: CopyOptions['mode']): Promise<void> {
  const changed = await changedSources(plan);
  if (changed.length === 0) return;
  throw new OeflowError(
    'OEF-301',
    `Files changed during the ${mode} copy: ${changed.map((c) => c.path).join(', ')}. The copy is invalid.`,
    { details: { mode, files: changed } },
  );
}

export async function sizeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Build the plan: one item per distinct source, with its destination path and pre-copy stat. */
export async function makePlan(o: Pick<CopyOptions, 'sources' | 'destination'>, realDb: string): Promise<PlanItem[]> {
  const before = await statSources(o.sources);
  const seen = new Set<string>();
  const plan: PlanItem[] = [];
  for (const [i, source] of o.sources.entries()) {
    const real = await realpath(source.path);
    if (seen.has(real)) continue;
    seen.add(real);
    const relPath = source.relPath ?? relPathFor(real, i, realDb);
    plan.push({ source, relPath, dest: join(o.destination, ...relPath.split('/')), before: before.get(source.path)! });
  }
  return plan;
}

/** What an earlier call left: journal entries, else a finished manifest, for the same sources unchanged since. */
function priorEntries(
  destination: string,
  realDb: string,
  plan: readonly PlanItem[],
): { kept: Map<string, ManifestEntry>; restarted: boolean } {
  let prior = readJournal(destination, realDb);
  if (prior.size === 0) {
    try {
      const m = readManifest(destination);
      if (m.sourceDbDir === realDb) prior = new Map(m.entries.map((e) => [e.relPath, e]));
    } catch {
      // No usable manifest: nothing to resume from.
    }
  }
  const kept = new Map<string, ManifestEntry>();
  let restarted = false;
  for (const p of plan) {
    const e = prior.get(p.relPath);
    if (e === undefined || e.source !== (p.source.origin ?? p.source.path)) continue;
    if (e.size !== p.before.size || e.mtimeMs !== p.before.mtimeMs) restarted = true;
    kept.set(p.relPath, { ...e, role: p.source.role });
  }
  // A source changed since the earlier copy: its other files belong to another database state.
  return restarted ? { kept: new Map(), restarted } : { kept, restarted };
}

/**
 * Copy the database files to `destination`, hashing in one read pass, verifying each copy by
 * re-reading it, and writing `oeflow-manifest.json`. Resumes an interrupted copy: files in the
 * journal are re-verified by size and hash, the rest are copied.
 * @example
 * const r = await copyDatabaseFiles({ sources, destination: '/backup/sports', dbDir: '/db', mode: 'offline' });
 */
export async function copyDatabaseFiles(o: CopyOptions): Promise<CopyReport> {
  const started = performance.now();
  const doSync = o.fsync !== false;
  throwIfAborted(o.signal);
  const { realDb } = await checkDestinationOutsideDb(o.destination, o.dbDir);
  const plan = await makePlan(o, realDb);
  const { kept, restarted } = priorEntries(o.destination, realDb, plan);

  let toWrite = 0;
  for (const p of plan) toWrite += Math.max(0, p.before.size - (await sizeOrZero(p.dest)));
  await checkFreeSpace(o.destination, Math.ceil(toWrite * (1 + SPACE_MARGIN)), o.statfs);

  await mkdir(o.destination, { recursive: true });
  const journal = await Journal.open(o.destination, realDb, kept.values(), doSync);
  await unlink(join(o.destination, MANIFEST_FILE)).catch(() => undefined);

  const throttle = new ProgressThrottle(o.onProgress, o.progressIntervalMs ?? 100);
  const progress = progressOf(plan.map((p) => p.before.size));
  const onBytes = (n: number): void => {
    progress.fileBytes += n;
    progress.bytesDone += n;
    throttle.emit({ ...progress });
  };
  const pool = new BufferPool(o.chunkSize);
  const stream = { pool, signal: o.signal, onBytes };
  const entries: ManifestEntry[] = [];
  const dirs = new Set<string>([o.destination]);
  let bytesCopied = 0;
  let bytesReverified = 0;
  let filesCopied = 0;
  let filesSkipped = 0;
  let journaled: Promise<void> = Promise.resolve();
  const verifier = o.verifyAfterCopy === false ? undefined : new HashWorker(o.signal);

  try {
    for (const p of plan) {
      throwIfAborted(o.signal);
      Object.assign(progress, { file: p.source.path, fileBytes: 0, fileSize: p.before.size });
      const entry: ManifestEntry = {
        source: p.source.origin ?? p.source.path,
        relPath: p.relPath,
        role: p.source.role,
        size: p.before.size,
        mtimeMs: p.before.mtimeMs,
        sha256: '',
      };
      const prior = kept.get(p.relPath);
      if (prior !== undefined && (await sizeOrZero(p.dest)) === prior.size) {
        const again = await hashFile(p.dest, stream);
        bytesReverified += again.size;
        if (again.size === prior.size && again.sha256 === prior.sha256) {
          entries.push({ ...entry, sha256: prior.sha256 });
          filesSkipped += 1;
          progress.filesDone += 1;
          continue;
        }
        progress.bytesDone -= again.size;
        progress.fileBytes = 0;
      }
      await mkdir(dirname(p.dest), { recursive: true });
      dirs.add(dirname(p.dest));
      let copied;
      try {
        copied =
          o.copyFile !== undefined
            ? await o.copyFile(p.source.path, p.dest, stream)
            : await copyFileHashing(p.source.path, p.dest, { ...stream, fsync: false });
      } catch (err) {
        if (errno(err) === 'ENOSPC')
          throw new OeflowError('OEF-302', `The destination ran out of space while copying ${p.source.path}.`, {
            cause: err,
            details: { destination: o.destination },
          });
        throw err;
      }
      bytesCopied += copied.size;
      filesCopied += 1;
      if (copied.size !== p.before.size) {
        const after = { size: copied.size, mtimeMs: p.before.mtimeMs };
        throw new OeflowError(
          'OEF-301',
          `${p.source.path} changed during the ${o.mode} copy: ${copied.size} bytes read, ${p.before.size} expected. The copy is invalid.`,
          { details: { mode: o.mode, files: [{ path: p.source.path, before: p.before, after }] } },
        );
      }
      await refuseIfChanged(plan, o.mode);
      entry.sha256 = copied.sha256;
      entries.push(entry);
      progress.filesDone += 1;
      // The file's verification (the worker re-reads the copy and hashes it on the other core) and
      // its fsync run while the next file is copied; its journal line is written only once both
      // are done, in order. Its directory entry is fsynced at the end, which is safe because a
      // resume never trusts existence: it re-reads the file and compares the hash.
      const checked =
        verifier === undefined
          ? Promise.resolve()
          : verifier.hash(p.dest).then((check) => {
              if (check.size !== copied.size || check.sha256 !== copied.sha256) {
                throw new OeflowError(
                  'OEF-300',
                  `The copy of ${p.source.path} does not read back as written (${p.relPath}).`,
                  {
                    details: {
                      problems: [
                        {
                          relPath: p.relPath,
                          kind: check.size !== copied.size ? 'size' : 'hash',
                          expected: copied,
                          actual: check,
                        },
                      ],
                    },
                  },
                );
              }
            });
      const durable = Promise.all([checked, doSync ? fsyncPath(p.dest) : undefined]);
      durable.catch(() => undefined); // observed here, rethrown where it is awaited
      const previous = journaled;
      journaled = (async () => {
        await previous;
        await durable;
        await journal.append(entry);
      })();
      journaled.catch(() => undefined);
      await previous;
    }
    await journaled;
    await refuseIfChanged(plan, o.mode);
    if (doSync) for (const d of dirs) await fsyncPath(d);
  } finally {
    // Record what completed before an abort or a failure, so the next call resumes from it.
    await journaled.catch(() => undefined);
    await journal.close();
    await verifier?.close();
  }

  const manifest = buildManifest(realDb, entries);
  const manifestPath = await writeManifest(o.destination, manifest, doSync);
  await Journal.remove(o.destination);
  if (doSync) await fsyncPath(o.destination);
  throttle.emit({ ...progress, file: '', fileBytes: 0, fileSize: 0 }, true);
  return {
    manifest,
    manifestPath,
    bytesCopied,
    bytesReverified,
    filesCopied,
    filesSkipped,
    durationMs: performance.now() - started,
    restarted,
  };
}
