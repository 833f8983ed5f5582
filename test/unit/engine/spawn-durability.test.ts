// Which utility calls wait for the journal's fsync (docs/architecture.md §5.9), driven by the
// engine in-process: a step's call starts only once every row before it is durable, except the
// call of a step whose effect an OS crash has too (osCrashHasSameEffect: the quiet point's
// disable), which starts with the transition and intent still owed; the run's end pays them.
import { describe, expect, it } from 'vitest';
import { useTempStores } from '../../helpers/temp-store.js';
import { setup, type AnyStateMachine } from 'xstate';
import type { ProcedureInput } from '../../../machines/contract.js';
import {
  initialContext,
  procedureTypes,
  recordFacts,
  recordFailure,
  stepPlaceholder,
} from '../../../machines/procedure-setup.js';
import { stepState } from '../../../machines/step-state.js';
import { silentReporter } from '../../../src/engine/reporter.js';
import { driveRun } from '../../../src/engine/run-driver.js';
import { journalDurableBeforeSpawn } from '../../../src/engine/step-actor.js';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import type { Step } from '../../../src/steps/step.js';
import { steps as shippedSteps } from '../../../src/steps/index.js';
import { inertQuietGuardControl } from '../../helpers/step-env.js';

/** Two idempotent steps in a row: `copy` (an ordinary call) then `release` (one an OS crash does too). */
function testMachine(): AnyStateMachine {
  return setup({
    types: procedureTypes,
    actors: { step: stepPlaceholder },
    actions: { recordFacts, recordFailure },
  }).createMachine({
    id: 'test-spawn-durability',
    context: initialContext,
    initial: 'copy',
    states: {
      copy: stepState({
        stepId: 'copy',
        stateId: 'copy',
        kb: 'ONLINE-3',
        description: 'an idempotent step with a utility call',
        onDone: [{ target: 'release' }],
        onError: [{ target: 'failed' }],
      }),
      release: stepState({
        stepId: 'release',
        stateId: 'release',
        kb: 'ONLINE-4',
        description: 'a step whose call an OS crash does too',
        onDone: [{ target: 'completed' }],
        onError: [{ target: 'failed' }],
      }),
      completed: { type: 'final', meta: { kb: 'END' } },
      failed: { type: 'final', meta: { kb: 'END' } },
    },
  });
}

/** The fake utility call of the fake tools: what the step actor's beforeSpawn left owed when it started. */
interface Spawning {
  spawn(): Promise<void>;
}

function fakeStep(id: string, osCrashHasSameEffect: boolean): Step<null> {
  return {
    id,
    title: id,
    kb: 'TEST',
    effect: 'idempotent',
    ...(osCrashHasSameEffect ? { osCrashHasSameEffect: true as const } : {}),
    commands: () => [],
    probe: () => Promise.resolve(null),
    run: async (env) => {
      await (env.tools as unknown as Spawning).spawn();
      return {};
    },
  };
}

const input: ProcedureInput = { procedure: 'online-backup', db: '/db/sports', destination: '/backup' };
const tempStore = useTempStores();

describe('the fsync before a utility call', () => {
  it('makes every row durable before an ordinary call, and leaves them owed before one an OS crash does too', async () => {
    const { store: s } = tempStore('oeflow-spawn-durability-');
    const machine = testMachine();
    s.createRun({
      runId: 'run-1',
      machineId: 'test-spawn-durability',
      machineHash: 'h',
      db: '/db/sports',
      kind: 'online-backup',
      input,
      host: 'h',
      pid: 1,
    });
    const owedAtSpawn: Record<string, boolean> = {};
    const outcome = await driveRun({
      store: s,
      runId: 'run-1',
      db: '/db/sports',
      machine,
      input,
      runStartedAt: new Date().toISOString(),
      reporter: silentReporter,
      deps: {
        steps: { copy: fakeStep('copy', false), release: fakeStep('release', true) } as never,
        toolsFor: (_record, _spawned, _mark, beforeSpawn) =>
          ({
            spawn: () => {
              beforeSpawn();
              const state = s.getRun('run-1')!.stateValue as string;
              owedAtSpawn[state] = s.syncPending;
              return Promise.resolve();
            },
          }) as unknown as OpenEdgeTools,
        catalog: () => undefined,
        quietGuard: inertQuietGuardControl,
      },
      maxQuietMs: 60_000,
    });
    expect(outcome.status).toBe('completed');
    // copy: its transition and intent were written 'with-next' and made durable before the call
    // release: the copy's result, the transition and the intent were still owed when it started
    expect(owedAtSpawn).toEqual({ copy: false, release: true });
    // the run's end pays what is owed
    expect(s.syncPending).toBe(false);
  });

  it('of the shipped steps, only the quiet point disable starts ahead of the fsync', () => {
    const ahead = Object.values(shippedSteps)
      .filter((step) => !journalDurableBeforeSpawn(step))
      .map((step) => step.id);
    expect(ahead).toEqual(['quietDisable']);
  });
});
