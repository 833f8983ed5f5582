// ONLINE-3, before the quiet point (issue 9 item 1, issue 14): everything the copy needs that
// does not need writes held is done here — the file list (prostrct list, read in preflight's
// round of calls; checked again after the disable), the choice of copy method (a real clone probe), the staging directory, and
// the removal of clones an earlier killed or failed run left. Inside the quiet point only the
// copy or the clone runs.
import { stat } from 'node:fs/promises';
import { dbPaths } from '../openedge/dlc.js';
import {
  checkDestinationOutsideDb,
  freeBytes,
  probeClone,
  removeLeftoverClones,
  stagingPrefix,
  stagingRootFor,
} from '../copy/index.js';
import { listDatabaseFiles, type ListedFiles } from './db-files.js';
import type { Json } from '../../machines/contract.js';
import { fail, type Facts, noCommands, type Step } from './step.js';

export type CopyMethodRan = 'clone' | 'copy' | 'snapshot';

export const prepareCopy = {
  id: 'prepareCopy',
  title: 'List the database files and choose the copy method (before the quiet point)',
  kb: 'ONLINE-3',
  // removes leftover clones of this database: safe to run again
  effect: 'idempotent',
  commands: noCommands,
  // the online machine branches on the method (cloneChosen): a plan walks the branch the live database would take
  plannedFacts: ({ world }) => ({ copyMethod: world.copyMethod }),
  probe: async () => null,
  async run(env) {
    const { input } = env.ctx;
    // preflight read the list in its round of utility calls (issue 9); it lists again only when that failed
    const fromPreflight = env.ctx.facts['preflight']?.['files'];
    const listed =
      fromPreflight === undefined || fromPreflight === null ? null : (fromPreflight as unknown as ListedFiles);
    const files = listed ?? (await listDatabaseFiles(env, input.db));
    const base: Facts = {
      ...(listed === null ? { files: JSON.parse(JSON.stringify(files)) as Json } : { filesFrom: 'preflight' }),
      structure: files.structure,
      requested: input.copyMethod ?? 'auto',
    };
    if ((input.snapshotCmd ?? '') !== '') return { ...base, copyMethod: 'snapshot' };
    const requested = input.copyMethod ?? 'auto';
    if (requested === 'copy') return { ...base, copyMethod: 'copy' };
    const chosen = await chooseClone(files, input.db, input.stagingDir);
    if (!chosen.ok) {
      if (requested === 'clone') {
        fail(
          'failed',
          'OEF-307',
          `--copy-method clone: ${chosen.reason}. No quiet point was raised`,
          "Run with --copy-method auto (or copy) to copy the files, or give --staging-dir a directory on the database's file system if that one can clone (XFS with reflink, btrfs).",
        );
      }
      return { ...base, copyMethod: 'copy', cloneUnavailable: chosen.reason };
    }
    return {
      ...base,
      copyMethod: 'clone',
      stagingRoot: chosen.stagingRoot,
      stagingDir: chosen.stagingDir,
      leftoversRemoved: chosen.leftovers,
      ...(chosen.warning ? { warning: chosen.warning } : {}),
    };
  },
} satisfies Step<null>;

type Chosen =
  | { ok: true; stagingRoot: string; stagingDir: string; leftovers: string[]; warning?: string }
  | { ok: false; reason: string };

async function chooseClone(files: ListedFiles, db: string, given: string | undefined): Promise<Chosen> {
  const { dir: dbDir, name } = dbPaths(db);
  const stagingRoot = stagingRootFor(dbDir, given);
  try {
    await checkDestinationOutsideDb(stagingRoot, dbDir);
  } catch (err) {
    return {
      ok: false,
      reason: `the staging directory ${stagingRoot} is inside the database directory (${(err as Error).message})`,
    };
  }
  const sources = [files.control, ...files.extents].map((s) => s.path);
  const probe = await probeClone(sources, stagingRoot);
  if (!probe.ok) return probe;
  const prefix = await stagingPrefix(dbDir, name);
  // never restored from: a clone left by a killed run is an unverified image of another moment
  const leftovers = await removeLeftoverClones(stagingRoot, prefix);
  const stagingDir = `${stagingRoot}/${prefix}clone`;
  const warning = await spaceWarning(files, stagingRoot);
  return { ok: true, stagingRoot, stagingDir, leftovers, ...(warning ? { warning } : {}) };
}

// A clone shares its blocks with the database until the database rewrites them: while the
// transfer runs, every block written costs new space on this file system. At most that is
// the size of the files the database writes (data, BI, AI extents).
async function spaceWarning(files: ListedFiles, stagingRoot: string): Promise<string | null> {
  let writable = 0;
  for (const e of files.extents) writable += (await stat(e.path)).size;
  const free = await freeBytes(stagingRoot);
  if (free >= writable) return null;
  return `the file system of ${stagingRoot} has ${free} bytes free, less than the ${writable} bytes the database may rewrite while its clone is transferred: the database could run out of space during the transfer`;
}
