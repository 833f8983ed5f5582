// The run's side of its quiet-point guard (src/guard/): armed by quietEnable right before
// `proquiet enable`, journaled like a utility (a resume waits for a guard still finishing its
// job), released by quietDisable and, whatever happens, when the run stops driving.
import {
  armQuietGuard,
  guardExited,
  guardStarted,
  releaseQuietGuard,
  type ArmedGuard,
  type GuardRelease,
  type GuardStart,
} from '../guard/quiet-guard.js';
import type { Store } from '../store/index.js';
import { crashPoint } from './crash-points.js';
import { spawnNote } from './leftover-utilities.js';
import { processMark } from './run-marker.js';

export interface QuietGuardControl {
  /** Start the guard of the quiet point this run is about to ask for (or, on resume, still holds since `sinceMs`). */
  arm(stepKey: string, attempt: number, sinceMs?: number): void;
  /** Whether the guard armed last is watching yet (guard/quiet-guard.ts guardStarted). */
  started(): Promise<GuardStart>;
  /** finalize: the run is done with its quiet point; stand-down: the one up is not the run's. No-op when not armed. */
  release(how: GuardRelease): void;
  /**
   * finalize, then wait until the guard has done its job and exited: a run whose store fails
   * under its quiet point must not exit before the quiet point is down (issue 8). True when
   * no guard was armed or it exited in time.
   */
  finalizeAndWait(): Promise<boolean>;
}

export function createQuietGuardControl(o: {
  store: Store;
  runId: string;
  db: string;
  dlc: string;
  maxQuietMs: number;
}): QuietGuardControl {
  let armed: ArmedGuard | null = null;
  let finalizing: Promise<boolean> | null = null;
  return {
    arm(stepKey, attempt, sinceMs) {
      if (armed) releaseQuietGuard(armed, 'finalize');
      finalizing = null; // a new quiet point, a new guard to wait for
      const mark = processMark(o.runId, stepKey, attempt);
      armed = armQuietGuard({
        env: mark.env,
        runId: o.runId,
        db: o.db,
        dlc: o.dlc,
        storePath: o.store.path,
        maxQuietMs: o.maxQuietMs,
        ...(sinceMs === undefined ? {} : { sinceMs }),
      });
      crashPoint('after-spawn', stepKey);
      // journaled like a utility's spawn (no command row ever matches it): a resume waits for it
      o.store.appendJournal(o.runId, {
        kind: 'note',
        stepKey,
        attempt,
        data: {
          ...spawnNote(armed.pid, [armed.argv[0]!, o.runId], mark.spawnId),
          quietGuard: { recordFile: armed.recordFile },
        },
      });
    },
    started() {
      return armed === null ? Promise.resolve({ state: 'ended', how: 'no guard was armed' }) : guardStarted(armed);
    },
    release(how) {
      if (!armed) return;
      releaseQuietGuard(armed, how);
      armed = null;
    },
    finalizeAndWait() {
      // a second call (the store failed, then the run stopped) waits for the same guard
      if (finalizing) return finalizing;
      if (!armed) return Promise.resolve(true);
      const guard = armed;
      releaseQuietGuard(guard, 'finalize');
      armed = null;
      finalizing = guardExited(guard);
      return finalizing;
    },
  };
}
