// Run lifecycle (docs/architecture.md §6): start a procedure, resume it, record operator
// decisions. Owns the lock, the run row and the wiring of steps, tools and store.
import { hostname, userInfo } from 'node:os';
import type { AnyStateMachine, Snapshot } from 'xstate';
import type { ProcedureInput } from '../../machines/contract.js';
import { awaitingDecisionOf } from '../../machines/decision-state.js';
import {
  definitionFor,
  definitionRegistry,
  machineHash,
  machines,
  runStateHolding,
  versionsShipping,
  type DefinitionRegistry,
  type MachineId,
} from '../../machines/index.js';
import { OeflowError } from '../errors.js';
import { createTools } from '../openedge/create-tools.js';
import type { ToolResult } from '../openedge/types.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import { steps } from '../steps/index.js';
import type { CatalogEntry } from '../steps/step.js';
import { decodeAttempt, decodeCommand, decodeRunError, sha256Hex, type RunRow, type Store } from '../store/index.js';
import { pidAlive, staleOnThisHost } from '../openedge/liveness.js';
import { acquireDbLock } from './lock.js';
import { createQuietGuardControl, type QuietGuardControl } from './quiet-guard-control.js';
import { leftoverUtilities, waitForLeftovers } from './leftover-utilities.js';
import type { Reporter } from './reporter.js';
import type { ProcessMark } from './run-marker.js';
import { driveRun, type DriveOptions, type RunOutcome } from './run-driver.js';
import { checkWorld, quietPointOfLatestEnable } from './world-check.js';
import { stateName } from './run-status.js';
import { OEFLOW_VERSION } from '../version.js';

export interface EngineDeps {
  store: Store;
  dlc: string;
  reporter: Reporter;
  abortSignal?: AbortSignal;
  /** The database's startup parameters (-Passphrase, -cpinternal, -cpstream, -T) every utility call takes. */
  utilityParams?: UtilityParams;
  /** Where a resumed run's definition is found by its recorded hash (default: the shipped ones). */
  definitions?: DefinitionRegistry;
}

export const DEFAULT_MAX_QUIET_MS = 5 * 60_000;

import { backupIdFor, newRunId } from './run-ids.js';

export { backupIdFor, newRunId };

function stepDeps(deps: EngineDeps, run: { runId: string; db: string; maxQuietMs: number }) {
  return {
    steps,
    quietGuard: createQuietGuardControl({
      store: deps.store,
      runId: run.runId,
      db: run.db,
      dlc: deps.dlc,
      maxQuietMs: run.maxQuietMs,
    }),
    toolsFor: (
      record: (r: ToolResult) => void,
      spawned: (s: { pid: number; argv: string[]; spawnId?: string }) => void,
      markSpawn: () => ProcessMark,
      // the step actor decides whether the rows owed an fsync are made durable before a utility
      // starts (step-actor.ts, journalDurableBeforeSpawn; docs/architecture.md §5.9)
      beforeSpawn: () => void,
    ) =>
      createTools({
        dlc: deps.dlc,
        onResult: record,
        onSpawn: spawned,
        beforeSpawn,
        markSpawn,
        ...(deps.utilityParams ? { params: deps.utilityParams } : {}),
      }),
    // Idempotent on backupId: a recordBackup re-run after a crash finds its own row.
    catalog: (e: CatalogEntry) =>
      deps.store.getBackup(e.backupId) ??
      deps.store.addBackup({
        backupId: e.backupId,
        db: e.db,
        kind: e.kind,
        destination: e.destination,
        manifestDigest: e.manifestDigest,
        pairedAiSeq: e.pairedAiSeq,
        dbIdentity: e.dbIdentity,
        startedAt: e.startedAt,
        completedAt: e.completedAt,
        runId: e.details.runId,
        details: e.details,
      }),
  };
}

/** Refuse a second open run on a database that has one waiting for an operator. */
function refuseIfOpenRun(store: Store, db: string): void {
  const open = store.openRunForDb(db);
  if (open) {
    throw new OeflowError('OEF-040', `database ${db} has an open run ${open.runId} (${open.status})`, {
      hint: `Resume it with \`oeflow resume ${open.runId}\` (or resolve it) before starting another run.`,
      details: { holder: open.runId, status: open.status },
    });
  }
}

