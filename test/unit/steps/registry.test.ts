// The step registry against the machines (docs/architecture.md §4): every state that invokes the
// engine's step actor names a step module, every `once` step can be reconciled after a crash,
// a declared compensation is a step a machine runs, and no step module is left unused.
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { getStateNodes } from 'xstate/graph';
import type { ProcedureContext, StepInput } from '../../../machines/contract.js';
import { machines } from '../../../machines/index.js';
import { steps } from '../../../src/steps/index.js';

const context: ProcedureContext = {
  input: { procedure: 'offline-backup', db: '/db/sports' },
  facts: {},
  aiIndex: 0,
  rollForwardStarted: false,
  failure: null,
};

/** Each state that invokes `step`, with the step id its invoke input names. */
function stepStates(machine: AnyStateMachine): { state: string; stepId: string }[] {
  return getStateNodes(machine.root).flatMap((node: AnyStateNode) =>
    node.invoke
      .filter((i) => i.src === 'step')
      .map((i) => {
        const input = (i as unknown as { input: (a: { context: ProcedureContext }) => StepInput }).input({ context });
        return { state: node.path.join('.'), stepId: input.stepId };
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

  it('declares a reconcile for every once step, and its own id for every step', () => {
    for (const [id, step] of Object.entries(steps)) {
      expect(step.id).toBe(id);
      if (step.effect === 'once') expect(typeof step.reconcile, `${id} is once`).toBe('function');
    }
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
});
