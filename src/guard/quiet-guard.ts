// Arming and releasing a run's quiet-point guard (the process is quiet-guard-main.ts). The run
// arms it and waits until it watches (guardStarted) before it spawns `proquiet enable`, so even a
// grant that lands after the run died is disabled; it releases it after its own disable, and the
// guard double-checks.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dbPaths } from '../openedge/dlc.js';
import { pidAlive } from '../openedge/liveness.js';
import { tlsFreeEnv } from '../tls-free-env.js';
import { guardRecordPath } from './guard-record.js';

/** How often the guard looks at the run's process and the database log. */
export const GUARD_POLL_MS = 100;
/** The run's own --max-quiet watchdog acts first; the guard only if the run cannot. */
export const MAX_QUIET_MARGIN_MS = 5_000;

// named from dist/src/<any dir>/, as the CLI's bundle chunks in dist/src/cli find it too (scripts/bundle-cli.mjs)
export const GUARD_SCRIPT = fileURLToPath(new URL('../guard/quiet-guard-main.js', import.meta.url));

export interface GuardArgs {
  runId: string;
  db: string;
  dlc: string;
  ownerPid: number;
  sinceMs: number;
  /** Size of the .lg when armed: the guard reads only what follows. */
  lgOffset: number;
  maxQuietMs: number;
  recordFile: string;
}

export interface GuardExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ArmedGuard {
  pid: number;
  recordFile: string;
  /** argv of the guard, as journaled (leftover-utilities waits for it like a utility). */
  argv: string[];
  /** How the guard process ended, once this process has seen it end (null while it runs). */
  exit(): GuardExit | null;
}

/** Start the guard for the quiet point `runId` is about to ask for on `db`. */
export function armQuietGuard(o: {
  runId: string;
  db: string;
  dlc: string;
  storePath: string;
  maxQuietMs: number;
  sinceMs?: number;
  /** The run's process marker (engine/run-marker.ts), so a resume finds the guard even before its row is written. */
  env?: Record<string, string>;
}): ArmedGuard {
  const lgFile = dbPaths(o.db).lgFile;
  // adopting a quiet point raised earlier (resume): its enable line is already in the log
  let lgOffset = 0;
  if (o.sinceMs === undefined)
    try {
      lgOffset = statSync(lgFile).size;
    } catch {
      /* no log yet */
    }
  const args: GuardArgs = {
    runId: o.runId,
    db: o.db,
    dlc: o.dlc,
    ownerPid: process.pid,
    sinceMs: o.sinceMs ?? Date.now(),
    lgOffset,
    maxQuietMs: o.maxQuietMs,
    recordFile: guardRecordPath(o.storePath, o.runId),
  };
  // The release file goes into the record's directory. Made here, not by the guard's first record:
  // a run that releases before the new guard has started (a clone copy takes milliseconds) could
  // not write it on a store's first quiet point, and the fallback signal would kill a guard that
  // has no handler yet, leaving neither its double-check nor its record.
  try {
    mkdirSync(dirname(args.recordFile), { recursive: true });
  } catch {
    /* a disk that refuses: the release falls back on a signal */
  }
  const argv = [GUARD_SCRIPT, JSON.stringify(args)];
  // Own session (setsid), no terminal, no pipes: a hang-up, a Ctrl-C or a kill of oeflow's
  // process group never reaches it, and it never holds oeflow's event loop open.
  const child = spawn(process.execPath, argv, {
    detached: true,
    stdio: 'ignore',
    env: tlsFreeEnv({ ...process.env, ...o.env }),
  });
  let exit: GuardExit | null = null;
  child.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  child.unref();
  if (child.pid === undefined) throw new Error('the quiet-point guard could not be started');
  return { pid: child.pid, recordFile: args.recordFile, argv, exit: () => exit };
}

export type GuardRelease = 'finalize' | 'stand-down';

/** The file through which a run releases its guard (a signal could arrive before the guard listens). */
export function releaseFile(recordFile: string): string {
  return `${recordFile}.release`;
}

/**
 * Release a guard. finalize: the run is done with its quiet point (the guard disables it if it is
 * still up, then exits); stand-down: the quiet point up is someone else's (it disables nothing).
 * Through a file; by signal when the disk refuses even that.
 */
export function releaseQuietGuard(guard: ArmedGuard, how: GuardRelease): void {
  try {
    writeFileSync(releaseFile(guard.recordFile), how);
  } catch {
    try {
      process.kill(guard.pid, how === 'finalize' ? 'SIGUSR2' : 'SIGUSR1');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Longest quietEnable waits for a new guard to watch before it asks for the quiet point anyway: a
 * guard still alive then is slow (a loaded host) or cannot write its record (a disk that refuses),
 * and it watches all the same. One that ended without watching stops the step instead.
 */
export const GUARD_START_WAIT_MS = 10_000;
/** The guard's node starts in ~70–100 ms: a fine poll keeps the wait close to that. */
const GUARD_START_POLL_MS = 5;
/** Polls a guard may look gone (a zombie) before node reaps it and says how it ended. */
const REAP_GRACE_POLLS = 20;

export type GuardStart = { state: 'watching' } | { state: 'slow' } | { state: 'ended'; how: string };

/** True when the guard's record is this guard's (a run's earlier guard leaves its record at the same path). */
function recordedBy(guard: ArmedGuard): boolean {
  try {
    return (JSON.parse(readFileSync(guard.recordFile, 'utf8')) as { guardPid?: number }).guardPid === guard.pid;
  } catch {
    return false; // none yet (the guard writes it whole, by rename)
  }
}

/**
 * Wait until a new guard has written its first record (it watches), or has ended without one, or
 * `limitMs` passed. A quiet point asked before its guard watches would be unguarded if the guard
 * never gets there (a broken installation, a host out of memory or processes).
 */
export async function guardStarted(guard: ArmedGuard, limitMs: number = GUARD_START_WAIT_MS): Promise<GuardStart> {
  const deadline = Date.now() + limitMs;
  // a zombie counts as gone before node has reaped it and told how it ended: a few polls for that
  let goneFor = 0;
  for (;;) {
    if (recordedBy(guard)) return { state: 'watching' };
    const exit = guard.exit();
    if (exit === null && !pidAlive(guard.pid)) goneFor++;
    if (exit !== null || goneFor > REAP_GRACE_POLLS) {
      if (recordedBy(guard)) return { state: 'watching' }; // it wrote its record just before it ended
      const how =
        exit === null ? 'it is gone' : exit.signal !== null ? `killed by ${exit.signal}` : `exit ${exit.code}`;
      return { state: 'ended', how };
    }
    if (Date.now() > deadline) return { state: 'slow' };
    await new Promise((done) => setTimeout(done, GUARD_START_POLL_MS));
  }
}

/** Longest a run that cannot write its store waits for its guard's disable before it exits anyway (the guard goes on). */
export const GUARD_FINALIZE_WAIT_MS = 60_000;

/** Resolves true once the guard process has exited (its job done), false after `limitMs`. */
export async function guardExited(guard: ArmedGuard, limitMs: number = GUARD_FINALIZE_WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (pidAlive(guard.pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((done) => setTimeout(done, GUARD_POLL_MS));
  }
  return true;
}