/** Start a procedure run and drive it until it settles. */
export async function startRun(
  deps: EngineDeps,
  o: {
    machineId: MachineId;
    kind: string;
    lockDb: string;
    input: ProcedureInput;
    runId?: string;
    maxQuietMs?: number;
    notes?: readonly Record<string, unknown>[];
  },
): Promise<RunOutcome> {
  const { store } = deps;
  const machine = machines[o.machineId];
  const runId = o.runId ?? newRunId();
  refuseIfOpenRun(store, o.lockDb);
  // The run row exists before the lock is taken: a stale lock's takeover is journaled on it,
  // and a refused start stays on record (failed, not resumable) for the audit trail.
  store.createRun({
    runId,
    machineId: o.machineId,
    machineHash: machineHash(machine, sha256Hex),
    db: o.lockDb,
    kind: o.kind,
    input: { ...o.input, maxQuietMs: o.maxQuietMs ?? DEFAULT_MAX_QUIET_MS, oeflowVersion: OEFLOW_VERSION },
    host: hostname(),
    pid: process.pid,
    osUser: userInfo().username,
  });
  // what was prepared for the run before it existed (e.g. decompressed AI archives), on its record
  for (const data of o.notes ?? []) store.appendJournal(runId, { kind: 'note', data });
  try {
    acquireDbLock(store, o.lockDb, runId);
  } catch (err) {
    const failure = err instanceof OeflowError ? err.toJSON() : String(err);
    store.changeStatus(
      runId,
      'failed',
      { error: failure, resumable: false, ended: true },
      { kind: 'run-ended', data: { status: 'failed', resumable: false, state: null, failure } },
    );
    throw err;
  }
  deps.reporter({ type: 'run', runId, machineId: o.machineId, db: o.lockDb, resumed: false });
  const run = store.getRun(runId)!;
  return guarded(store, o.lockDb, runId, () =>
    driveRun({
      // the stored input (with maxQuietMs), as a resumed run gets it
      store,
      runId,
      db: o.lockDb,
      machine,
      input: run.input as ProcedureInput,
      runStartedAt: run.createdAt,
      reporter: deps.reporter,
      deps: stepDeps(deps, { runId, db: o.input.db, maxQuietMs: o.maxQuietMs ?? DEFAULT_MAX_QUIET_MS }),
      maxQuietMs: o.maxQuietMs ?? DEFAULT_MAX_QUIET_MS,
      ...(deps.abortSignal ? { abortSignal: deps.abortSignal } : {}),
    }),
  );
}

/** Release the lock if driving the run throws before it settles (the run stays resumable). */
async function guarded(store: Store, db: string, runId: string, drive: () => Promise<RunOutcome>): Promise<RunOutcome> {
  try {
    return await drive();
  } catch (err) {
    try {
      store.releaseLock(db, runId);
    } catch {
      /* store failing: a stale lock is taken over later */
    }
    throw err;
  }
}

/** Find the run to resume: by id, or the open run of a database. */
export function findResumable(store: Store, by: { runId?: string; db?: string }): RunRow {
  const run =
    by.runId !== undefined ? store.getRun(by.runId) : by.db !== undefined ? store.openRunForDb(by.db) : undefined;
  if (!run) {
    if (by.runId !== undefined) throw new OeflowError('OEF-030', `no run ${by.runId} in this store`);
    throw new OeflowError('OEF-033', `no open run for database ${by.db ?? '?'}`, {
      details: { ...(by.db ? { db: by.db } : {}) },
    });
  }
  return run;
}

