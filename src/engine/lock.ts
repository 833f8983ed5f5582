// One open run per database (DESIGN §4): a lock row with host and pid; a lock whose pid
// is dead on this host is stale and taken over, and the takeover is journaled.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { OeflowError } from '../errors.js';
import type { Store } from '../store/index.js';

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

/** Take the database lock for a run, taking over a stale one; refuse a live holder (OEF-040). */
export function acquireDbLock(store: Store, db: string, runId: string): void {
  const me = { db, runId, host: hostname(), pid: process.pid };
  for (let tries = 0; tries < 3; tries++) {
    const got = store.tryAcquireLock(me);
    if (got.acquired) return;
    const holder = got.holder;
    if (holder.runId === runId && holder.host === me.host && !pidAlive(holder.pid)) {
      if (store.takeOverLock({ ...me, expected: holder })) return;
      continue;
    }
    const stale = holder.host === me.host && !pidAlive(holder.pid);
    if (stale) {
      if (store.takeOverLock({ ...me, expected: holder })) return;
      continue;
    }
    throw new OeflowError('OEF-040', `database ${db} is locked by run ${holder.runId} (pid ${holder.pid} on ${holder.host})`, {
      details: { holder: holder.runId, pid: holder.pid, host: holder.host, since: holder.acquiredAt },
    });
  }
  throw new OeflowError('OEF-040', `could not take the lock on ${db}: it changed hands repeatedly`);
}
