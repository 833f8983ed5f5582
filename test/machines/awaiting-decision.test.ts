// "Awaiting decision" in every machine (machines/decision-state.ts): an in-doubt attempt of a step
// that can be left in doubt waits in the step's own awaiting-decision state, which says why, rests
// as needs-decision, holds what the step holds, leaves on DECIDED or RESUME back into the step, and
// takes ABORT / WORLD_CHANGED / WATCHDOG to the same place as the step does.
import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { ProcedureContext, ProcedureInput, StateMeta, StepFailure } from '../../machines/contract.js';
import {
  awaitingDecisionOf,
  continuesVisit,
  hasDecisionState,
  withDecisionStates,
} from '../../machines/decision-state.js';
import { machines } from '../../machines/index.js';
import { initialContext } from '../../machines/procedure-setup.js';
import { holdingAt } from '../../machines/state-meta.js';
import { allStateNodes, edges, leaf } from './graph.js';

const inputs: Record<keyof typeof machines, ProcedureInput> = {
  'offline-backup': { procedure: 'offline-backup', db: '/db/sports', destination: '/backup' },
  'online-backup': { procedure: 'online-backup', db: '/db/sports', destination: '/backup' },
  'roll-forward': {
    procedure: 'roll-forward',
    db: '/db/sports',
    targetDb: '/restore/sports',
    aiFileCount: 2,
    replication: 'source',
  },
};

const inDoubt: StepFailure = { kind: 'in-doubt', code: 'OEF-051', message: 'Switch AI (OFFLINE-4) is in doubt: why' };

/** A snapshot resting in the state at `path` (dotted), with a failure a compensation would keep. */
function restingIn(machine: AnyStateMachine, input: ProcedureInput, path: string): AnyMachineSnapshot {
  const value = path
    .split('.')
    .reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined);
  const context: ProcedureContext = {
    ...initialContext({ input }),
    failure: { kind: 'failed', code: 'OEF-050', message: 'the cause a compensation keeps' },
  };
  return machine.resolveState({ value: value as string, context });
}

/** The snapshot after `event`. */
function after(machine: AnyStateMachine, snap: AnyMachineSnapshot, event: { type: string }): AnyMachineSnapshot {
  return (transition(machine, snap, event as never) as [AnyMachineSnapshot, unknown])[0];
}

/** Where an engine event takes a snapshot (its leaf), or null when the state ignores it. */
function exitOn(machine: AnyStateMachine, snap: AnyMachineSnapshot, event: { type: string }): string | null {
  return snap.can(event) ? leaf(after(machine, snap, event)) : null;
}

const engineEvents = [
  { type: 'ABORT', reason: 'test' },
  { type: 'WORLD_CHANGED', reason: 'test' },
  { type: 'WATCHDOG', reason: 'test' },
];

const expectedDecidable: Record<keyof typeof machines, string[]> = {
  'offline-backup': ['shutdown', 'aiSwitch', 'restart', 'restartAfterAbort', 'restartAfterFailure'],
  'online-backup': ['quietEnable', 'transferClone'],
  'roll-forward': ['disableReplication', 'aiSequence', 'rollForward', 'rollForwardRetry'],
};