/** Resume a run from its last committed snapshot; in-doubt steps are reconciled by the step actor. */
export async function resumeRun(
  deps: EngineDeps,
  o: { runId?: string; db?: string; retry?: boolean },
): Promise<RunOutcome> {
  const { store } = deps;
  const run = findResumable(store, o);
  refuseIfDriven(store, run);
  if (run.status === 'completed' || (run.status === 'failed' && !run.resumable)) {
    throw new OeflowError('OEF-031', `run ${run.runId} is ${run.status} and cannot resume`, {
      details: { runId: run.runId },
    });
  }
  // A run continues on the definition it started under (machines/versions), never on a
  // changed one: one run, one definition, so a replay reproduces it.
  const registry = deps.definitions ?? definitionRegistry;
  const ranUnder = definitionFor(registry, run.machineId, run.machineHash);
  if (!ranUnder) {
    const versions = versionsShipping(registry, run.machineId, run.machineHash);
    const which = versions.length ? `oeflow ${versions.join(' or ')}` : 'the oeflow version that started it';
    throw new OeflowError(
      'OEF-032',
      `run ${run.runId} started under a ${run.machineId} definition (${run.machineHash.slice(0, 16)}…) this oeflow does not carry`,
      {
        hint: `Resume it with ${which}, or abandon it (\`oeflow abandon ${run.runId} --reason …\`) and start a new run.`,
        details: { machineId: run.machineId, machineHash: run.machineHash, oeflowVersions: versions },
      },
    );
  }
  const machine = ranUnder.machine;
  const state = stateName(run.stateValue);
  let sendOnStart: DriveOptions['sendOnStart'];
  if (run.status === 'aborted') sendOnStart = { type: 'RESUME' };
  else if (run.status === 'failed') {
    if (!o.retry) {
      throw new OeflowError(
        'OEF-053',
        `run ${run.runId} halted in ${state}: ${decodeRunError(run.error)?.message ?? 'a step failed'}`,
        { details: { runId: run.runId } },
      );
    }
    refuseOperatorRetry(store, run);
    sendOnStart = { type: 'RETRY' };
  }
  // what the killed run left running (utilities, site commands, its quiet-point guard) ends first
  await waitForLeftovers(store.journal(run.runId), run.runId, deps.reporter);
  acquireDbLock(store, run.db, run.runId);
  store.changeStatus(
    run.runId,
    'running',
    { resumable: true },
    {
      kind: 'note',
      data: { resumedBy: { host: hostname(), pid: process.pid }, retry: Boolean(o.retry), fromStatus: run.status },
    },
  );
  deps.reporter({ type: 'run', runId: run.runId, machineId: run.machineId, db: run.db, resumed: true });
  const input = run.input as ProcedureInput & { maxQuietMs?: number };
  const maxQuietMs = input.maxQuietMs ?? DEFAULT_MAX_QUIET_MS;
  const wired = stepDeps(deps, { runId: run.runId, db: input.db, maxQuietMs });
  if (sendOnStart === undefined && run.status === 'running') {
    const changed = recheckWorld(store, run, registry, wired.quietGuard, deps.reporter);
    if (changed !== null) sendOnStart = { type: 'WORLD_CHANGED', reason: changed };
  }
  sendOnStart ??= leaveAwaitingDecision(store, run, machine);
  return guarded(store, run.db, run.runId, () =>
    driveRun({
      store,
      runId: run.runId,
      db: run.db,
      machine,
      input,
      runStartedAt: run.createdAt,
      reporter: deps.reporter,
      deps: wired,
      snapshot: run.snapshot as Snapshot<unknown>,
      maxQuietMs,
      ...(sendOnStart ? { sendOnStart } : {}),
      ...(deps.abortSignal ? { abortSignal: deps.abortSignal } : {}),
    }),
  );
}

/**
 * A run resting in a step's awaiting-decision state (machines/decision-state.ts) leaves it with the
 * operator's decision journaled since (`oeflow resolve`): DECIDED; without one, RESUME goes back to
 * the step, whose actor reconciles again (the world may tell now) or waits again.
 */
export function leaveAwaitingDecision(
  store: Store,
  run: RunRow,
  machine: AnyStateMachine,
): DriveOptions['sendOnStart'] | undefined {
  const step = awaitingDecisionOf(machine, run.stateValue);
  if (step === null) return undefined;
  // the attempt in doubt is the run's last: nothing ran after it
  const last = store.attempts(run.runId).at(-1);
  const ofStep = last !== undefined && last.stepKey.split('#')[0] === step;
  if (ofStep && last.outcome === 'decided-done') return { type: 'DECIDED', as: 'done' };
  if (ofStep && last.outcome === 'decided-not-done') return { type: 'DECIDED', as: 'not-done' };
  return { type: 'RESUME' };
}

