// The step registry against the machines (docs/architecture.md §4): every state that invokes the
// engine's step actor names a step module that declares its commands, every `once` step can be
// reconciled after a crash, a declared compensation is a step a machine runs, and no step module
// is left unused. The declarations are what `--plan` and the crash tests read (src/plan/main-path.ts).
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import type { ProcedureContext, StepInput } from '../../../machines/contract.js';
import type { ProcedureInput } from '../../../machines/contract.js';
import { machines, type MachineId } from '../../../machines/index.js';
import { canEndInDoubt } from '../../../src/engine/attempt-decision.js';
import { namesCall } from '../../../src/openedge/argv.js';
import { isEffectCommand } from '../../../src/steps/effect-commands.js';
import { mainPath } from '../../../src/plan/main-path.js';
import { steps } from '../../../src/steps/index.js';
import type { PlanWorld } from '../../../src/steps/step.js';

const context: ProcedureContext = {
  input: { procedure: 'offline-backup', db: '/db/sports' },
  facts: {},
  aiIndex: 0,
  rollForwardStarted: false,
  failure: null,
};

/** Each state that invokes `step`, with the step id its invoke input names and whether it can wait for a decision. */
function stepStates(machine: AnyStateMachine): { state: string; stepId: string; waitsForDecision: boolean }[] {
  return getStateNodes(machine.root).flatMap((node: AnyStateNode) =>
    node.invoke
      .filter((i) => i.src === 'step')
      .map((i) => {
        const input = (i as unknown as { input: (a: { context: ProcedureContext }) => StepInput }).input({ context });
        const waitsForDecision = (node.meta as { decidedIn?: string } | undefined)?.decidedIn !== undefined;
        return { state: node.path.join('.'), stepId: input.stepId, waitsForDecision };
      }),
  );
}

const used = Object.entries(machines).flatMap(([machineId, machine]) =>
  stepStates(machine).map((s) => ({ machineId, ...s })),
);

