// What each state holds is declared in the machines (meta.holds / meta.holdPhase) and read in
// one place (machines/state-meta.ts): every state of every machine says what the procedure
// expects, and a machine with other state names gets the same engine behaviour from meta alone.
import { describe, expect, it } from 'vitest';
import { useTempStores } from '../../helpers/temp-store.js';
import { createMachine, type AnyStateMachine, type AnyStateNode } from 'xstate';
import {
  definitionRegistry,
  machineHash,
  machines,
  runStateHolding,
  type DefinitionRegistry,
} from '../../../machines/index.js';
import { holdingAt, type Holding } from '../../../machines/state-meta.js';
import { archivedDefinitions } from '../../../machines/versions/archive.js';
import { abandonRun, mayHaveLeftDbDown, mayHoldQuietPoint } from '../../../src/engine/engine.js';

/** Every state of a machine as a dotted path and the persisted value that names it. */
function allStates(machine: AnyStateMachine): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  const visit = (node: AnyStateNode, path: string[]): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const p = [...path, key];
      const value = p.reduceRight<unknown>((inner, k) => (inner === undefined ? k : { [k]: inner }), undefined);
      out.push({ path: p.join('.'), value });
      visit(child, p);
    }
  };
  visit(machine.root, []);
  return out;
}

const quietPoint = (phase: Holding['phase']): Holding => ({ condition: 'quiet-point', phase });
const down = (phase: Holding['phase']): Holding => ({ condition: 'database-down', phase });

const expected: Record<keyof typeof machines, Record<string, Holding>> = {
  'online-backup': {
    quietEnable: quietPoint('entering'),
    // waiting for an operator: the step's own holding (the enable may or may not have raised it)
    quietEnableAwaitingDecision: quietPoint('entering'),
    quiesced: quietPoint('held'),
    'quiesced.snapshot': quietPoint('held'),
    'quiesced.cloneFiles': quietPoint('held'),
    'quiesced.copyFiles': quietPoint('held'),
    quietDisable: quietPoint('leaving'),
    quietDisableAfterFailure: quietPoint('leaving'),
    quietDisableAfterAbort: quietPoint('leaving'),
    quietDisableAfterTimeout: quietPoint('leaving'),
  },
  'offline-backup': {
    shutdown: down('entering'),
    shutdownAwaitingDecision: down('entering'),
    truncateBi: down('held'),
    jobsCheck: down('held'),
    verifyNotInUseBefore: down('held'),
    aiSwitch: down('held'),
    aiSwitchAwaitingDecision: down('held'),
    copyFiles: down('held'),
    verifyNotInUseAfter: down('held'),
    verifyCopy: down('held'),
    markBackedup: down('held'),
    restart: down('leaving'),
    restartAfterAbort: down('leaving'),
    restartAfterFailure: down('leaving'),
    restartAwaitingDecision: down('leaving'),
    restartAfterAbortAwaitingDecision: down('leaving'),
    restartAfterFailureAwaitingDecision: down('leaving'),
  },
  'roll-forward': {},
};

describe('state meta: what a state holds', () => {
  for (const [id, machine] of Object.entries(machines) as [keyof typeof machines, AnyStateMachine][]) {
    it(`declares in ${id} exactly the states that may hold a quiet point or a shut-down database`, () => {
      const found = Object.fromEntries(
        allStates(machine)
          .map(({ path, value }) => [path, holdingAt(machine, value)] as const)
          .filter(([, h]) => h !== null),
      );
      expect(found).toEqual(expected[id]);
    });
  }

  it('reads nothing for a state value the machine does not have', () => {
    expect(holdingAt(machines['online-backup'], 'noSuchState')).toBeNull();
    expect(holdingAt(machines['online-backup'], { quiesced: 'noSuchChild' })).toEqual(quietPoint('held'));
    expect(holdingAt(machines['online-backup'], null)).toBeNull();
  });

  it('reads a run under a definition frozen before states declared it through today’s definition', () => {
    const v010 = archivedDefinitions.find((a) => a.machineId === 'online-backup')!;
    const run = { machineId: 'online-backup', machineHash: v010.hash, stateValue: { quiesced: 'copyFiles' } };
    expect(runStateHolding(definitionRegistry, run)).toEqual(quietPoint('held'));
    expect(mayHoldQuietPoint(run)).toBe(true);
    expect(mayHaveLeftDbDown({ ...run, machineId: 'offline-backup', stateValue: 'aiSwitch' })).toBe(true);
    expect(mayHoldQuietPoint({ ...run, stateValue: 'verifyCopy' })).toBe(false);
  });
});

