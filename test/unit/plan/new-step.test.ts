// Adding a state-changing step (issue 10, "done when"): its declaration and the machine state
// are all it takes. A test machine built from the helpers the real machines use gains one step;
// `--plan`, the crash tests' kill points and the chart pick it up with nothing else edited.
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import {
  initialContext,
  procedureTypes,
  recordFacts,
  recordFailure,
  stepPlaceholder,
} from '../../../machines/procedure-setup.js';
import { stepState } from '../../../machines/step-state.js';
import type { ProcedureInput } from '../../../machines/contract.js';
import { diagramModel } from '../../../src/diagram/model.js';
import { toMermaid } from '../../../src/diagram/mermaid.js';
import { mainPath } from '../../../src/plan/main-path.js';
import { plannedCommands, renderPlan } from '../../../src/plan/plan.js';
import { steps } from '../../../src/steps/index.js';
import { fail, type Step } from '../../../src/steps/step.js';
import { killPlan } from '../../helpers/kill-plan.js';

/** The new step: grow the before-image file while the database is down (`proutil -C bigrow`). */
const biGrow = {
  id: 'biGrow',
  title: 'Grow the before-image file (proutil -C bigrow)',
  kb: 'OFFLINE-2',
  effect: 'idempotent',
  commands: ({ input }) => [{ utility: 'proutil', words: ['-C', 'bigrow'], args: [input.db, '-C', 'bigrow', '4'] }],
  probe: async () => null,
  // a fixture: this test walks the machine and never runs a step
  run: () => fail('failed', 'OEF-002', 'biGrow is a test fixture: it is declared, never run'),
} satisfies Step<null>;

/** The registry with the new step added, the way src/steps/index.ts lists every step. */
const registry = { ...steps, biGrow: biGrow as unknown as Step<never> };

/** shutdown → (biGrow →) restart, built like machines/offline-backup.ts. */
function testMachine(withBiGrow: boolean) {
  const toFailed = [{ target: 'failed' }] as const;
  const afterShutdown = withBiGrow ? 'biGrow' : 'restart';
  return setup({
    types: procedureTypes,
    actors: { step: stepPlaceholder },
    actions: { recordFacts, recordFailure },
  }).createMachine({
    id: 'test-procedure',
    context: initialContext,
    initial: 'shutdown',
    states: {
      shutdown: stepState({
        stepId: 'shutdown',
        stateId: 'shutdown',
        kb: 'OFFLINE-1',
        description: 'Shut the database down',
        onDone: [{ target: afterShutdown }],
        onError: toFailed,
      }),
      ...(withBiGrow
        ? {
            biGrow: stepState({
              stepId: 'biGrow',
              stateId: 'biGrow',
              kb: 'OFFLINE-2',
              description: 'Grow the before-image file',
              onDone: [{ target: 'restart' }],
              onError: toFailed,
            }),
          }
        : {}),
      restart: stepState({
        stepId: 'restart',
        stateId: 'restart',
        kb: 'OFFLINE-7',
        description: 'Restart the server',
        onDone: [{ target: 'completed' }],
        onError: toFailed,
      }),
      completed: { type: 'final', description: 'Done', meta: { kb: 'END' } },
      failed: { type: 'final', description: 'A step failed', meta: { kb: 'END' } },
    },
  });
}

const input: ProcedureInput = { procedure: 'offline-backup', db: '/db/sports', proserveArgs: ['-S', '20931'] };
const world = { busy: 'in-use' as const };
const before = mainPath(testMachine(false), input, world, registry);
const after = mainPath(testMachine(true), input, world, registry);

describe('a state-changing step added to a machine', () => {
  it('appears in the plan, in its place, with the command its declaration lists', () => {
    const plan = (path: typeof before) => plannedCommands(path).map((c) => `${c.kb} ${c.argv.join(' ')}`);
    expect(plan(before)).toEqual(['OFFLINE-1 proshut /db/sports -by', 'OFFLINE-7 proserve /db/sports -S 20931']);
    expect(plan(after)).toEqual([
      'OFFLINE-1 proshut /db/sports -by',
      'OFFLINE-2 proutil /db/sports -C bigrow 4',
      'OFFLINE-7 proserve /db/sports -S 20931',
    ]);
    const text = renderPlan({
      procedure: 'offline-backup',
      db: input.db,
      preconditions: [],
      ready: true,
      commands: plannedCommands(after),
    });
    expect(text).toContain('    OFFLINE-2 proutil /db/sports -C bigrow 4');
  });

  it('gets kill points in the crash plan: its declared utility hung, and right after it returned', () => {
    const added = killPlan(after).filter((k) => !killPlan(before).some((b) => JSON.stringify(b) === JSON.stringify(k)));
    expect(added).toEqual([
      { stepKey: 'biGrow', hang: 'proutil:-C bigrow:hang', words: ['proutil', '-C', 'bigrow'] },
      { stepKey: 'biGrow', crashAt: 'after-command' },
    ]);
  });

  it('is drawn in the chart between the states around it', () => {
    const model = diagramModel(testMachine(true));
    expect(model.nodes.find((n) => n.name === 'biGrow')).toMatchObject({ kind: 'atomic', kb: 'OFFLINE-2' });
    expect(model.edges).toContainEqual({ from: 'shutdown', to: 'biGrow', label: 'done' });
    expect(model.edges).toContainEqual({ from: 'biGrow', to: 'restart', label: 'done' });
    expect(diagramModel(testMachine(false)).nodes.map((n) => n.name)).not.toContain('biGrow');
    expect(toMermaid(testMachine(true))).toContain('state "biGrow · OFFLINE-2" as biGrow');
  });
});
