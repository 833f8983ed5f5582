// The online copy path (issue 9 item 1): under the quiet point only the copy itself runs, in
// the kernel (copy_file_range through fs.copyFile, as `cp`), with the size and mtime checks
// that refuse a source that moved; the manifest is sealed after the disable, by hashing the
// copy, which nothing writes any more (docs/architecture.md, "The online copy").
import { mkdir, rename, stat, unlink, copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OeflowError } from '../errors.js';
import { hostBootedAtMs } from '../host-boot.js';
import {
  checkDestinationOutsideDb,
  checkFreeSpace,
  makePlan,
  refuseIfChanged,
  sizeOrZero,
  SPACE_MARGIN,
} from './copier.js';
import { buildManifest, Journal, MANIFEST_FILE, writeManifest } from './manifest.js';
import type { UnsealedCopy, UnsealedEntry } from './unsealed-copy.js';
import { ProgressThrottle, progressOf } from './progress.js';
import { probeClone } from './clone.js';
import {
  BufferPool,
  copyFileHashing,
  fsyncPath,
  hashFile,
  throwIfAborted,
  type HashResult,
  type StreamOptions,
} from './stream.js';
import type { CopyOptions, CopyProgress, Manifest, ManifestEntry, VerifyProblem } from './types.js';

/** What the quiesced copy wrote: the listing the seal hashes after the disable. */
export interface QuiescedCopy extends UnsealedCopy {
  bytesCopied: number;
  durationMs: number;
}

type QuiescedOptions = Pick<
  CopyOptions,
  'sources' | 'destination' | 'dbDir' | 'signal' | 'onProgress' | 'progressIntervalMs' | 'statfs'
>;

/**
 * Copy every source into `destination` in the kernel, one file after the other, refusing
 * (OEF-301) a source whose size or mtime moves while the files are copied and a copy whose size
 * is not its source's. No hash, no fsync, no journal entries: an interrupted quiesced copy is
 * never resumed (the quiet point it belonged to is gone; the run takes a new one), and a
 * manifest an earlier attempt left is removed first, so no manifest describes a copy it was not
 * made from.
 */
