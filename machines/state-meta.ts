// The one reader of what a state holds (meta.holds / meta.holdPhase, contract.ts): which states
// may leave a quiet point raised or the database shut down is declared in the machines, and
// abandon, on-open-run and the world check before a resume ask here, never by state name.
// Pure: reads machine definitions only.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { HeldCondition, HoldPhase, StateMeta } from './contract.js';

/** What a state holds: the condition, and where the state stands in its life. */
export interface Holding {
  condition: HeldCondition;
  phase: HoldPhase;
}

/** A state node's meta as the machines declare it (contract.ts StateMeta); {} when it has none. */
export function stateMetaOf(node: AnyStateNode | null): Partial<StateMeta> {
  return (node?.meta ?? {}) as Partial<StateMeta>;
}

function holdingOf(node: AnyStateNode): Holding | null {
  const meta = stateMetaOf(node);
  if (meta.holds === undefined) return null;
  // a state that names the condition without a phase is treated as resting under it
  return { condition: meta.holds, phase: meta.holdPhase ?? 'held' };
}

/** The nodes a persisted state value names, outermost first (every region of a parallel state). */
function nodesOf(states: AnyStateNode['states'], value: unknown): AnyStateNode[] {
  if (typeof value === 'string') return Object.hasOwn(states, value) ? [states[value]!] : [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    const node = Object.hasOwn(states, key) ? states[key]! : undefined;
    return node === undefined ? [] : [node, ...nodesOf(node.states, inner)];
  });
}

/**
 * What the state at `stateValue` holds in `machine`: the innermost active state that declares
 * it (children of a compound state inherit their parent's); null when none does or the value
 * names no state of the machine.
 */
export function holdingAt(machine: AnyStateMachine, stateValue: unknown): Holding | null {
  const found = nodesOf(machine.root.states, stateValue)
    .map(holdingOf)
    .filter((h): h is Holding => h !== null);
  return found.at(-1) ?? null;
}

/** True when some state of the machine declares what it holds. */
export function declaresHoldings(machine: AnyStateMachine): boolean {
  const visit = (node: AnyStateNode): boolean =>
    holdingOf(node) !== null || Object.values(node.states).some((child) => visit(child));
  return visit(machine.root);
}
