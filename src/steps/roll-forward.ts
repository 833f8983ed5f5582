// RF-5 / RF-5r: roll forward one AI file (in proven order), or retry the file a crash
// interrupted. An error exit halts the run: retry is for crashes only (KB P39426).
import { ROLL_FORWARD_FAILURES } from '../openedge/messages.js';
import type { RollForwardLogState } from '../openedge/types.js';
import { busyState, messageSummary } from './probes.js';
import { rollForwardFailure } from './rf-failure.js';
import { failure, fail, StepFailureError, type Reconciliation, type Step, type StepEnv } from './step.js';

interface Probe { busy: string; log: RollForwardLogState }

/** The AI file this visit applies: the proven list, at the machine's aiIndex. */
function currentFile(env: StepEnv): string {
  const file = (env.ctx.input.aiFiles ?? [])[env.ctx.aiIndex];
  if (file === undefined) fail('failed', 'OEF-002', `no AI file at index ${env.ctx.aiIndex}`);
  return file;
}

async function probe(env: StepEnv): Promise<Probe> {
  const db = env.ctx.input.db;
  return { busy: await busyState(env, db), log: await env.tools.rollForwardLog(db) };
}

function makeRun(retry: boolean) {
  return async (env: StepEnv) => {
    const file = currentFile(env);
    // --until applies to every file: rfutil keeps the transactions that ended before it
    // and says 17923 in the file where it found the endtime; the machine stops there.
    const until = env.ctx.input.until;
    const r = await env.tools.rollForward(env.ctx.input.db, file, { retry, ...(until ? { endtime: until } : {}) });
    if (r.signal !== null && !r.cancelled) {
      // rfutil itself was killed (OOM killer, operator, crash) half way: that is the case
      // roll forward retry exists for, unlike an error exit
      fail('interrupted', 'OEF-213', `roll forward${retry ? ' retry' : ''} of ${file} was killed by ${r.signal}: only roll forward retry on the same file continues it`);
    }
    if (r.exitCode !== 0) throw new StepFailureError(rollForwardFailure({ runId: env.runId, file, retry, result: r, summary: messageSummary(r) }));
    const endtimeLocated = r.messages.some((m) => m.number === 17923);
    return { file, index: env.ctx.aiIndex, retry, appliedAt: new Date().toISOString(), ...(until ? { endtime: until, endtimeLocated } : {}) };
  };
}

/** Decide an in-doubt roll forward from the database log written since the intent. */
function reconcileFromLog(now: Probe, intent: { at: string }, env: StepEnv): Reconciliation {
  const file = currentFile(env);
  const since = Date.parse(intent.at);
  const entries = now.log.files.filter((f) => f.path === file && Date.parse(f.begunAt) >= since);
  const last = entries[entries.length - 1];
  if (last === undefined) return { verdict: 'not-done' };
  if (last.completed) return { verdict: 'done', facts: { file, reconciledFromLog: true } };
  if (last.failedWith.some((n) => ROLL_FORWARD_FAILURES.includes(n))) {
    return { verdict: 'failed', failure: failure('rf-error', 'OEF-053', `roll forward of ${file} failed with ${last.failedWith.join(', ')} (from the database log)`) };
  }
  return { verdict: 'interrupted', why: `roll forward of ${file} began at ${last.begunAt} and did not finish: only roll forward retry on the same file continues it` };
}

const precheck = (p: Probe, env: StepEnv) =>
  p.busy === 'not-in-use' ? null : failure('invariant', 'OEF-211', `${env.ctx.input.db} is in use (${p.busy}): nothing may open the copy during roll forward`);

export const rollForward = {
  id: 'rollForward', title: 'Roll forward an AI file (rfutil -C roll forward)', kb: 'RF-5', effect: 'once',
  probe, precheck, run: makeRun(false), reconcile: reconcileFromLog,
} satisfies Step<Probe>;

export const rollForwardRetry = {
  id: 'rollForwardRetry', title: 'Retry the interrupted roll forward (roll forward retry)', kb: 'RF-5r', effect: 'once',
  probe, precheck, run: makeRun(true), reconcile: reconcileFromLog,
} satisfies Step<Probe>;
