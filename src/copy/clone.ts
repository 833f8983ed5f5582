// Copy-on-write clones (issue 14): FICLONE through fs.copyFile(COPYFILE_FICLONE_FORCE), which
// fails instead of falling back to a byte copy. Whether the database's file system can clone
// is found by cloning, never guessed from its name; the clones live in a staging directory on
// the same file system, outside the database directory, and are never restored from.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, statfs, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../openedge/liveness.js';
import { realpathLoose } from './copier.js';
import { copyFileHashing, copyFileInKernelHashing } from './stream.js';
import type { CopyFileFn } from './types.js';

/** Name of the staging root created beside the database directory when none is given. */
export const STAGING_DIR_NAME = '.oeflow-staging';

/** Clone `src` to `dest` in constant time; throws (ENOTSUP, EXDEV, EINVAL…) when the file system cannot. */
export async function cloneFile(src: string, dest: string): Promise<void> {
  await copyFile(src, dest, constants.COPYFILE_FICLONE_FORCE);
}

/** The staging root: the operator's, else a `.oeflow-staging` beside the database directory (same file system as a rule). */
export function stagingRootFor(dbDir: string, given?: string): string {
  return given ?? join(dirname(dbDir), STAGING_DIR_NAME);
}

/** Prefix of every staging directory of one database (its name plus a hash of its real directory). */
export async function stagingPrefix(dbDir: string, name: string): Promise<string> {
  const real = await realpathLoose(dbDir);
  return `${name}-${createHash('sha256').update(real).digest('hex').slice(0, 8)}-`;
}

const PROBE_PREFIX = '.clone-probe-';

/**
 * Remove the probe clones of processes that died before removing theirs (killed between the
 * clone and the unlink): they would otherwise stay in a backup destination. A live process's
 * probe is left alone — another run may be probing the same directory.
 */
async function removeDeadProbes(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(PROBE_PREFIX)) continue;
    const pid = Number(name.slice(PROBE_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) await unlink(join(dir, name)).catch(() => undefined);
  }
}

export type CloneProbe = { ok: true } | { ok: false; reason: string };

/**
 * Can every file in `sources` be cloned into `stagingRoot`? All must share the staging root's
 * device (a clone never crosses file systems), and one real clone of the smallest source
 * must succeed. The probe clone is removed.
 */
export async function probeClone(sources: readonly string[], stagingRoot: string): Promise<CloneProbe> {
  try {
    await mkdir(stagingRoot, { recursive: true });
  } catch (err) {
    return { ok: false, reason: `cannot create the staging directory ${stagingRoot}: ${(err as Error).message}` };
  }
  const root = await stat(stagingRoot);
  let smallest: { path: string; size: number } | null = null;
  for (const s of sources) {
    const st = await stat(s);
    if (st.dev !== root.dev)
      return { ok: false, reason: `${s} is not on the file system of the staging directory ${stagingRoot}` };
    if (smallest === null || st.size < smallest.size) smallest = { path: s, size: st.size };
  }
  if (smallest === null) return { ok: false, reason: 'no database file to clone' };
  await removeDeadProbes(stagingRoot);
  const probe = join(stagingRoot, `${PROBE_PREFIX}${process.pid}-${basename(smallest.path)}`);
  try {
    await cloneFile(smallest.path, probe);
    return { ok: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, reason: `the file system of ${stagingRoot} cannot clone (${code}: FICLONE refused)` };
  } finally {
    await unlink(probe).catch(() => undefined);
  }
}

/** Remove every staging directory of this database left by an earlier clone (killed or failed runs). */
export async function removeLeftoverClones(stagingRoot: string, prefix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(stagingRoot);
  } catch {
    return [];
  }
  const leftovers = names.filter((n) => n.startsWith(prefix)).map((n) => join(stagingRoot, n));
  for (const dir of leftovers) await rm(dir, { recursive: true, force: true });
  return leftovers;
}

/** Free bytes on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Reads of the clone kept in flight while it is hashed during its transfer. The clone is a new
 * file: none of its pages are cached (a reflink shares blocks, not page cache), so its hash
 * reads come from the disk, and with one read in flight the disk idles whenever the hashing
 * thread waits for a core. Four reads of 4 MiB keep 16 MiB requested ahead, as a larger
 * readahead window would (Node reaches neither posix_fadvise nor readahead(2)).
 */
export const CLONE_READ_AHEAD = 4;

/** How transferClone copies each clone to the destination, decided on the first file. */
export interface CloneTransfer {
  copyFile: CopyFileFn;
  /**
   * Whether the destination is on a file system the clone's blocks can be shared with (a
   * FICLONE of the first file into it succeeded); null before the first file.
   */
  readonly destinationCanShareBlocks: boolean | null;
}

/**
 * The clone's transfer, one file at a time. Where the destination cannot share blocks with the
 * clone (another file system, the usual backup disk), the file is copied inside the kernel
 * (copy_file_range or sendfile, as `cp`) while the same clone bytes are read and hashed, with
 * reads ahead. Where it can (the database's own reflink file system), a kernel copy would be a
 * reflink: the backup would share its blocks with the clone, i.e. with the production
 * database, and one damaged extent would take both. A backup is a second copy of the bytes,
 * so there the transfer makes a real one (read -> sha256 -> write in user space, new blocks),
 * at the cost of the user-space pass. Whether it can is found by cloning the first file (the
 * control area, the smallest), never guessed from the path.
 */
export function cloneTransfer(): CloneTransfer {
  let sharesBlocks: boolean | null = null;
  return {
    get destinationCanShareBlocks() {
      return sharesBlocks;
    },
    async copyFile(src, dst, stream) {
      if (sharesBlocks === null) {
        try {
          await cloneFile(src, dst);
          sharesBlocks = true; // the copy below truncates this reflink and writes the file's own blocks
        } catch {
          sharesBlocks = false;
        }
      }
      return sharesBlocks
        ? copyFileHashing(src, dst, { ...stream, fsync: false })
        : copyFileInKernelHashing(src, dst, { ...stream, readAhead: CLONE_READ_AHEAD });
    },
  };
}
