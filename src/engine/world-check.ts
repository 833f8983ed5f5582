// A resume never trusts a world that changed (docs: README "Resume"): before a run resting
// under its quiet point, or after its offline shutdown, goes on from its snapshot, the engine
// looks at the database. Our quiet point no longer held, or the database opened since the
// shutdown, makes the copy in progress invalid: the run starts over from its checks.
import { readFileSync } from 'node:fs';
import { definitionRegistry, runStateHolding, type DefinitionRegistry } from '../../machines/index.js';
import { readGuardRecord, type GuardRecord } from '../guard/guard-record.js';
import { quietPointOfRun, type QuietPointOfRun } from '../guard/quiet-point-log.js';
import { hostBootedAtMs } from '../host-boot.js';
import { dbPaths } from '../openedge/dlc.js';
import { openedEvidence } from '../openedge/opened-since.js';
import { decodeAttempt, type RunRow, type Store } from '../store/index.js';
import { attemptFact } from '../steps/step-facts.js';
import { stateName } from './run-status.js';

function readLg(db: string): string {
  try {
    return readFileSync(dbPaths(db).lgFile, 'utf8');
  } catch {
    return '';
  }
}

/** The run's latest quiet point as the `.lg` tells it, and what its guard recorded; null when it never asked for one. */
export function quietPointOfLatestEnable(
  store: Store,
  run: Pick<RunRow, 'runId' | 'db'>,
): { found: QuietPointOfRun; askedAt: string; attempt: number; guard: GuardRecord | null } | null {
  const enable = store
    .attempts(run.runId)
    .filter((a) => a.stepId === 'quietEnable')
    .map(decodeAttempt)
    .at(-1);
  const askedAt = enable?.intent.at ?? undefined;
  if (enable === undefined || askedAt === undefined) return null;
  return {
    found: quietPointOfRun(readLg(run.db), Date.parse(askedAt)),
    askedAt,
    attempt: enable.attempt,
    guard: readGuardRecord(store.path, run.runId),
  };
}

export interface WorldCheck {
  /** What was looked at and found (journaled). */
  found: Record<string, unknown>;
  /** Why the snapshot cannot be trusted; null when it can. */
  changed: string | null;
  /** The run still holds its quiet point since this time: a new guard adopts it. */
  adoptQuietPointSinceMs?: number;
}

/**
 * Check the world a resumed run's snapshot assumes, as its state's meta declares it (machines/
 * state-meta.ts): raising or under a quiet point, or under a shutdown; null when its state
 * assumes nothing checkable. Leaving states (the disable, the restart) assume nothing: their
 * step is safe to run whatever the world.
 */
export function checkWorld(
  store: Store,
  run: RunRow,
  definitions: DefinitionRegistry = definitionRegistry,
  bootedAtMs: number = hostBootedAtMs(),
): WorldCheck | null {
  const state = stateName(run.stateValue);
  const holding = runStateHolding(definitions, run);
  if (holding?.condition === 'quiet-point' && holding.phase !== 'leaving') {
    const qp = quietPointOfLatestEnable(store, run);
    if (qp === null) return null;
    const found = { state, quietPoint: qp.found, askedAt: qp.askedAt, guard: qp.guard };
    // The log still reads "held" after an OS crash: the broker died without a line. But the OS
    // restarted since the enable, so the quiet point is gone, and the database may hold writes
    // made after a disable whose journal rows and log line the crash lost (docs/architecture.md §5.9).
    // A clock stepped back after the boot can only make the run start over: the safe side.
    if (qp.found.state === 'held' && bootedAtMs > qp.found.enabledAtMs)
      return {
        found: { ...found, hostBootedAt: new Date(bootedAtMs).toISOString() },
        changed: `the host restarted (${new Date(bootedAtMs).toISOString()}) after the run's quiet point was enabled (${qp.found.enabledAt}), and no quiet point survives its broker: a copy taken from here would not be consistent; the run starts again with a new quiet point`,
      };
    if (qp.found.state === 'held')
      return {
        found,
        changed: null,
        ...(holding.phase === 'held' ? { adoptQuietPointSinceMs: Date.parse(qp.askedAt) } : {}),
      };
    // in quietEnable and never enabled: the step's own reconcile decides (not done: ask again)
    if (qp.found.state === 'never-enabled' && holding.phase === 'entering') return { found, changed: null };
    const why =
      qp.found.state === 'released'
        ? `the run's quiet point (enabled ${qp.found.enabledAt}) was ${qp.found.how} at ${qp.found.releasedAt}${qp.guard?.outcome === 'disabled' ? ' by its guard' : ''}`
        : 'the log shows no quiet point of this run';
    return {
      found,
      changed: `${why}: a copy taken from here would not be consistent; the run starts again with a new quiet point`,
    };
  }
  // the shutdown's own reconcile decides while it is in doubt
  if (holding?.condition === 'database-down' && holding.phase === 'held') {
    const shutdown = store
      .attempts(run.runId)
      .filter((a) => a.stepId === 'shutdown' && a.outcome !== null && a.outcome !== 'error')
      .map(decodeAttempt)
      .at(-1);
    const since = attemptFact(shutdown?.output?.facts, 'shutdown', 'shutdownAt') ?? shutdown?.intent.at ?? undefined;
    if (since === undefined) return null;
    const opened = openedEvidence(run.db, Date.parse(since));
    const found = { state, downSince: since, opened };
    if (opened === null) return { found, changed: null };
    return {
      found,
      changed: `the database was opened after the run shut it down (${opened.sessions.map((s) => `${s.text} at ${s.at}`).join('; ') || 'a .lk file exists'}): a copy taken from here would not be the database the run shut down; the run starts again from its checks`,
    };
  }
  return null;
}
