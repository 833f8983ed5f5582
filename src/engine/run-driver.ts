// Drives one run's actor: persists every transition before the next side effect,
// settles the run (completed / failed / aborted / needs-decision), delivers aborts
// once no `once` step is in flight, and runs the --max-quiet watchdog.
import { createActor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type Snapshot } from 'xstate';
import type { ProcedureEvent, ProcedureInput } from '../../machines/contract.js';
import { continuesVisit, hasDecisionState } from '../../machines/decision-state.js';
import type { StepFailure } from '../steps/step.js';
import type { Effect } from '../steps/step.js';
import { decodeJournalEntry, type Store } from '../store/index.js';
import type { Reporter } from './reporter.js';
import { settledStatus, stateName, type RunStatus } from './run-status.js';
import { createStepActor, type StepActorDeps } from './step-actor.js';

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  resumable: boolean;
  state: string;
  failure: StepFailure | null;
  facts: Record<string, unknown>;
}

export interface DriveOptions {
  store: Store;
  runId: string;
  db: string;
  machine: AnyStateMachine;
  input: ProcedureInput;
  runStartedAt: string;
  reporter: Reporter;
  deps: Omit<StepActorDeps, 'control' | 'store' | 'reporter' | 'runInput'>;
  /** Persisted snapshot to restore (resume); absent for a new run. */
  snapshot?: Snapshot<unknown>;
  /** Event to send once restored (RESUME / RETRY / WORLD_CHANGED / DECIDED). */
  sendOnStart?: Exclude<ProcedureEvent, { type: 'ABORT' } | { type: 'WATCHDOG' }>;
  /** Abort trigger (SIGINT/SIGTERM wired by the CLI). */
  abortSignal?: AbortSignal;
  maxQuietMs: number;
}

