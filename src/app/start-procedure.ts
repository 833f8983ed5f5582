// Start a procedure run the unattended way: apply the on-open-run policy first, then start
// (or resume the open run), and tell the notify hook how it ended, failures included.
import { userInfo } from 'node:os';
import { backupIdFor, resumeRun, startRun, type EngineDeps } from '../engine/engine.js';
import type { RunOutcome } from '../engine/run-driver.js';
import { OeflowError } from '../errors.js';
import type { OnOpenRun } from '../config/keys.js';
import { decideOpenRun } from './open-run.js';
import { eventFor, notify } from './notify.js';

type StartOptions = Parameters<typeof startRun>[1];

export interface ProcedureOutcome {
  outcome: RunOutcome;
  /** The open run this command resumed or abandoned instead of/before starting a new one. */
  openRun?: { runId: string; action: 'resumed' | 'abandoned' };
}

/** Run `o` on `o.lockDb` under the open-run policy; the notify hook hears of every ending. */
export async function startProcedure(
  deps: EngineDeps,
  o: StartOptions,
  policy: { onOpenRun: OnOpenRun; notify?: string | undefined },
): Promise<ProcedureOutcome> {
  const { store } = deps;
  let decision: ReturnType<typeof decideOpenRun>;
  try {
    decision = decideOpenRun(store, o.lockDb, policy.onOpenRun, userInfo().username);
  } catch (err) {
    if (err instanceof OeflowError) {
      const holder = typeof err.details['holder'] === 'string' ? err.details['holder'] : undefined;
      await notify(
        policy.notify,
        {
          event: 'open-run',
          db: o.lockDb,
          status: 'failed',
          ...(holder ? { openRunId: holder } : {}),
          error: err.toJSON(),
        },
        store,
        holder,
      );
    }
    throw err;
  }
  let result: ProcedureOutcome;
  try {
    if (decision.action === 'resume')
      result = {
        outcome: await resumeRun(deps, { runId: decision.run.runId }),
        openRun: { runId: decision.run.runId, action: 'resumed' },
      };
    else {
      const outcome = await startRun(deps, o);
      result = {
        outcome,
        ...(decision.action === 'abandoned'
          ? { openRun: { runId: decision.run.runId, action: 'abandoned' as const } }
          : {}),
      };
    }
  } catch (err) {
    if (err instanceof OeflowError)
      await notify(policy.notify, { event: 'failed', db: o.lockDb, status: 'failed', error: err.toJSON() });
    throw err;
  }
  await notifyOutcome(policy.notify, store, result.outcome, {
    db: o.lockDb,
    machineId: o.machineId,
    ...(result.openRun ? { openRun: result.openRun } : {}),
  });
  return result;
}

/** Tell the notify hook how a settled run ended (completion, failure, needs-decision, abort). */
export async function notifyOutcome(
  command: string | undefined,
  store: EngineDeps['store'],
  outcome: RunOutcome,
  o: { db: string; machineId: string; openRun?: ProcedureOutcome['openRun'] },
): Promise<void> {
  const event = eventFor(outcome.status);
  if (!event) return;
  const backupId =
    outcome.status === 'completed' && o.machineId !== 'roll-forward' ? backupIdFor(outcome.runId) : undefined;
  await notify(
    command,
    {
      event,
      runId: outcome.runId,
      db: o.db,
      status: outcome.status,
      state: outcome.state,
      resumable: outcome.resumable,
      ...(backupId ? { backupId } : {}),
      ...(outcome.failure
        ? { error: { code: outcome.failure.code, message: outcome.failure.message, hint: outcome.failure.hint ?? '' } }
        : {}),
      ...(o.openRun ? { openRun: o.openRun } : {}),
    },
    store,
    outcome.runId,
  );
}
