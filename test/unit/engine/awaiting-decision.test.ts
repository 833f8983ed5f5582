// The engine's side of "awaiting decision" (machines/decision-state.ts), in-process with a test
// machine and a fake `once` step: a killed attempt that reconcile cannot settle sends the machine
// to the step's awaiting-decision state and the run settles there as needs-decision; after
// `resolve`, the DECIDED event goes back into the step, whose actor replays the decision of the
// same visit (done: no new attempt; not-done: one new attempt); RESUME without a decision
// reconciles again; verify replays it all. A definition without the state (machines/versions
// before 0.4.0) still stops the run in the step's own state.
import { describe, expect, it } from 'vitest';
import { useTempStores } from '../../helpers/temp-store.js';
import { createActor, fromPromise, setup, waitFor, type AnyStateMachine, type Snapshot } from 'xstate';
import type { ProcedureInput, StepInput, StepOutput } from '../../../machines/contract.js';
import { withDecisionStates } from '../../../machines/decision-state.js';
import { machineHash, type DefinitionRegistry } from '../../../machines/index.js';
import {
  clearInDoubt,
  initialContext,
  procedureTypes,
  recordFacts,
  recordFailure,
  recordInDoubt,
  stepPlaceholder,
} from '../../../machines/procedure-setup.js';
import { stepState } from '../../../machines/step-state.js';
import { verifyRun } from '../../../src/audit/verify.js';
import { leaveAwaitingDecision, resolveRun } from '../../../src/engine/engine.js';
import { silentReporter } from '../../../src/engine/reporter.js';
import { driveRun, type DriveOptions, type RunOutcome } from '../../../src/engine/run-driver.js';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { Reconciliation, Step } from '../../../src/steps/step.js';
import { type Store } from '../../../src/store/index.js';
import { inertQuietGuardControl } from '../../helpers/step-env.js';

/** A test procedure: one `once` step that can be left in doubt, as the shipped machines build it. */
function testMachine(canBeInDoubt: boolean): AnyStateMachine {
  return setup({
    types: procedureTypes,
    actors: { step: stepPlaceholder },
    actions: { recordFacts, recordFailure, recordInDoubt, clearInDoubt },
  }).createMachine({
    id: 'test-decision',
    context: initialContext,
    initial: 'aiSwitch',
    states: withDecisionStates({
      aiSwitch: {
        ...stepState({
          stepId: 'aiSwitch',
          stateId: 'aiSwitch',
          kb: 'OFFLINE-4',
          description: 'Switch AI extents',
          canBeInDoubt,
          onDone: [{ target: 'completed' }],
          onError: [{ target: 'failed' }],
        }),
        on: { ABORT: { target: 'aborted' } },
      },
      aborted: { meta: { kb: 'ABORT', status: 'aborted' }, on: { RESUME: { target: 'aiSwitch' } } },
      completed: { type: 'final', meta: { kb: 'END' } },
      failed: { type: 'final', meta: { kb: 'END' } },
    }),
  });
}

/** A fake `once` step: counts its runs; its reconcile answers what the test says. */
function fakeStep(verdict: () => Reconciliation): Step<{ busySeq: number }> & { runs: number } {
  const step = {
    id: 'aiSwitch',
    title: 'Switch AI extents',
    kb: 'OFFLINE-4',
    effect: 'once' as const,
    runs: 0,
    commands: () => [],
    probe: () => Promise.resolve({ busySeq: 7 }),
    run: () => {
      step.runs += 1;
      return Promise.resolve({ switchedTo: 8 });
    },
    reconcile: () => verdict(),
  };
  return step;
}

const input: ProcedureInput = { procedure: 'offline-backup', db: '/db/sports', destination: '/backup' };
const tempStore = useTempStores();
let store: Store;

/**
 * A run killed during the step's command: its snapshot rests in aiSwitch, the transition into it
 * and the attempt's intent are journaled, the result is not.
 */
function killedRun(machine: AnyStateMachine): void {
  ({ store } = tempStore('oeflow-decision-'));
  store.createRun({
    runId: 'run-1',
    machineId: 'test-decision',
    machineHash: machineHash(machine),
    db: '/db/sports',
    kind: 'offline-backup',
    input,
    host: 'h',
    pid: 1,
  });
  const hanging = fromPromise<StepOutput, StepInput>(() => new Promise<never>(() => undefined));
  const actor = createActor(machine.provide({ actors: { step: hanging } }), { input }).start();
  const snapshot = actor.getPersistedSnapshot();
  actor.stop();
  store.recordTransition('run-1', { event: { type: 'xstate.init' }, from: null, to: 'aiSwitch', snapshot });
  store.recordIntent('run-1', {
    stepKey: 'aiSwitch',
    stepId: 'aiSwitch',
    attempt: 1,
    data: { at: new Date().toISOString(), probe: { busySeq: 7 }, effect: 'once' },
  });
}