for (const [id, machine] of Object.entries(machines) as [keyof typeof machines, AnyStateMachine][]) {
  describe(`${id}: awaiting decision`, () => {
    const names = allStateNodes(machine)
      .map((n) => n.path)
      .filter((p) => p !== '');
    const decidable = names
      .map((name) => [name, restingIn(machine, inputs[id], name)] as const)
      .filter(([, s]) => hasDecisionState(machine, s.value));
    const waitingIn = (name: string, snap: AnyMachineSnapshot) =>
      after(machine, snap, { type: `xstate.error.actor.${name.split('.').at(-1)!}`, error: inDoubt } as never);

    it('has an awaiting-decision state for exactly the steps that can be left in doubt', () => {
      expect(decidable.map(([name]) => name.split('.').at(-1)).sort()).toEqual([...expectedDecidable[id]].sort());
      for (const [name] of decidable) expect(names, name).toContain(`${name}AwaitingDecision`);
    });

    it('reaches the awaiting-decision state of every step state a run reaches', () => {
      const reached = new Set(edges(machine, inputs[id]).flatMap((e) => [e.from, e.to]));
      for (const [name] of decidable)
        if (reached.has(name)) expect(reached.has(`${name}AwaitingDecision`), name).toBe(true);
    });

    it('waits there on an in-doubt attempt, says why, rests as needs-decision and holds what the step holds', () => {
      for (const [name, snap] of decidable) {
        const waiting = waitingIn(name, snap);
        expect(leaf(waiting), name).toBe(`${name}AwaitingDecision`);
        expect((waiting.context as ProcedureContext).inDoubt).toEqual(inDoubt);
        // the run's failure stays what it was: a compensation keeps the cause it compensates
        expect((waiting.context as ProcedureContext).failure).toEqual((snap.context as ProcedureContext).failure);
        const meta = Object.values(waiting.getMeta() as Record<string, StateMeta>).at(-1)!;
        expect(meta).toMatchObject({ status: 'needs-decision', decides: name.split('.').at(-1) });
        expect(awaitingDecisionOf(machine, waiting.value)).toBe(name.split('.').at(-1));
        expect(holdingAt(machine, waiting.value)).toEqual(holdingAt(machine, snap.value));
        expect(continuesVisit(machine, snap.value, waiting.value)).toBe(true);
      }
    });

    it('goes back into the step on DECIDED (done or not-done) and on RESUME, the same visit, forgetting why it waited', () => {
      for (const [name, snap] of decidable) {
        const waiting = waitingIn(name, snap);
        for (const event of [
          { type: 'DECIDED', as: 'done' },
          { type: 'DECIDED', as: 'not-done' },
          { type: 'RESUME' },
        ]) {
          const back = after(machine, waiting, event);
          expect(leaf(back), `${name} ${JSON.stringify(event)}`).toBe(name);
          expect((back.context as ProcedureContext).inDoubt).toBeUndefined();
          expect(continuesVisit(machine, waiting.value, back.value)).toBe(true);
        }
      }
    });

    it('takes ABORT, WORLD_CHANGED and WATCHDOG where the step takes them (its compensation first)', () => {
      for (const [name, snap] of decidable) {
        const waiting = waitingIn(name, snap);
        for (const event of engineEvents)
          expect(exitOn(machine, waiting, event), `${name} ${event.type}`).toBe(exitOn(machine, snap, event));
      }
    });

    it('is left only by DECIDED, RESUME and the engine events', () => {
      for (const [name] of decidable) {
        const node = allStateNodes(machine).find((n) => n.path === `${name}AwaitingDecision`)!.node;
        const events = [...node.transitions.keys()];
        expect(events, name).toEqual(expect.arrayContaining(['DECIDED', 'RESUME']) as string[]);
        for (const event of events)
          expect(['DECIDED', 'RESUME', 'ABORT', 'WORLD_CHANGED', 'WATCHDOG']).toContain(event);
      }
    });

    it('treats any other failure of the step as before (not as a doubt)', () => {
      for (const [name, snap] of decidable) {
        const failed = after(machine, snap, {
          type: `xstate.error.actor.${name.split('.').at(-1)!}`,
          error: { kind: 'failed', code: 'OEF-050', message: 'no' },
        } as never);
        expect(leaf(failed), name).not.toMatch(/AwaitingDecision$/);
        expect((failed.context as ProcedureContext).inDoubt).toBeUndefined();
      }
    });
  });
}

describe('decision-state readers', () => {
  const machine = machines['offline-backup'];

  it('does not continue a visit between unrelated states, or a step re-entering itself', () => {
    expect(continuesVisit(machine, 'truncateBi', 'aiSwitch')).toBe(false);
    expect(continuesVisit(machine, 'aiSwitch', 'aiSwitch')).toBe(false);
    expect(continuesVisit(machine, 'aiSwitchAwaitingDecision', 'preflight')).toBe(false);
    expect(continuesVisit(machine, 'shutdownAwaitingDecision', 'aiSwitch')).toBe(false);
    expect(continuesVisit(machine, null, 'preflight')).toBe(false);
  });

  it('reads nothing for states without a decision or values the machine does not have', () => {
    expect(awaitingDecisionOf(machine, 'aiSwitch')).toBeNull();
    expect(awaitingDecisionOf(machine, 'nowhere')).toBeNull();
    expect(hasDecisionState(machine, 'truncateBi')).toBe(false);
    expect(hasDecisionState(machine, { nowhere: 'x' })).toBe(false);
    expect(hasDecisionState(machines['online-backup'], { quiesced: 'copyFiles' })).toBe(false);
  });

  it('refuses a step state whose key is not its state id (its error branch would name a missing sibling)', () => {
    expect(() => withDecisionStates({ renamed: { meta: { kb: 'PRE', decidedIn: 'stepAwaitingDecision' } } })).toThrow(
      /stateId must equal its key/,
    );
  });
});
