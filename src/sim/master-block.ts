// The simulated master block: JSON inside `<db>.db` (the control area). It also holds
// the extent list the .st describes, so every utility uses the paths stored here, as
// the real ones do (a copy that was not repaired still points at the source's files).
// Writes are atomic (temp + rename) and done under `<db>.simlock`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { lock, lockSync, unlock } from './file-lock.js';
import type { KeyStore } from './encryption.js';
import type { DbPaths } from './paths.js';

export type ExtentType = 'b' | 'd' | 'a';
export type ExtentKind = 'fixed' | 'variable';
export type AiStatus = 'Empty' | 'Busy' | 'Full' | 'Locked' | 'Archived';

/** One line of the structure: an extent file of an area. */
export interface Extent {
  type: ExtentType;
  areaName: string;
  areaNum: number;
  recsPerBlock: number;
  clusterSize: number;
  path: string;
  kind: ExtentKind;
  sizeKb: number;
}

/** The AI state of one AI extent (extent n = the n-th `a` extent of the structure). */
export interface AiExtentState {
  status: AiStatus;
  seqno: number;
  startDate: number | null;
  lastOp: number | null;
}

export interface MasterBlock {
  format: 'oeflow-sim-master-1';
  dbIdentity: string;
  blockSize: number;
  createDate: number;
  lastOpenDate: number | null;
  priorOpenDate: number | null;
  /** Last-changed time: compared with each AI file's expected date (831/832). */
  lstmod: number;
  state: 'closed' | 'open' | 'crashed';
  /** Shared-memory id of the last broker; a stale one survives a crash until repair/truncate bi. */
  shmId: number | null;
  extents: Extent[];
  ai: {
    enabled: boolean;
    beginDate: number | null;
    lastNewDate: number | null;
    currentSeq: number;
    expectedSeq: number;
    extents: AiExtentState[];
    archiver: boolean;
    archiveDirs: string[];
    /** `-aiarcinterval`: seconds between forced switches; 0 or absent = on demand. */
    archiveInterval?: number;
    /** `-aiarcdircreate`: the daemon creates a missing directory. */
    archiveDirCreate?: boolean;
  };
  backup: { counter: number; lastDate: number | null; changedSinceBackup: boolean };
  /**
   * docs/openedge.md §5 states: 0 normal, 1 enable requested (proquiet `requester` waits for the
   * update lock), 2 enabled, 3 disable requested, 4 bithreshold change requested (`prior`: the
   * state it returns to). `txe`: transactions holding the update lock (a long update in
   * progress): an enable waits until it is released. `biStall`: the quiet point is the broker's
   * own, raised when the BI reached its threshold under -bistall (proquiet rc 3 until raised).
   */
  quiet: {
    state: 0 | 1 | 2 | 3 | 4;
    nolock: boolean;
    requester?: number;
    txe?: number[];
    biStall?: boolean;
    prior?: 0 | 2;
  };
  /** The broker's recovery-log threshold (`-bithold n` MB, `-bistall`), while it runs. */
  bi?: { thresholdMb: number; stall: boolean };
  roll: {
    /** DBROLL_STARTED: a roll forward is applying a file. */
    started: boolean;
    /** DBROLL_PARTIAL: the file an interrupted roll forward must be retried with. */
    partial: { path: string; seq: number } | null;
    /** Set once an endtime was located (17923): no further roll forward. */
    endtimeLocated: number | null;
    /**
     * DBROLL_NOINTEG (64): a roll forward with `-i` is applying a file. Left set when it fails
     * or is killed: no crash recovery, no retry, the next roll forward gets 4554 (KB P61656).
     */
    noInteg?: boolean;
    /**
     * ROLL FORWARD OPLOCK: set by `roll forward oplock`, kept between roll-forward sessions until
     * `roll opunlock`; what would run crash recovery (proserve, truncate bi even with -F) is
     * refused meanwhile (docs/openedge.md §4.41, §3.7).
     */
    oplock?: boolean;
    /** Set by `roll opunlock`: it completed crash recovery, so no roll forward is possible any more. */
    opunlocked?: boolean;
  };
  replication: 'none' | 'source' | 'target';
  /** A replication source's target: connected (absent) or offline; LOCKED extents wait for it (replication.ts). */
  replicationTarget?: 'connected' | 'offline';
  /** Present when the database is encrypted: its key store (encryption.ts). */
  encryption?: KeyStore;
}

/** True when `<db>.db` exists. */
export function masterExists(paths: DbPaths): boolean {
  return existsSync(paths.dbFile);
}

/** Read the master block (throws when missing or not a simulated control area). */
export function readMaster(paths: DbPaths): MasterBlock {
  const mb = JSON.parse(readFileSync(paths.dbFile, 'utf8')) as MasterBlock;
  if (mb.format !== 'oeflow-sim-master-1') throw new Error(`${paths.dbFile} is not a simulated control area`);
  return mb;
}

/** Write the master block atomically (caller holds the lock). */
export function writeMaster(paths: DbPaths, mb: MasterBlock): void {
  const tmp = `${paths.dbFile}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(mb, null, 1)}\n`);
  renameSync(tmp, paths.dbFile);
}

/** Read-modify-write under the lock; `fn` returns false to skip the write. */
export function updateMasterSync<T>(paths: DbPaths, fn: (mb: MasterBlock) => T): T {
  lockSync(paths.simlock);
  try {
    const mb = readMaster(paths);
    const before = JSON.stringify(mb);
    const result = fn(mb);
    // an unchanged master block is not rewritten: the broker polls under a quiet point, and a
    // real control area is not written while the quiet point holds (a copy must see it still)
    if (JSON.stringify(mb) !== before) writeMaster(paths, mb);
    return result;
  } finally {
    unlock(paths.simlock);
  }
}

/** Run `fn` holding the lock without blocking the event loop (broker side). */
export async function withLock<T>(paths: DbPaths, fn: () => T): Promise<T> {
  await lock(paths.simlock);
  try {
    return fn();
  } finally {
    unlock(paths.simlock);
  }
}

/** Run `fn` holding the lock (utility side). */
export function withLockSync<T>(paths: DbPaths, fn: () => T): T {
  lockSync(paths.simlock);
  try {
    return fn();
  } finally {
    unlock(paths.simlock);
  }
}

/** The AI extents of the structure, in extent-number order. */
export function aiExtents(mb: MasterBlock): Extent[] {
  return mb.extents.filter((e) => e.type === 'a');
}

/** The data-area extent the workload and roll forward write (area 7). */
export function dataExtent(mb: MasterBlock): Extent {
  const e = mb.extents.find((x) => x.type === 'd' && x.areaNum === 7);
  if (e === undefined) throw new Error('control area has no data area 7');
  return e;
}

/** The primary recovery (BI) extent. */
export function biExtent(mb: MasterBlock): Extent {
  const e = mb.extents.find((x) => x.type === 'b');
  if (e === undefined) throw new Error('control area has no BI extent');
  return e;
}