/**
 * The same run, whose process then died after journaling the transition into the awaiting-decision
 * state and before settling the run there: the status is still `running`, no run-ended row.
 */
async function diedEnteringAwaitingState(machine: AnyStateMachine): Promise<void> {
  killedRun(machine);
  const error = {
    kind: 'in-doubt',
    code: 'OEF-051',
    message: 'Switch AI extents (OFFLINE-4) is in doubt: cannot tell',
  };
  // as the step actor does: a plain StepFailure, the machine's onError payload (persisted as JSON)
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  const inDoubt = fromPromise<StepOutput, StepInput>(() => Promise.reject(error));
  const actor = createActor(machine.provide({ actors: { step: inDoubt } }), { input }).start();
  await waitFor(actor, (s) => s.matches('aiSwitchAwaitingDecision'));
  const snapshot = actor.getPersistedSnapshot();
  actor.stop();
  store.recordTransition('run-1', {
    event: { type: 'xstate.error.actor.aiSwitch', error },
    from: 'aiSwitch',
    to: 'aiSwitchAwaitingDecision',
    snapshot,
  });
}

/** Drive the run from its stored snapshot, as resume does (no lock, no tools: the fake step needs none). */
function drive(
  machine: AnyStateMachine,
  step: Step<never>,
  sendOnStart?: DriveOptions['sendOnStart'],
): Promise<RunOutcome> {
  const run = store.getRun('run-1')!;
  return driveRun({
    store,
    runId: 'run-1',
    db: '/db/sports',
    machine,
    input,
    runStartedAt: run.createdAt,
    reporter: silentReporter,
    deps: {
      steps: { aiSwitch: step },
      toolsFor: () => ({}) as OpenEdgeTools,
      catalog: () => undefined,
      quietGuard: inertQuietGuardControl,
    },
    snapshot: run.snapshot as Snapshot<unknown>,
    maxQuietMs: 60_000,
    ...(sendOnStart ? { sendOnStart } : {}),
  });
}

const registryOf = (machine: AnyStateMachine): DefinitionRegistry => ({
  current: { 'test-decision': machine },
  archived: [],
  shipped: [],
});

