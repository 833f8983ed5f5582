// "Awaiting decision" as a state of the machine (docs/architecture.md §5.3): a step state built
// with `canBeInDoubt` (machines/step-state.ts) sends an in-doubt attempt to its sibling
// `<step>AwaitingDecision`, which withDecisionStates() adds here. The run rests there with status
// `needs-decision`; `oeflow resolve` journals the operator's decision and the next resume sends
// DECIDED, which goes back into the step: its actor replays the decision from the journal (done:
// the step's facts and its own onDone branches; not-done: a new attempt), so the ways out of a
// step stay written once, in the step. RESUME without a decision goes back to reconcile again.
// The awaiting state holds what its step holds and takes the step's own ABORT / WORLD_CHANGED,
// so an abort under a quiet point or a shut-down database still passes its compensation.
// Pure: machine definitions only.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { StateMeta } from './contract.js';
import { stateMetaOf } from './state-meta.js';
import { awaitingDecisionKey } from './step-state.js';

/** The parts of a state config this module reads (the machines' own configs are wider). */
interface StateConfigLike {
  description?: string;
  meta?: Partial<StateMeta>;
  on?: Record<string, unknown>;
  states?: Record<string, StateConfigLike>;
}

/** The awaiting-decision state of the step state `key` (built with canBeInDoubt). */
function awaitingDecisionState(key: string, step: StateConfigLike) {
  const { kb = '', holds, holdPhase } = step.meta ?? {};
  return {
    description: `An operator decides whether ${key} took effect (oeflow resolve --as done|not-done), then resumes`,
    meta: {
      kb,
      status: 'needs-decision',
      decides: key,
      ...(holds === undefined ? {} : { holds, holdPhase }),
    } satisfies StateMeta,
    // leaving by any way: the in-doubt reason no longer applies (procedure-setup.ts)
    exit: ['clearInDoubt'],
    on: {
      // the step's own ABORT / WORLD_CHANGED / WATCHDOG: the same compensation as from the step
      ...step.on,
      DECIDED: { target: key },
      RESUME: { target: key },
    },
  };
}

/**
 * The states of a machine (or of a compound state), with an awaiting-decision sibling added next
 * to every step state that can be left in doubt, at every level.
 */
export function withDecisionStates<S>(states: S): S {
  const out: Record<string, object> = {};
  for (const [key, config] of Object.entries(states as Record<string, StateConfigLike>)) {
    const nested = config.states === undefined ? config : { ...config, states: withDecisionStates(config.states) };
    out[key] = nested;
    const decidedIn = config.meta?.decidedIn;
    if (decidedIn === undefined) continue;
    // the step's onError names this sibling by the state id: the key must be the same
    if (decidedIn !== awaitingDecisionKey(key))
      throw new Error(`step state ${key} waits in ${decidedIn}: its stateId must equal its key`);
    out[decidedIn] = awaitingDecisionState(key, config);
  }
  return out as S;
}

/** The innermost active node a persisted state value names (first region of a parallel state). */
function leafAt(machine: AnyStateMachine, value: unknown): AnyStateNode | null {
  let states = machine.root.states;
  let node: AnyStateNode | null = null;
  let v = value;
  for (;;) {
    if (typeof v === 'string') return Object.hasOwn(states, v) ? states[v]! : null;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return node;
    const entry = Object.entries(v as Record<string, unknown>)[0];
    if (entry === undefined) return node;
    const [key, inner] = entry;
    if (!Object.hasOwn(states, key)) return null;
    node = states[key]!;
    states = node.states;
    v = inner;
  }
}

/** The key of the step state whose in-doubt attempt the run waits on, or null when it rests elsewhere. */
export function awaitingDecisionOf(machine: AnyStateMachine, stateValue: unknown): string | null {
  return stateMetaOf(leafAt(machine, stateValue)).decides ?? null;
}

/** True when the step state at `stateValue` has an awaiting-decision state (definitions before 0.4.0 have none). */
export function hasDecisionState(machine: AnyStateMachine, stateValue: unknown): boolean {
  return stateMetaOf(leafAt(machine, stateValue)).decidedIn !== undefined;
}

/**
 * True when a transition from `from` to `to` stays within one visit of a step: into its
 * awaiting-decision state or back from it. The step's attempts of that visit still belong to
 * it (the decision settles the attempt that was in doubt; src/engine/attempt-decision.ts).
 */
export function continuesVisit(machine: AnyStateMachine, from: unknown, to: unknown): boolean {
  const a = leafAt(machine, from);
  const b = leafAt(machine, to);
  if (a === null || b === null || a.parent !== b.parent) return false;
  return stateMetaOf(a).decides === b.key || stateMetaOf(b).decides === a.key;
}
