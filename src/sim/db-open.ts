// Opening a database the way the utilities do: the control area must exist (43), the
// .lk decides who may open it (276/263, stale takeover 4194), and a single-user open
// holds a mode-1 .lk until the utility ends (a crash leaves it behind).
import { existsSync } from 'node:fs';
import { requireKeyStore } from './encryption.js';
import { createLk, LK_MULTI, LK_SINGLE, lkValid, readLk, removeLk, type LkInfo } from './lk-file.js';
import { masterExists, readMaster, type MasterBlock } from './master-block.js';
import { msg } from './messages.js';
import { dbPaths, type DbPaths } from './paths.js';
import type { Session } from './session.js';

export type LkState =
  { kind: 'none' } | { kind: 'stale'; info: LkInfo } | { kind: 'single' | 'multi' | 'other'; info: LkInfo };

/** What the .lk says, and whether it still protects the db. */
export function lkState(paths: DbPaths): LkState {
  const info = readLk(paths.lk);
  if (info === null) return { kind: 'none' };
  if (!lkValid(info)) return { kind: 'stale', info };
  if (info.mode === LK_MULTI) return { kind: 'multi', info };
  if (info.mode === LK_SINGLE) return { kind: 'single', info };
  return { kind: 'other', info };
}

/** True when a live broker holds the db. */
export function brokerRunning(paths: DbPaths): boolean {
  return lkState(paths).kind === 'multi';
}

/** Resolve the db argument; 43 when `<db>.db` is missing. Sets the session's .lg. */
export function requireDb(s: Session, arg: string | undefined): { paths: DbPaths; mb: MasterBlock } {
  if (arg === undefined || arg.startsWith('-'))
    s.fail(msg.usage(s.utility, 'the database name is missing', `${s.utility} db-name …`));
  const paths = dbPaths(arg);
  if (!masterExists(paths)) s.fail(msg.cannotOpen(paths.dbFile));
  s.lg = paths.lg;
  const mb = readMaster(paths);
  requireKeyStore(s, paths.base, mb);
  return { paths, mb };
}

/** Refuse when another process holds the db; a stale .lk is taken over (4194). */
export function refuseInUse(s: Session, paths: DbPaths): void {
  const st = lkState(paths);
  if (st.kind === 'multi' || st.kind === 'other') s.fail(msg.inUseMulti(paths.base));
  if (st.kind === 'single') s.fail(msg.inUseSingle(paths.base));
  if (st.kind === 'stale') {
    s.log([msg.brokerDisappeared(paths.base)], 'W');
    removeLk(paths.lk);
  }
}

/** Every extent the control area names must exist (43 for the first missing). */
export function requireExtents(s: Session, mb: MasterBlock): void {
  const missing = mb.extents.find((e) => !existsSync(e.path));
  if (missing !== undefined) s.fail(msg.cannotOpen(missing.path));
}

/**
 * What runs crash recovery when it opens the database (proserve, truncate bi, even with -F) is
 * refused while a roll forward protects it with oplock (docs/openedge.md §3.7, §4.41). The exit
 * code is the simulator's choice.
 */
export function refuseUnderOplock(s: Session, mb: MasterBlock): void {
  if (mb.roll.oplock === true) s.fail([msg.oplockLocked(), msg.oplockWait()]);
}

/** Open single-user: refuse if in use, hold a mode-1 .lk until the end, check extents. */
export function openSingleUser(s: Session, paths: DbPaths, checkExtents = true): MasterBlock {
  refuseInUse(s, paths);
  if (!createLk(paths.lk, LK_SINGLE)) s.fail(msg.inUseSingle(paths.base));
  s.onCleanup(() => {
    const info = readLk(paths.lk);
    if (info !== null && info.pid === process.pid) removeLk(paths.lk);
  });
  const mb = readMaster(paths);
  if (checkExtents) requireExtents(s, mb);
  return mb;
}

/** Utilities valid online (aimage new, extent empty, mark backedup): with a broker they
 * work through the lock; without one they open single-user. */
export function openOnlineOrSingle(s: Session, paths: DbPaths): void {
  if (!brokerRunning(paths)) openSingleUser(s, paths);
}
