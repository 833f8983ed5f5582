// Is a run stored as `running` really being driven by a process? A run whose process was
// killed, crashed, or that an operator resolved keeps status `running` in the store (the next
// `oeflow resume` continues it); readers report it as interrupted so nobody waits for it.
import { staleOnThisHost } from '../openedge/liveness.js';
import type { Store } from '../store/index.js';

/**
 * True when `run` has status `running` but no live process holds its database lock. A lock held
 * on another host is assumed live (it cannot be checked from here).
 */
export function isInterrupted(store: Store, run: { runId: string; db: string; status: string }): boolean {
  if (run.status !== 'running') return false;
  const lock = store.getLock(run.db);
  if (lock === undefined || lock.runId !== run.runId) return true;
  return staleOnThisHost(lock);
}