/** Run (or resume) a machine to a settled status. Resolves; never throws for step failures. */
export function driveRun(o: DriveOptions): Promise<RunOutcome> {
  const { store, runId, reporter } = o;
  let visitSeq = visitStartSeq(store, runId, o.machine);
  let effectInFlight: Effect | null = null;
  let abortReason: string | null = null;
  let abortSent = false;
  let watchdog: NodeJS.Timeout | undefined;
  let settle!: (outcome: RunOutcome) => void;
  let settled = false;
  const done = new Promise<RunOutcome>((resolve) => (settle = resolve));
  const restoring = o.snapshot !== undefined;

  // A write that fails (store locked past busy_timeout, disk full, I/O error) may come under the
  // quiet point: the guard disables it at once, without the store, and the run's later writes
  // fail at once too, so the run stops at its next transition instead of holding production
  // writes for another busy_timeout per write (docs/architecture.md, quiet-point guard).
  const endWatch = store.watchWriteFailure(() => void o.deps.quietGuard.finalizeAndWait());
  // a failing store must not crash the process from a timer: the next write stops the run properly
  const heartbeat = setInterval(() => {
    try {
      store.heartbeat(o.db, runId);
    } catch {
      /* see above */
    }
  }, 5_000);
  heartbeat.unref();

  const finish = (
    status: RunStatus,
    resumable: boolean,
    failure: StepFailure | null,
    snap: AnyMachineSnapshot,
  ): void => {
    if (settled) return;
    settled = true;
    clearInterval(heartbeat);
    if (watchdog) clearTimeout(watchdog);
    o.abortSignal?.removeEventListener('abort', onAbort);
    // the transitions that led here are durable before the guard may act on the database (a
    // failing sync has tripped the store's watch; changeStatus below reports the failure)
    try {
      store.sync();
    } catch {
      /* see above */
    }
    // the run stops driving: its guard makes sure no quiet point of it stays up
    o.deps.quietGuard.release('finalize');
    store.changeStatus(
      runId,
      status,
      { error: failure, resumable, ended: status !== 'running' },
      { kind: 'run-ended', data: { status, resumable, state: snap.value as never, failure } },
    );
    store.releaseLock(o.db, runId);
    endWatch();
    settle({
      runId,
      status,
      resumable,
      state: stateName(snap.value),
      failure,
      facts: (snap.context as { facts: Record<string, unknown> }).facts,
    });
    queueMicrotask(() => actor.stop());
  };

  /** Stop after a store failure: best effort to record it, never throw from here. */
  const finishUnpersisted = (failure: StepFailure): void => {
    if (settled) return;
    settled = true;
    clearInterval(heartbeat);
    if (watchdog) clearTimeout(watchdog);
    o.abortSignal?.removeEventListener('abort', onAbort);
    // the store fails, maybe under the quiet point: the guard disables it now (no store needed),
    // and the run settles (and oeflow exits) only once the guard is done
    const guardDone = o.deps.quietGuard.finalizeAndWait();
    endWatch(); // one more try to record the failure: the lock may have been released since
    try {
      store.setRunStatus(runId, 'running', { error: failure, resumable: true });
      store.releaseLock(o.db, runId);
    } catch {
      /* the store is failing: resume reconciles */
    }
    queueMicrotask(() => actor.stop());
    void guardDone.then((inTime) =>
      settle({
        runId,
        status: 'failed',
        resumable: true,
        state: stateName(previous),
        facts: {},
        failure: inTime
          ? failure
          : {
              ...failure,
              message: `${failure.message} (the quiet-point guard was still disabling the quiet point when oeflow exited: check \`proquiet <db> disable\`)`,
            },
      }),
    );
  };

  const control = {
    runId,
    runStartedAt: o.runStartedAt,
    visitSeq: () => visitSeq,
    holdForAbort: () =>
      abortReason !== null &&
      !abortSent &&
      (actor.getSnapshot() as AnyMachineSnapshot).can({ type: 'ABORT', reason: abortReason }),
    needsDecision: (stepKey: string, why: string, label = stepKey): StepFailure | null => {
      const snap = actor.getSnapshot() as AnyMachineSnapshot;
      const message = `${label} is in doubt: ${why}`;
      reporter({ type: 'notice', runId, message });
      // the machine waits in the step's awaiting-decision state, and the run settles there
      if (hasDecisionState(o.machine, snap.value)) return { kind: 'in-doubt', code: 'OEF-051', message };
      // a definition without one (machines/versions before 0.4.0): the run stops in the step's state
      finish('needs-decision', true, { kind: 'failed', code: 'OEF-051', message }, snap);
      return null;
    },
    // A pending abort is delivered by the inspector after the step's own transition is
    // committed, never before: the step's done/error event must not be lost to ABORT.
    inFlight: (effect: Effect | null) => {
      effectInFlight = effect;
    },
  };

  const machine = o.machine.provide({
    actors: { step: createStepActor({ ...o.deps, store, reporter, control, runInput: o.input }) },
  });
  let previous: unknown = restoring ? (o.snapshot as { value?: unknown }).value : null;
  const actor: AnyActorRef = createActor(machine, {
    input: machineInput(o.input),
    ...(restoring ? { snapshot: o.snapshot } : {}),
    inspect: (ev) => {
      if (ev.type !== '@xstate.snapshot' || ev.actorRef !== actor) return;
      const snap = ev.snapshot as AnyMachineSnapshot;
      if (snap.status !== 'active' && snap.status !== 'done') return;
      // a restored snapshot is already journaled; what it rests in is settled after start
      if (restoring && ev.event.type === 'xstate.init') return;
      let row;
      try {
        // Without an fsync of its own (store/group-commit.ts): no utility or site command acts
        // on the new state before a durable commit or a sync — a `once` step's intent, the sync
        // before a spawn, finish() below — but the quiet point's disable, which an OS crash does
        // too (docs/architecture.md §5.9). An OS crash that loses it resumes from the state
        // before, whose step result (if any survived) is replayed.
        row = store.recordTransition(
          runId,
          { event: ev.event, from: previous, to: snap.value, snapshot: actor.getPersistedSnapshot() },
          { durable: 'with-next' },
        );
      } catch (err) {
        // the transition could not be made durable: stop before any further side effect
        const message = err instanceof Error ? err.message : String(err);
        finishUnpersisted({
          kind: 'failed',
          code: 'OEF-020',
          message: `could not persist the transition to ${stateName(snap.value)}: ${message}`,
        });
        return;
      }
      // entering the step's awaiting-decision state, or coming back from it, is the same visit
      if (!continuesVisit(o.machine, previous, snap.value)) visitSeq = row.seq;
      reporter({ type: 'state', runId, state: stateName(snap.value), event: ev.event.type });
      previous = snap.value;
      armWatchdog(snap);
      const s = settledStatus(snap);
      if (s) finish(s.status, s.resumable, s.failure, snap);
      else if (abortReason !== null) queueMicrotask(deliverAbort);
    },
  });

  function deliverAbort(): void {
    if (settled || abortReason === null || abortSent || effectInFlight === 'once') return;
    const snap = actor.getSnapshot() as AnyMachineSnapshot;
    const event = { type: 'ABORT', reason: abortReason };
    if (!snap.can(event)) return; // e.g. a quiet-point disable finishing first
    abortSent = true;
    actor.send(event);
  }

  function onAbort(): void {
    abortReason = String(o.abortSignal?.reason ?? 'abort requested');
    reporter({
      type: 'notice',
      runId,
      message:
        effectInFlight === 'once'
          ? `abort requested (${abortReason}): waiting for the running once-step to finish`
          : `abort requested (${abortReason})`,
    });
    deliverAbort();
  }

  function armWatchdog(snap: AnyMachineSnapshot): void {
    const guarded = snap.can({ type: 'WATCHDOG', reason: '' });
    if (!guarded) {
      if (watchdog) clearTimeout(watchdog);
      watchdog = undefined;
      return;
    }
    if (watchdog) return;
    const facts = (snap.context as { facts: Record<string, { enabledAt?: string } | undefined> }).facts;
    const since = Date.parse(facts.quietEnable?.enabledAt ?? new Date().toISOString());
    const left = Math.max(0, o.maxQuietMs - (Date.now() - since));
    watchdog = setTimeout(() => {
      reporter({
        type: 'notice',
        runId,
        message: `quiet point held longer than ${o.maxQuietMs} ms: stopping the copy`,
      });
      actor.send({ type: 'WATCHDOG', reason: `quiet point held longer than --max-quiet (${o.maxQuietMs} ms)` });
    }, left);
  }

  if (o.abortSignal) {
    if (o.abortSignal.aborted) onAbort();
    else o.abortSignal.addEventListener('abort', onAbort, { once: true });
  }
  actor.subscribe({
    error: (err: unknown) => {
      const snap = actor.getSnapshot() as AnyMachineSnapshot;
      finish(
        'failed',
        false,
        {
          kind: 'failed',
          code: 'OEF-002',
          message: `machine error: ${err instanceof Error ? err.message : String(err)}`,
        },
        snap,
      );
    },
  });
  actor.start();
  if (restoring) armWatchdog(actor.getSnapshot() as AnyMachineSnapshot);
  if (o.sendOnStart && !settled) actor.send(o.sendOnStart);
  else if (restoring && !settled) {
    // a restored snapshot that already rests in a settled state settles again
    const s = settledStatus(actor.getSnapshot() as AnyMachineSnapshot);
    if (s) finish(s.status, s.resumable, s.failure, actor.getSnapshot() as AnyMachineSnapshot);
  }
  return done;
}

/**
 * The machine's input: the run's input without the AI file list, which steps read from the
 * run's stored input (StepEnv.runInput). The snapshot is persisted after every transition and
 * the step actor's input carries the context, so a list of N paths there would make a run of
 * N files write O(N²) bytes; the machine only needs the count.
 */
export function machineInput(input: ProcedureInput): ProcedureInput {
  if (input.aiFiles === undefined) return input;
  const { aiFiles, ...rest } = input;
  return { ...rest, aiFileCount: aiFiles.length };
}

/**
 * Seq of the transition that began the visit of the state the run rests in (0 when none): the
 * last one journaled, passing over the ways into and back from a step's awaiting-decision
 * state, which continue the visit (the in-doubt attempt still belongs to it).
 */
function visitStartSeq(store: Store, runId: string, machine: AnyStateMachine): number {
  const rows = store.journal(runId);
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i]!.kind !== 'transition') continue;
    const row = decodeJournalEntry(rows[i]!);
    if (row.kind === 'transition' && !continuesVisit(machine, row.data.from, row.data.to)) return row.seq;
  }
  return 0;
}
