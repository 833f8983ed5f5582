// Checks every procedure machine must pass; each test file calls them for its machine.
import { readFileSync } from 'node:fs';
import { createActor, fromPromise, waitFor, type AnyStateMachine } from 'xstate';
import { expect, it } from 'vitest';
import type { ProcedureContext, ProcedureInput, StepInput, StepOutput } from '../../machines/contract.js';
import { allStateNodes, finalReachability } from './graph.js';

const KB = /^(PRE|CATALOG|END|ABORT|OFFLINE-[1-7]|ONLINE-[1-4]|RF-[1-5]|RF-5r)$/;

/** Runs the machine with a fake step actor that succeeds; returns the stepKeys in order. */
export async function runHappy(
  machine: AnyStateMachine,
  input: ProcedureInput,
  factsFor: (stepKey: string) => Record<string, string> = () => ({}),
): Promise<{ keys: string[]; stepIds: string[]; context: ProcedureContext; value: unknown }> {
  const keys: string[] = [];
  const stepIds: string[] = [];
  const fake = fromPromise<StepOutput, StepInput>(async ({ input: i }) => {
    keys.push(i.stepKey);
    stepIds.push(i.stepId);
    return { facts: { ran: i.stepKey, ...factsFor(i.stepKey) } };
  });
  const actor = createActor(machine.provide({ actors: { step: fake } }), { input }).start();
  const done = await waitFor(actor, (s) => s.status === 'done', { timeout: 5_000 });
  return { keys, stepIds, context: done.context as ProcedureContext, value: done.value };
}

/** The behaviour shared by the three procedures. */
export function sharedBehaviour(machine: AnyStateMachine, file: string, input: ProcedureInput): void {
  it('cites an article step in meta.kb when any state is inspected', () => {
    const nodes = allStateNodes(machine).filter((n) => n.path !== '');
    expect(nodes.length).toBeGreaterThan(5);
    for (const { path, node } of nodes)
      expect({ path, kb: (node.meta as { kb?: string } | undefined)?.kb }).toEqual({
        path,
        kb: expect.stringMatching(KB) as string,
      });
  });

  it('can still reach a final state when it rests in any reachable state', () => {
    const reach = finalReachability(machine, input);
    expect(reach.size).toBeGreaterThan(10);
    const stuck = [...reach].filter(([, ok]) => !ok).map(([state]) => state);
    expect(stuck).toEqual([]);
  });

  it('fails loudly with "step actor not provided" when started without the engine', async () => {
    const actor = createActor(machine, { input }).start();
    const done = await waitFor(actor, (s) => s.status === 'done', { timeout: 5_000 });
    expect(done.value).toBe('failed');
    expect(String((done.context as ProcedureContext).failure?.message)).toMatch(/step actor not provided/);
  });

  it('imports only xstate and sibling files when its source is read', () => {
    const source = readFileSync(new URL(`../../machines/${file}`, import.meta.url), 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => s !== 'xstate' && !s!.startsWith('./'))).toEqual([]);
  });
}