/**
 * `resume --retry` of a halted run: the step whose failure halted it (the run's last failed
 * attempt) says whether running it again could do harm (Step.refuseOperatorRetry), e.g. a roll
 * forward that failed on a file that does not belong (src/steps/roll-forward-retry-guard.ts).
 */
function refuseOperatorRetry(store: Store, run: RunRow): void {
  const attempts = store.attempts(run.runId).map(decodeAttempt);
  const halted = attempts.filter((a) => a.outcome === 'error').at(-1);
  const step = halted === undefined ? undefined : steps[halted.stepId];
  const refusal = step?.refuseOperatorRetry?.({
    runId: run.runId,
    db: run.db,
    attempts: attempts.map((a) => ({ stepId: a.stepId, stepKey: a.stepKey, at: a.intent.at })),
    commands: store.commands(run.runId).map(decodeCommand),
  });
  if (refusal)
    throw new OeflowError(refusal.code, refusal.message, refusal.hint === undefined ? {} : { hint: refusal.hint });
}

/** One driver per run: a run whose process lives (here, or on another host) is refused before anything else. */
function refuseIfDriven(store: Store, run: RunRow): void {
  const lock = store.getLock(run.db);
  if (lock === undefined || lock.runId !== run.runId || staleOnThisHost(lock)) return;
  throw new OeflowError('OEF-040', `run ${run.runId} is still being driven by pid ${lock.pid} on ${lock.host}`, {
    hint:
      lock.host === hostname()
        ? `Let it finish, or stop it with \`kill -INT ${lock.pid}\` (it stops safely), then resume.`
        : `It runs on ${lock.host}: let it finish there, or stop it there, then resume.`,
    details: { holder: run.runId, pid: lock.pid, host: lock.host, since: lock.acquiredAt },
  });
}

/**
 * Before an interrupted run goes on from its snapshot, check the world it assumes (world-check.ts)
 * and journal what was found. A changed world closes the steps left in doubt (their work is void)
 * and returns why, for WORLD_CHANGED; a quiet point still held gets a new guard.
 */
function recheckWorld(
  store: Store,
  run: RunRow,
  definitions: DefinitionRegistry,
  guard: QuietGuardControl,
  reporter: Reporter,
): string | null {
  const check = checkWorld(store, run, definitions);
  if (check === null) return null;
  store.appendJournal(run.runId, { kind: 'note', data: { worldCheck: { ...check.found, changed: check.changed } } });
  if (check.changed === null) {
    if (check.adoptQuietPointSinceMs !== undefined) {
      const enable = store
        .attempts(run.runId)
        .filter((a) => a.stepId === 'quietEnable')
        .at(-1);
      guard.arm(enable?.stepKey ?? 'quietEnable', enable?.attempt ?? 1, check.adoptQuietPointSinceMs);
    }
    return null;
  }
  for (const open of store.attempts(run.runId).filter((a) => a.outcome === null)) {
    store.recordResult(run.runId, {
      stepKey: open.stepKey,
      attempt: open.attempt,
      outcome: 'error',
      error: { kind: 'failed', code: 'OEF-055', message: `void: ${check.changed}` },
    });
  }
  reporter({ type: 'notice', runId: run.runId, message: check.changed });
  return check.changed;
}

/** Record an operator decision on the in-doubt step of a run that needs one. */
export function resolveRun(
  store: Store,
  o: { runId: string; as: 'done' | 'not-done'; reason: string; operator: string },
): { runId: string; stepKey: string; attempt: number; decision: string } {
  const run = findResumable(store, { runId: o.runId });
  if (run.status !== 'needs-decision')
    throw new OeflowError('OEF-034', `run ${o.runId} is ${run.status}, not needs-decision`);
  const open = store.attempts(o.runId).filter((a) => a.outcome === null);
  const target = open[open.length - 1];
  if (!target) throw new OeflowError('OEF-034', `run ${o.runId} has no in-doubt step`);
  store.recordResult(o.runId, {
    stepKey: target.stepKey,
    attempt: target.attempt,
    outcome: o.as === 'done' ? 'decided-done' : 'decided-not-done',
    output: { facts: {}, decision: { as: o.as, reason: o.reason, operator: o.operator, at: new Date().toISOString() } },
    runStatus: 'running',
  });
  return { runId: o.runId, stepKey: target.stepKey, attempt: target.attempt, decision: o.as };
}

