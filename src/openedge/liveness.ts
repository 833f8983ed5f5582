// Is the process behind a `.lk` file or a run lock still alive on this host? One rule for
// both (docs/openedge.md §2): a holder on this host whose pid is dead is stale; another host's is
// assumed valid, since it cannot be checked from here.
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** What /proc/<pid>/stat tells of a process (proc(5)); null when it is gone or there is no /proc. */
export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22, clock ticks after boot: with the pid, it names one process (a reused pid starts later). */
  startTime: string;
}

/** /proc/<pid>/stat parsed past the command name (which may hold spaces and parentheses). */
export function procStat(pid: number): ProcStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: f[0] ?? '', ppid: Number(f[1]), pgrp: Number(f[2]), startTime: f[19] ?? '' };
}

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
  const stat = procStat(pid);
  return stat === null || stat.state !== 'Z'; // no /proc (not Linux): trust kill(0)
}

/**
 * True while the process recorded as (pid, startTime) runs: a pid alone may have been reused
 * since, and its command line may not name what was started (a `$DLC/bin` script execs
 * `_mprshut`). startTime undefined (recorded without one) or no /proc: the pid is trusted.
 */
export function sameProcessAlive(pid: number, startTime: string | undefined): boolean {
  if (!pidAlive(pid)) return false;
  if (startTime === undefined) return true;
  const now = procStat(pid);
  return now === null || now.startTime === startTime;
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
    const stat = procStat(Number(pid)); // null: gone meanwhile
    return stat !== null && stat.pgrp === pgid && stat.state !== 'Z';
  });
}
