// One open run per database (docs/architecture.md §5.4): a lock row with host and pid; a lock whose pid
// is dead on this host is stale and taken over, and the takeover is journaled.
import { hostname } from 'node:os';
import { OeflowError } from '../errors.js';
import { staleOnThisHost } from '../openedge/liveness.js';
import type { Store } from '../store/index.js';

/** Take the database lock for a run, taking over a stale one; refuse a live holder (OEF-040). */
export function acquireDbLock(store: Store, db: string, runId: string): void {
  const me = { db, runId, host: hostname(), pid: process.pid };
  for (let tries = 0; tries < 3; tries++) {
    const got = store.tryAcquireLock(me);
    if (got.acquired) return;
    const holder = got.holder;
    if (staleOnThisHost(holder)) {
      if (store.takeOverLock({ ...me, expected: holder })) return;
      continue; // someone else took it over first: look again
    }
    throw new OeflowError(
      'OEF-040',
      `database ${db} is locked by run ${holder.runId} (pid ${holder.pid} on ${holder.host})`,
      {
        details: { holder: holder.runId, pid: holder.pid, host: holder.host, since: holder.acquiredAt },
      },
    );
  }
  throw new OeflowError('OEF-040', `could not take the lock on ${db}: it changed hands repeatedly`);
}