export async function copyQuiesced(o: QuiescedOptions): Promise<QuiescedCopy> {
  const started = performance.now();
  throwIfAborted(o.signal);
  const { realDb } = await checkDestinationOutsideDb(o.destination, o.dbDir);
  const plan = await makePlan(o, realDb);
  let toWrite = 0;
  for (const p of plan) toWrite += Math.max(0, p.before.size - (await sizeOrZero(p.dest)));
  await checkFreeSpace(o.destination, Math.ceil(toWrite * (1 + SPACE_MARGIN)), o.statfs);
  await mkdir(o.destination, { recursive: true });
  // A fresh progress journal with no entries: it marks the directory as an unfinished oeflow copy
  // (a restart's preflight lets the run write there again: copy/destination.ts) and gives a
  // resume nothing to keep. No entry is ever appended: this copy has no hashes to journal.
  await (await Journal.open(o.destination, realDb, [], false)).close();
  await unlink(join(o.destination, MANIFEST_FILE)).catch(() => undefined);

  const throttle = new ProgressThrottle(o.onProgress, o.progressIntervalMs ?? 100);
  const progress = progressOf(plan.map((p) => p.before.size));
  const entries: UnsealedEntry[] = [];
  const dirs = new Set<string>([o.destination]);
  for (const p of plan) {
    throwIfAborted(o.signal);
    if (!dirs.has(dirname(p.dest))) {
      await mkdir(dirname(p.dest), { recursive: true });
      dirs.add(dirname(p.dest));
    }
    try {
      await copyFile(p.source.path, p.dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
        throw new OeflowError('OEF-302', `The destination ran out of space while copying ${p.source.path}.`, {
          cause: err,
          details: { destination: o.destination },
        });
      throw err;
    }
    const written = (await stat(p.dest)).size;
    if (written !== p.before.size) {
      throw new OeflowError(
        'OEF-301',
        `${p.source.path} changed during the quiesced copy: ${written} bytes copied, ${p.before.size} expected. The copy is invalid.`,
        { details: { mode: 'quiesced', files: [{ path: p.source.path, before: p.before, copied: written }] } },
      );
    }
    entries.push({
      source: p.source.origin ?? p.source.path,
      relPath: p.relPath,
      role: p.source.role,
      size: p.before.size,
      mtimeMs: p.before.mtimeMs,
    });
    Object.assign(progress, { file: p.source.path, fileBytes: p.before.size, fileSize: p.before.size });
    progress.bytesDone += p.before.size;
    progress.filesDone += 1;
    throttle.emit({ ...progress });
  }
  // once, after the last file: every source still has the size and mtime it had before the first
  await refuseIfChanged(plan, 'quiesced');
  throttle.emit({ ...progress, file: '', fileBytes: 0, fileSize: 0 }, true);
  return {
    sourceDbDir: realDb,
    entries,
    copiedAtMs: Date.now(),
    bytesCopied: progress.bytesDone,
    durationMs: performance.now() - started,
  };
}

export type SealResult =
  | {
      ok: true;
      manifest: Manifest;
      manifestPath: string;
      bytesHashed: number;
      /** The kernel copy shared the database's blocks (its own reflink file system): each file was rewritten with its own. */
      rewrittenWithOwnBlocks: boolean;
    }
  | { ok: false; problems: VerifyProblem[] };

/**
 * After the disable: check every file of the quiesced copy is there at the size its source had
 * under the quiet point, hash it, fsync it, then write the manifest (atomically, fsynced) and
 * fsync the directories. Nothing is written when a file is missing or has another size, and
 * nothing is sealed (OEF-311) when the host's OS started after the copy was written.
 */
export async function sealCopy(
  destination: string,
  copy: UnsealedCopy,
  o: {
    signal?: AbortSignal;
    onProgress?: (p: CopyProgress) => void;
    progressIntervalMs?: number;
    /** When the host's OS started (epoch ms); read from the host by default. */
    hostBootedAtMs?: number;
  } = {},
): Promise<SealResult> {
  refuseIfWrittenBeforeBoot(copy, o.hostBootedAtMs ?? hostBootedAtMs());
  const problems: VerifyProblem[] = [];
  const fileOf = (e: UnsealedEntry): string => join(destination, ...e.relPath.split('/'));
  for (const e of copy.entries) {
    const size = await stat(fileOf(e)).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) problems.push({ relPath: e.relPath, kind: 'missing', expected: e.size });
    else if (size !== e.size) problems.push({ relPath: e.relPath, kind: 'size', expected: e.size, actual: size });
  }
  if (problems.length > 0) return { ok: false, problems };

  const throttle = new ProgressThrottle(o.onProgress, o.progressIntervalMs ?? 100);
  const progress = progressOf(copy.entries.map((e) => e.size));
  // On the database's own reflink file system the kernel copy (copy_file_range) is a reflink: the
  // backup would share its blocks with production, and one damaged extent would take both. A
  // real clone of the control area into the destination tells (never guessed from the paths); then every
  // file is rewritten with blocks of its own while it is hashed, after the disable.
  // (the control area is the database's own file; the listed .st is a temporary one, gone by now)
  const control = copy.entries.filter((e) => e.role === 'control').map((e) => e.source);
  const rewrite = control.length > 0 && (await probeClone(control, destination)).ok;
  const pool = new BufferPool();
  const sealed: ManifestEntry[] = [];
  for (const e of copy.entries) {
    throwIfAborted(o.signal);
    const file = fileOf(e);
    Object.assign(progress, { file, fileBytes: 0, fileSize: e.size });
    const stream = {
      pool,
      signal: o.signal,
      onBytes: (n: number) => {
        progress.fileBytes += n;
        progress.bytesDone += n;
        throttle.emit({ ...progress });
      },
    };
    const got = rewrite ? await rewriteWithOwnBlocks(file, stream) : await hashFile(file, stream);
    // checked above; a file that changed size since is no copy of the listing
    if (got.size !== e.size)
      return { ok: false, problems: [{ relPath: e.relPath, kind: 'size', expected: e.size, actual: got.size }] };
    await fsyncPath(file);
    sealed.push({ ...e, sha256: got.sha256 });
    progress.filesDone += 1;
  }
  const manifest = buildManifest(copy.sourceDbDir, sealed);
  const manifestPath = await writeManifest(destination, manifest, true);
  await Journal.remove(destination);
  const dirs = new Set(copy.entries.map((e) => dirname(fileOf(e))));
  for (const d of [...dirs, destination]) await fsyncPath(d);
  throttle.emit({ ...progress, file: '', fileBytes: 0, fileSize: 0 }, true);
  return { ok: true, manifest, manifestPath, bytesHashed: progress.bytesDone, rewrittenWithOwnBlocks: rewrite };
}

/**
 * The copy was written without fsync (under the quiet point); an OS crash before the seal can
 * leave its files at their full size with blocks never written (delayed allocation reads back
 * zeros), which the size check cannot see and a hash would seal as the copy. So a copy written
 * before the host's OS started is not sealed: its bytes are unknown (docs/architecture.md §5.9).
 */
function refuseIfWrittenBeforeBoot(copy: UnsealedCopy, bootedAtMs: number): void {
  if (copy.copiedAtMs === undefined || bootedAtMs <= copy.copiedAtMs) return;
  throw new OeflowError(
    'OEF-311',
    `the copy was written at ${new Date(copy.copiedAtMs).toISOString()} and not yet synced when the host restarted (${new Date(bootedAtMs).toISOString()}): its bytes may be lost; it is not sealed`,
    {
      details: { copiedAt: new Date(copy.copiedAtMs).toISOString(), hostBootedAt: new Date(bootedAtMs).toISOString() },
    },
  );
}

/** Copy `file` to a sibling in user space (new blocks), hashing what is read, and put it in the file's place. */
async function rewriteWithOwnBlocks(file: string, o: StreamOptions): Promise<HashResult> {
  const own = `${file}.own-blocks`;
  try {
    const got = await copyFileHashing(file, own, { ...o, fsync: false });
    await rename(own, file);
    return got;
  } finally {
    await unlink(own).catch(() => undefined);
  }
}
