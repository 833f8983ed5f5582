// Is the process behind a `.lk` file or a run lock still alive on this host? One rule for
// both (docs/openedge.md §2): a holder on this host whose pid is dead is stale; another host's is
// assumed valid, since it cannot be checked from here.
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * True if a process with this pid is running (EPERM: it exists but is not ours). A zombie
 * (killed, not yet reaped — common in containers whose init does not reap) is dead.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** True when the holder is on this host and its process is gone. */
export function staleOnThisHost(holder: { host: string; pid: number }): boolean {
  return holder.host === hostname() && !pidAlive(holder.pid);
}

/** `.lk` mode 5: crash recovery in progress (docs/openedge.md §2.6). */
const CRASH_RECOVERY_MODE = 5;

/**
 * True only for a well-formed `.lk` of a documented mode naming a dead process on this host
 * (fail safe). Never for mode 5: a crash recovery whose process died was interrupted, and the
 * database must be opened again to finish it before anything copies or changes it.
 */
export function lkStale(lk: { mode: number; host: string; pid: number; problem?: string }): boolean {
  return lk.problem === undefined && lk.mode !== CRASH_RECOVERY_MODE && staleOnThisHost(lk);
}

/**
 * True while any process of process group `pgid` runs (zombies do not count): a site command
 * started as a group leader lives on in its children after its shell exec'd or exited.
 */
export function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    } // no /proc
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // gone meanwhile
    }
  });
}
