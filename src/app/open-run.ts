// A new run on a database that already has an open run never blocks silently: depending on
// `on-open-run` it fails naming the next action that fits the open run's status, resumes the
// open run instead, or abandons it when that is safe (docs/operations.md).
import { abandonRun, mayHaveLeftDbDown, mayHoldQuietPoint } from '../engine/engine.js';
import { isInterrupted } from '../engine/run-activity.js';
import { stateName } from '../engine/run-status.js';
import { OeflowError } from '../errors.js';
import type { OnOpenRun } from '../config/keys.js';
import type { RunRow, Store } from '../store/index.js';

/** The command an operator runs next for an open run, by its status. */
export function nextActionFor(store: Store, run: RunRow): string {
  const id = run.runId;
  switch (run.status) {
    case 'needs-decision':
      return `check the database by hand, then \`oeflow resolve ${id} --as done|not-done --reason "…"\` and \`oeflow resume ${id}\` (or \`oeflow abandon ${id} --reason "…"\`)`;
    case 'aborted':
      return `\`oeflow resume ${id}\` to finish it, or \`oeflow abandon ${id} --reason "…"\` to close it`;
    case 'failed':
      return `read \`oeflow show ${id}\`; \`oeflow resume ${id} --retry\` if the roll forward may be retried, else \`oeflow abandon ${id} --reason "…"\``;
    default:
      return isInterrupted(store, run)
        ? `its process is gone: \`oeflow resume ${id}\` to finish it, or \`oeflow abandon ${id} --reason "…"\` to close it`
        : `wait for it to finish (pid ${run.pid} on ${run.host})`;
  }
}

/** OEF-040 for an open run, with the next action for its status. */
export function openRunError(store: Store, run: RunRow): OeflowError {
  const status = isInterrupted(store, run) ? 'interrupted' : run.status;
  return new OeflowError(
    'OEF-040',
    `database ${run.db} has an open run ${run.runId} (${status} in ${stateName(run.stateValue)})`,
    {
      hint: nextActionFor(store, run).replace(/^./, (c) => c.toUpperCase()),
      details: { holder: run.runId, status, state: stateName(run.stateValue), next: nextActionFor(store, run) },
    },
  );
}

export type OpenRunDecision =
  { action: 'start' } | { action: 'resume'; run: RunRow } | { action: 'abandoned'; run: RunRow; then: 'start' };

/**
 * What to do about the open run of `db` before a new run starts. Throws OEF-040 (`fail`, or when
 * the policy cannot apply); `abandon-if-safe` abandons (journaled) only an interrupted or aborted
 * run that cannot hold a quiet point and cannot have left the database shut down.
 */
export function decideOpenRun(store: Store, db: string, policy: OnOpenRun, operator: string): OpenRunDecision {
  const open = store.openRunForDb(db);
  if (!open) return { action: 'start' };
  const live = open.status === 'running' && !isInterrupted(store, open);
  if (live || policy === 'fail') throw openRunError(store, open);
  if (policy === 'resume') {
    if (open.status === 'needs-decision' || open.status === 'failed') throw openRunError(store, open); // an operator must decide first
    return { action: 'resume', run: open };
  }
  // abandon-if-safe: never a run that waits for a decision, may hold a quiet point or left the database down
  if (
    open.status === 'needs-decision' ||
    open.status === 'failed' ||
    mayHoldQuietPoint(open) ||
    mayHaveLeftDbDown(open)
  )
    throw openRunError(store, open);
  abandonRun(store, { runId: open.runId, reason: 'on-open-run = abandon-if-safe: a new run starts', operator });
  return { action: 'abandoned', run: open, then: 'start' };
}