// A procedure none of whose state names the engine has ever seen: only meta says what it holds.
const testMachine = createMachine({
  id: 'test-procedure',
  initial: 'idle',
  states: {
    idle: { meta: { kb: 'PRE' }, on: { GO: 'freeze' } },
    freeze: { meta: { kb: 'T-1', holds: 'quiet-point', holdPhase: 'entering' }, on: { GO: 'frozen' } },
    frozen: {
      meta: { kb: 'T-2', holds: 'quiet-point', holdPhase: 'held' },
      initial: 'grab',
      states: { grab: { meta: { kb: 'T-2' } } },
      on: { GO: 'thaw' },
    },
    thaw: { meta: { kb: 'T-3', holds: 'quiet-point', holdPhase: 'leaving' }, on: { GO: 'cold' } },
    cold: { meta: { kb: 'T-4', holds: 'database-down' }, on: { GO: 'done' } },
    done: { type: 'final', meta: { kb: 'END' } },
  },
});
const registry: DefinitionRegistry = {
  current: { ...machines, 'test-procedure': testMachine },
  archived: [],
  shipped: [],
};
const runIn = (stateValue: unknown) => ({
  machineId: 'test-procedure',
  machineHash: machineHash(testMachine),
  stateValue,
});

describe('state meta on a machine the engine does not know by name', () => {
  const tempStore = useTempStores();

  it('holds a quiet point in the states whose meta says so, children included', () => {
    expect(mayHoldQuietPoint(runIn('idle'), registry)).toBe(false);
    expect(mayHoldQuietPoint(runIn('freeze'), registry)).toBe(true);
    expect(mayHoldQuietPoint(runIn({ frozen: 'grab' }), registry)).toBe(true);
    expect(runStateHolding(registry, runIn({ frozen: 'grab' }))).toEqual(quietPoint('held'));
    expect(mayHoldQuietPoint(runIn('thaw'), registry)).toBe(true);
    expect(mayHoldQuietPoint(runIn('cold'), registry)).toBe(false);
    // a state naming the condition without a phase rests under it
    expect(runStateHolding(registry, runIn('cold'))).toEqual(down('held'));
    expect(mayHaveLeftDbDown(runIn('cold'), registry)).toBe(true);
    expect(mayHaveLeftDbDown(runIn('done'), registry)).toBe(false);
  });

  it('abandon warns that the database may be down from meta alone', () => {
    const { store } = tempStore('oeflow-meta-');
    for (const [runId, db, state] of [
      ['run-cold', '/db/a', 'cold'],
      ['run-idle', '/db/b', 'idle'],
    ] as const) {
      store.createRun({
        runId,
        machineId: 'test-procedure',
        machineHash: machineHash(testMachine),
        db,
        kind: 'test',
        input: { db },
        host: 'h',
        pid: 1,
      });
      store.recordTransition(runId, {
        event: { type: 'GO' },
        from: null,
        to: state,
        snapshot: { value: state, status: 'active', context: {} },
      });
      store.setRunStatus(runId, 'aborted', { resumable: true });
    }
    const o = { reason: 'test', operator: 'tester' };
    expect(abandonRun(store, { runId: 'run-cold', ...o }, registry).warning).toMatch(/may still be shut down/);
    expect(abandonRun(store, { runId: 'run-idle', ...o }, registry).warning).toBeNull();
  });
});