/** What the meta readers need of a run: its definition (id and hash) and the state it rests in. */
type RunState = Pick<RunRow, 'machineId' | 'machineHash' | 'stateValue'>;

/** True when the run (e.g. an offline backup stopped between shutdown and restart) may have left its database shut down (state meta). */
export function mayHaveLeftDbDown(run: RunState, definitions: DefinitionRegistry = definitionRegistry): boolean {
  return runStateHolding(definitions, run)?.condition === 'database-down';
}

/** True when the run rests where a quiet point may still be enabled (state meta): it must be resumed, not abandoned. */
export function mayHoldQuietPoint(run: RunState, definitions: DefinitionRegistry = definitionRegistry): boolean {
  return runStateHolding(definitions, run)?.condition === 'quiet-point';
}

/**
 * Close an open run that will not be resumed (an operator decision, journaled), so a new run may
 * start on its database. Refused while the run's process lives, and in a quiet-point state unless
 * the quiet point is known down (its guard finished and the .lg shows it released or never
 * enabled); reports when an offline backup may have left the database shut down.
 */
export function abandonRun(
  store: Store,
  o: { runId: string; reason: string; operator: string },
  definitions: DefinitionRegistry = definitionRegistry,
): { runId: string; state: string; warning: string | null } {
  const run = findResumable(store, { runId: o.runId });
  if (run.status === 'completed' || (run.status === 'failed' && !run.resumable)) {
    throw new OeflowError('OEF-031', `run ${run.runId} is ${run.status}: nothing to abandon`, {
      hint: 'A completed or closed run holds nothing; `oeflow show <run-id>` shows how it ended.',
      details: { runId: run.runId },
    });
  }
  const lock = store.getLock(run.db);
  if (lock && lock.runId === run.runId && lock.host === hostname() && pidAlive(lock.pid)) {
    throw new OeflowError('OEF-040', `run ${run.runId} is still running (pid ${lock.pid})`, {
      hint: 'Stop it with Ctrl-C (SIGINT) first.',
    });
  }
  const state = stateName(run.stateValue);
  let quietPoint: unknown = null;
  if (mayHoldQuietPoint(run, definitions)) {
    const left = leftoverUtilities(store.journal(run.runId));
    const qp = quietPointOfLatestEnable(store, run);
    quietPoint = qp === null ? null : { ...qp.found, askedAt: qp.askedAt, guard: qp.guard };
    if (left.length > 0 || qp?.found.state === 'held') {
      throw new OeflowError(
        'OEF-035',
        `run ${run.runId} rests in ${state}: ${left.length > 0 ? `what it started still runs (${left.map((u) => `pid ${u.pid}`).join(', ')})` : `its quiet point (enabled ${qp?.found.state === 'held' ? qp.found.enabledAt : '?'}) is still up`}`,
      );
    }
  }
  const warning = mayHaveLeftDbDown(run, definitions)
    ? `the database ${run.db} may still be shut down: start it with proserve if it should run`
    : null;
  store.changeStatus(
    run.runId,
    'failed',
    { error: { code: 'OEF-052', message: `abandoned by ${o.operator}: ${o.reason}` }, resumable: false, ended: true },
    {
      kind: 'decision',
      data: {
        abandoned: true,
        reason: o.reason,
        operator: o.operator,
        at: new Date().toISOString(),
        state,
        ...(quietPoint === null ? {} : { quietPoint }),
      },
    },
  );
  if (lock && lock.runId === run.runId) store.releaseLock(run.db, run.runId);
  return { runId: run.runId, state, warning };
}
