// Every process a run starts (utilities, site commands, its quiet-point guard) carries the run's
// marker in its environment: the run id, the step attempt, and an id of that one spawn. A kill
// between a spawn and the journal row that records its pid leaves the journal blind; the
// marker does not, since the environment is the process's own. So a resume also finds, in
// /proc/*/environ, the live processes of its run whose spawn id no journal row names, and waits
// for them like journaled leftovers (leftover-utilities.ts). The spawn id keeps apart what a
// recorded spawn left running on purpose (the broker a journaled proserve started inherits the
// environment): those are not leftovers.
//
// Limits: Linux only (no /proc: nothing found); a process whose environ cannot be read
// (another user's, or a setuid executable such as an installation's `_mprosrv` once the
// `$DLC/bin` script has exec'd it) is not seen; a process that clears its environment neither.
// And a `proserve` killed in that very window: the broker it goes on to start carries the same
// unjournaled mark, so the resume waits for it too and ends with OEF-041 naming it.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { procStat } from '../openedge/liveness.js';

export const RUN_ID_ENV = 'OEFLOW_RUN_ID';
export const STEP_KEY_ENV = 'OEFLOW_STEP_KEY';
export const ATTEMPT_ENV = 'OEFLOW_ATTEMPT';
export const SPAWN_ID_ENV = 'OEFLOW_SPAWN_ID';

/** The environment that marks one spawn, and its id (journaled with the spawn's pid). */
export interface ProcessMark {
  spawnId: string;
  env: Record<string, string>;
}

/** A fresh mark for one process the attempt is about to start. */
export function processMark(runId: string, stepKey: string, attempt: number): ProcessMark {
  const spawnId = randomBytes(8).toString('hex');
  return {
    spawnId,
    env: { [RUN_ID_ENV]: runId, [STEP_KEY_ENV]: stepKey, [ATTEMPT_ENV]: String(attempt), [SPAWN_ID_ENV]: spawnId },
  };
}

/** A live process carrying a run's marker. */
export interface MarkedProcess {
  pid: number;
  startTime: string;
  spawnId: string | null;
  stepKey: string | null;
  attempt: number | null;
  /** Its command line as /proc shows it now. */
  argv: string[];
}

/** This process and its ancestors: an oeflow started by one of the run's own commands must not wait for itself. */
function selfAndAncestors(): Set<number> {
  const mine = new Set<number>();
  for (let pid = process.pid; pid > 1 && !mine.has(pid);) {
    mine.add(pid);
    const stat = procStat(pid);
    if (stat === null) break;
    pid = stat.ppid;
  }
  return mine;
}

/** NUL-separated NAME=value pairs of a process's initial environment; null when unreadable (EACCES, gone). */
function environOf(pid: string): Map<string, string> | null {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return null;
  }
  const env = new Map<string, string>();
  for (const pair of raw.split('\0')) {
    const eq = pair.indexOf('=');
    if (eq > 0) env.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return env;
}

/** Live processes on this host whose environment carries `runId`'s marker (none without /proc). */
export function markedProcesses(runId: string): MarkedProcess[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return []; // not Linux: only the journal tells
  }
  const mine = selfAndAncestors();
  const found: MarkedProcess[] = [];
  for (const pid of pids) {
    if (mine.has(Number(pid))) continue;
    const env = environOf(pid);
    if (env === null || env.get(RUN_ID_ENV) !== runId) continue;
    const stat = procStat(Number(pid));
    if (stat === null || stat.state === 'Z') continue; // ended meanwhile
    let argv: string[] = [];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      /* gone meanwhile: its stat said alive a moment ago; the wait finds it gone */
    }
    const attempt = Number(env.get(ATTEMPT_ENV));
    found.push({
      pid: Number(pid),
      startTime: stat.startTime,
      spawnId: env.get(SPAWN_ID_ENV) ?? null,
      stepKey: env.get(STEP_KEY_ENV) ?? null,
      attempt: Number.isInteger(attempt) ? attempt : null,
      argv,
    });
  }
  return found;
}