describe('the step registry', () => {
  it('has a step module for every state of every machine that invokes the step actor', () => {
    expect(used.length).toBeGreaterThan(0);
    const missing = used
      .filter((s) => steps[s.stepId] === undefined)
      .map((s) => `${s.machineId} ${s.state}: ${s.stepId}`);
    expect(missing).toEqual([]);
  });

  it('has a declaration of its commands for every step a machine runs', () => {
    const undeclared = used
      .filter((s) => typeof steps[s.stepId]?.commands !== 'function')
      .map((s) => `${s.machineId} ${s.state}: ${s.stepId}`);
    expect(undeclared).toEqual([]);
  });

  it('declares a reconcile for every once step, and its own id for every step', () => {
    for (const [id, step] of Object.entries(steps)) {
      expect(step.id).toBe(id);
      if (step.effect === 'once') expect(typeof step.reconcile, `${id} is once`).toBe('function');
    }
  });

  it('gives an awaiting-decision state to exactly the states whose step can be left in doubt', () => {
    // a step that may end in needs-decision without one would stop the run outside the machine (docs/architecture.md §5.3)
    const wrong = used
      .filter((s) => steps[s.stepId] !== undefined && canEndInDoubt(steps[s.stepId]!) !== s.waitsForDecision)
      .map((s) => `${s.machineId} ${s.state}: ${s.stepId} (canBeInDoubt ${s.waitsForDecision})`);
    expect(wrong).toEqual([]);
    expect(used.filter((s) => s.waitsForDecision).length).toBeGreaterThan(5);
  });

  it('names as compensation only a step that a machine runs', () => {
    const run = new Set(used.map((s) => s.stepId));
    for (const step of Object.values(steps))
      if (step.compensate !== undefined)
        expect(run, `${step.id} compensates with ${step.compensate}`).toContain(step.compensate);
  });

  it('has no step module that no machine runs', () => {
    const run = new Set(used.map((s) => s.stepId));
    expect(Object.keys(steps).filter((id) => !run.has(id))).toEqual([]);
  });

  it('walks every main path to its end, declaring a command for every once step on it', () => {
    for (const { machineId, input, world } of mainPaths) {
      const path = mainPath(machines[machineId], input, world);
      expect(path.length, machineId).toBeGreaterThan(3);
      for (const visit of path.filter((v) => v.effect === 'once'))
        expect(visit.commands.length, `${machineId} ${visit.stepKey} is once`).toBeGreaterThan(0);
    }
  });

  it("declares every command with one of its step's shapes, named by words found in its arguments", () => {
    const declared = mainPaths.flatMap(({ machineId, input, world }) =>
      mainPath(machines[machineId], input, world).flatMap((v) =>
        v.commands.map((c) => ({ at: `${machineId} ${v.stepKey}`, stepId: v.stepId, ...c })),
      ),
    );
    expect(declared.length).toBeGreaterThan(8);
    for (const c of declared) {
      const shapes = steps[c.stepId]?.effects ?? [];
      const own = shapes.some((s) => s.utility === c.utility && s.words.join(' ') === c.words.join(' '));
      expect(own, `${c.at}: ${c.utility} ${c.words.join(' ')} is not in ${c.stepId}.effects`).toBe(true);
      // a simulator fault on these words hits this call (src/sim/faults.ts), and the journal counts it
      expect(namesCall(c.args, c.words), c.at).toBe(true);
      if (c.utility !== 'sh') expect(isEffectCommand([c.utility, ...c.args]), c.at).toBe(true);
    }
    // no step declares a shape that none of its commands has (it would make some other call state-changing);
    // every step's declaration is asked directly, so steps off the main path (a retry) are covered too
    for (const step of Object.values(steps)) {
      const made = new Set(
        mainPaths.flatMap(({ input, world }) =>
          step.commands({ input, aiIndex: 0, world }).map((c) => `${c.utility} ${c.words.join(' ')}`),
        ),
      );
      for (const s of step.effects ?? []) expect(made, step.id).toContain(`${s.utility} ${s.words.join(' ')}`);
    }
  });

  it('counts the read-only probes as not state-changing', () => {
    for (const probe of [
      ['proutil', '/db/s', '-C', 'busy'],
      ['proutil', '/db/s', '-C', 'holder'],
      ['proutil', '/db/s', '-C', 'describe'],
      ['rfutil', '/db/s', '-C', 'aimage', 'list'],
      ['rfutil', '/db/s', '-C', 'aimage', 'scan', '-a', '/arch/s.a1'],
      ['prostrct', 'list', '/db/s', '/tmp/s.st'],
    ])
      expect(isEffectCommand(probe), probe.join(' ')).toBe(false);
    expect(isEffectCommand(['rfutil', '/db/s', '-C', 'roll', 'forward', 'retry', '-a', '/arch/s.a1'])).toBe(true);
  });
});

/** Inputs that take every branch of the main paths (restart, snapshot, clone, replication, AI files, --until). */
const mainPaths: { machineId: MachineId; input: ProcedureInput; world: PlanWorld }[] = [
  {
    machineId: 'offline-backup',
    input: { procedure: 'offline-backup', db: '/db/sports', destination: '/bk', proserveArgs: ['-S', '20931'] },
    world: { busy: 'in-use' },
  },
  {
    machineId: 'online-backup',
    input: { procedure: 'online-backup', db: '/db/sports', destination: '/bk', snapshotCmd: 'snap' },
    world: { busy: 'in-use', copyMethod: 'snapshot' },
  },
  {
    machineId: 'online-backup',
    input: { procedure: 'online-backup', db: '/db/sports', destination: '/bk', copyMethod: 'auto' },
    world: { busy: 'in-use', copyMethod: 'clone' },
  },
  {
    machineId: 'roll-forward',
    input: {
      procedure: 'roll-forward',
      db: '/r/sports',
      aiFiles: ['/arch/sports.a1', '/arch/sports.a2'],
      replication: 'source',
      until: '2026:01:02:03:04:05',
    },
    world: {},
  },
];