describe('awaiting decision, driven by the engine', () => {
  it('waits in the awaiting-decision state when reconcile cannot tell, and settles as needs-decision there', async () => {
    const machine = testMachine(true);
    killedRun(machine);
    const step = fakeStep(() => ({ verdict: 'unknown', why: 'the BUSY sequence moved by 2' }));
    const stuck = await drive(machine, step as never);
    expect(stuck).toMatchObject({ status: 'needs-decision', resumable: true, state: 'aiSwitchAwaitingDecision' });
    expect(stuck.failure).toMatchObject({ kind: 'in-doubt', code: 'OEF-051' });
    expect(stuck.failure?.message).toMatch(/Switch AI extents \(OFFLINE-4\) is in doubt: the BUSY sequence moved by 2/);
    expect(step.runs).toBe(0);
    const run = store.getRun('run-1')!;
    expect(run.status).toBe('needs-decision');
    expect(run.stateValue).toBe('aiSwitchAwaitingDecision');
    // without a decision, resume sends RESUME (reconcile again), not DECIDED
    expect(leaveAwaitingDecision(store, run, machine)).toEqual({ type: 'RESUME' });
  });

  it('continues after resolve --as done without running the step again (the same visit), and verify proves it', async () => {
    const machine = testMachine(true);
    killedRun(machine);
    const step = fakeStep(() => ({ verdict: 'unknown', why: 'cannot tell' }));
    await drive(machine, step as never);
    resolveRun(store, { runId: 'run-1', as: 'done', reason: 'checked the .lg', operator: 'dba' });
    const decided = leaveAwaitingDecision(store, store.getRun('run-1')!, machine);
    expect(decided).toEqual({ type: 'DECIDED', as: 'done' });
    const done = await drive(machine, step as never, decided);
    expect(done.status).toBe('completed');
    expect(step.runs).toBe(0);
    expect(done.facts).toEqual({ aiSwitch: { decidedByOperator: true } });
    const verification = verifyRun(store, 'run-1', undefined, registryOf(machine));
    expect(verification.replay).toMatchObject({ ok: true });
    expect(verification.ordering).toEqual({ ok: true, problems: [] });
    expect(verification.replay.transitions.map((t) => `${t.event}->${t.state}`)).toEqual([
      'xstate.init->aiSwitch',
      'xstate.error.actor.aiSwitch->aiSwitchAwaitingDecision',
      'DECIDED->aiSwitch',
      'xstate.done.actor.aiSwitch->completed',
    ]);
  });

  it('runs the step once more after resolve --as not-done', async () => {
    const machine = testMachine(true);
    killedRun(machine);
    const step = fakeStep(() => ({ verdict: 'unknown', why: 'cannot tell' }));
    await drive(machine, step as never);
    resolveRun(store, { runId: 'run-1', as: 'not-done', reason: 'the switch did not happen', operator: 'dba' });
    const decided = leaveAwaitingDecision(store, store.getRun('run-1')!, machine);
    expect(decided).toEqual({ type: 'DECIDED', as: 'not-done' });
    const done = await drive(machine, step as never, decided);
    expect(done.status).toBe('completed');
    expect(step.runs).toBe(1);
    expect(store.attempts('run-1').map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'decided-not-done'],
      [2, 'ok'],
    ]);
    expect(verifyRun(store, 'run-1', undefined, registryOf(machine)).ordering.ok).toBe(true);
  });

  it('reconciles the same attempt again on a resume without a decision', async () => {
    const machine = testMachine(true);
    killedRun(machine);
    let verdict: Reconciliation = { verdict: 'unknown', why: 'the database was not reachable' };
    const step = fakeStep(() => verdict);
    await drive(machine, step as never);
    // the operator fixed what the probe needed: now it can tell
    verdict = { verdict: 'done', facts: { switchedTo: 8 } };
    const done = await drive(machine, step as never, leaveAwaitingDecision(store, store.getRun('run-1')!, machine));
    expect(done.status).toBe('completed');
    expect(step.runs).toBe(0);
    expect(store.attempts('run-1').map((a) => [a.attempt, a.outcome])).toEqual([[1, 'reconciled-done']]);
    expect(verifyRun(store, 'run-1', undefined, registryOf(machine)).ordering.ok).toBe(true);
  });

  it('reconciles again on resume when the process died entering the awaiting state, before the run settled', async () => {
    const machine = testMachine(true);
    await diedEnteringAwaitingState(machine);
    const died = store.getRun('run-1')!;
    expect(died).toMatchObject({ status: 'running', stateValue: 'aiSwitchAwaitingDecision' });
    // resume finds the machine waiting for a decision nobody took: it asks reconcile again
    expect(leaveAwaitingDecision(store, died, machine)).toEqual({ type: 'RESUME' });
    let verdict: Reconciliation = { verdict: 'unknown', why: 'still cannot tell' };
    const step = fakeStep(() => verdict);
    const stuck = await drive(machine, step as never, leaveAwaitingDecision(store, died, machine));
    expect(stuck).toMatchObject({ status: 'needs-decision', state: 'aiSwitchAwaitingDecision' });
    expect(store.getRun('run-1')!.status).toBe('needs-decision');
    verdict = { verdict: 'done', facts: { switchedTo: 8 } };
    const done = await drive(machine, step as never, leaveAwaitingDecision(store, store.getRun('run-1')!, machine));
    expect(done.status).toBe('completed');
    expect(step.runs).toBe(0);
    expect(store.attempts('run-1').map((a) => [a.attempt, a.outcome])).toEqual([[1, 'reconciled-done']]);
    expect(verifyRun(store, 'run-1', undefined, registryOf(machine)).ordering).toEqual({ ok: true, problems: [] });
  });

  it('refuses an in-doubt error in the journal that no open attempt explains', async () => {
    const machine = testMachine(true);
    killedRun(machine);
    const step = fakeStep(() => ({ verdict: 'unknown', why: 'cannot tell' }));
    await drive(machine, step as never);
    resolveRun(store, { runId: 'run-1', as: 'done', reason: 'ok', operator: 'dba' });
    // a second in-doubt event after the decision closed the attempt: nothing was in doubt
    store.recordTransition('run-1', {
      event: {
        type: 'xstate.error.actor.aiSwitch',
        error: { kind: 'in-doubt', code: 'OEF-051', message: 'x' },
      },
      from: 'aiSwitch',
      to: 'aiSwitchAwaitingDecision',
      snapshot: store.getRun('run-1')!.snapshot,
    });
    const ordering = verifyRun(store, 'run-1', undefined, registryOf(machine)).ordering;
    expect(ordering.ok).toBe(false);
    expect(ordering.problems.join()).toMatch(/is in doubt, but no attempt of aiSwitch is open before it/);
  });

  it('stops the run in the step state itself under a definition without awaiting-decision states', async () => {
    const machine = testMachine(false);
    killedRun(machine);
    const step = fakeStep(() => ({ verdict: 'unknown', why: 'cannot tell' }));
    const stuck = await drive(machine, step as never);
    expect(stuck).toMatchObject({ status: 'needs-decision', state: 'aiSwitch' });
    expect(stuck.failure).toMatchObject({ kind: 'failed', code: 'OEF-051' });
    expect(leaveAwaitingDecision(store, store.getRun('run-1')!, machine)).toBeUndefined();
  });
});
