// Shared exploration of a pure procedure machine with xstate/graph: the events the
// engine (and the step actor) can deliver, and a serialisation by what guards read.
import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode } from 'xstate';
import { getAdjacencyMap, getSimplePaths, getStateNodes, type StatePath } from 'xstate/graph';
import type { ProcedureContext, ProcedureEvent, ProcedureInput, StepFailure } from '../../machines/contract.js';

export type GraphEvent =
  | ProcedureEvent
  | { type: `xstate.done.actor.${string}`; output: { facts: Record<string, never> } }
  | { type: `xstate.error.actor.${string}`; error: StepFailure };

export const failureKinds: StepFailure['kind'][] = ['failed', 'invariant', 'interrupted', 'rf-error', 'in-doubt'];

/** Every invoke id of the machine (== state ids of step states). */
export function invokeIds(machine: AnyStateMachine): string[] {
  return getStateNodes(machine.root).flatMap((n: AnyStateNode) => n.invoke.map((i) => i.id));
}

/** All events any state may receive; xstate/graph keeps only those the state handles. */
export function allEvents(machine: AnyStateMachine): GraphEvent[] {
  const steps = invokeIds(machine).flatMap((id): GraphEvent[] => [
    { type: `xstate.done.actor.${id}`, output: { facts: {} } },
    ...failureKinds.map((kind): GraphEvent => ({
      type: `xstate.error.actor.${id}`,
      error: { kind, code: 'OEF-050', message: kind },
    })),
  ]);
  return [
    ...steps,
    { type: 'ABORT', reason: 'test' },
    { type: 'WATCHDOG', reason: 'too long' },
    { type: 'RESUME' },
    { type: 'RETRY' },
    { type: 'DECIDED', as: 'done' },
    { type: 'DECIDED', as: 'not-done' },
  ];
}

/** Dotted name of the leaf state, e.g. `quiesced.copyFiles`. */
export function leaf(snapshot: AnyMachineSnapshot): string {
  let value: unknown = snapshot.value;
  const parts: string[] = [];
  while (value !== null && typeof value === 'object') {
    const [key, inner] = Object.entries(value as Record<string, unknown>)[0]!;
    parts.push(key);
    value = inner;
  }
  parts.push(String(value));
  return parts.join('.');
}

/** Facts do not steer any transition, so states differing only in facts are one vertex. */
export function serializeByControl(snapshot: AnyMachineSnapshot): string {
  const c = snapshot.context as ProcedureContext;
  return JSON.stringify([
    snapshot.value,
    c.aiIndex,
    c.rollForwardStarted,
    c.failure?.kind ?? null,
    c.failure?.code ?? null,
  ]);
}

const traversal = (machine: AnyStateMachine, input: ProcedureInput) => ({
  input,
  events: () => allEvents(machine),
  serializeState: serializeByControl,
  limit: 100_000,
});

/** Simple paths from the initial state to every reachable state. */
export function simplePaths(
  machine: AnyStateMachine,
  input: ProcedureInput,
): StatePath<AnyMachineSnapshot, GraphEvent>[] {
  return getSimplePaths(machine, traversal(machine, input)) as StatePath<AnyMachineSnapshot, GraphEvent>[];
}

/** The leaf-state names along a path, the initial state first. */
export function pathStates(path: StatePath<AnyMachineSnapshot, GraphEvent>): string[] {
  return path.steps.map((s) => leaf(s.state));
}

/** The reachable states and their transitions (xstate/graph types them as any for AnyStateMachine). */
type Adjacency = Record<
  string,
  { state: AnyMachineSnapshot; transitions: Record<string, { state: AnyMachineSnapshot; event: GraphEvent }> }
>;
const adjacency = (machine: AnyStateMachine, input: ProcedureInput): Adjacency =>
  getAdjacencyMap(machine, traversal(machine, input)) as Adjacency;

/** States reachable from the initial state, and for each one whether a final state is reachable from it. */
export function finalReachability(machine: AnyStateMachine, input: ProcedureInput): Map<string, boolean> {
  const adj = adjacency(machine, input);
  const canFinish = new Set<string>();
  for (const [key, v] of Object.entries(adj)) if (v.state.status === 'done') canFinish.add(key);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [key, v] of Object.entries(adj)) {
      if (canFinish.has(key)) continue;
      const next = Object.values(v.transitions).map((t) => serializeByControl(t.state));
      if (next.some((n) => canFinish.has(n))) {
        canFinish.add(key);
        grew = true;
      }
    }
  }
  return new Map(Object.entries(adj).map(([key, v]) => [`${leaf(v.state)} ${key}`, canFinish.has(key)]));
}

/** Every state node of the machine with its dotted path. */
export function allStateNodes(machine: AnyStateMachine): { path: string; node: AnyStateNode }[] {
  return getStateNodes(machine.root).map((node: AnyStateNode) => ({ path: node.path.join('.'), node }));
}

export interface Edge {
  from: string;
  event: string;
  to: string;
  fromContext: ProcedureContext;
  toContext: ProcedureContext;
}

/** Every transition between reachable states (simple paths never revisit, so resume edges show here). */
export function edges(machine: AnyStateMachine, input: ProcedureInput): Edge[] {
  const adj = adjacency(machine, input);
  return Object.values(adj).flatMap((v) =>
    // the traversal also tries events a state ignores; keep only real transitions
    Object.values(v.transitions)
      .filter((t) => v.state.can(t.event as never))
      .map((t) => ({
        from: leaf(v.state),
        event: t.event.type,
        to: leaf(t.state),
        fromContext: v.state.context as ProcedureContext,
        toContext: t.state.context as ProcedureContext,
      })),
  );
}
