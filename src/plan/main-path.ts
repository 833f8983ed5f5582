// The main path of a procedure machine for one input (docs/architecture.md §4): the step
// states a run passes through when every step succeeds, each with the commands its step
// declares. Walked through the machine itself (xstate's pure transition), so `--plan`, the
// crash tests' kill points and the charts all follow the machine, and no list of steps is
// kept by hand anywhere.
import {
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
} from 'xstate';
import type { ProcedureContext, ProcedureInput, StepInput } from '../../machines/contract.js';
import type { StepFailure } from '../steps/step.js';
import { stateName } from '../engine/run-status.js';
import { steps } from '../steps/index.js';
import type { DeclaredCommand, Effect, PlanWorld, Step } from '../steps/step.js';

/** One visit of a step state on the main path. */
export interface PathStep {
  /** Dotted state path, e.g. `quiesced.copyFiles`. */
  state: string;
  /** The invoke id: the step's done event is `xstate.done.actor.<invokeId>`. */
  invokeId: string;
  /** The memo key of the attempt (`rollForward#1`): what the journal and the crash hooks name. */
  stepKey: string;
  stepId: string;
  /** The article step the state implements (a shared step module serves several). */
  kb: string;
  effect: Effect;
  commands: DeclaredCommand[];
}

/** A step registry: the real one (src/steps/index.ts), or a test's. */
export type StepRegistry = Readonly<Record<string, Step<never>>>;

/** The active state nodes of a state value, outermost first. */
function activeNodes(parent: AnyStateNode, value: unknown): AnyStateNode[] {
  if (typeof value === 'string') {
    const node = Object.hasOwn(parent.states, value) ? parent.states[value] : undefined;
    return node ? [node] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    const node = Object.hasOwn(parent.states, key) ? parent.states[key] : undefined;
    return node ? [node, ...activeNodes(node, inner)] : [];
  });
}

/** The `step` invocation of the state the snapshot rests in, with the input it would pass (none: a resting state). */
function stepInvocation(machine: AnyStateMachine, snap: AnyMachineSnapshot): { id: string; input: StepInput } | null {
  for (const node of activeNodes(machine.root, snap.value).reverse()) {
    for (const invoke of node.invoke) {
      if (invoke.src !== 'step') continue;
      // step states build their input from the context alone (machines/step-state.ts)
      const build = (invoke as { input?: unknown }).input;
      if (typeof build !== 'function') continue;
      const input = (build as (a: { context: ProcedureContext }) => StepInput)({
        context: snap.context as ProcedureContext,
      });
      return { id: invoke.id, input };
    }
  }
  return null;
}

/**
 * The step states a run of `machine` on `input` visits when every step succeeds and returns the
 * facts its declaration plans (`world`: what a plan read from the live database). Ends at a
 * final state, or at a state that waits for an event rather than a step.
 */
export function mainPath(
  machine: AnyStateMachine,
  input: ProcedureInput,
  world: PlanWorld = {},
  registry: StepRegistry = steps,
): PathStep[] {
  return walk(machine, input, world, registry, null);
}

/**
 * The path of a run in which the step visited as `failingStepKey` fails (a utility call that
 * returned an error) and every other step succeeds: the main path up to it, then the states the
 * machine takes on that failure (a compensation such as disabling the quiet point, or none).
 */
export function pathAfterFailure(
  machine: AnyStateMachine,
  input: ProcedureInput,
  world: PlanWorld,
  failingStepKey: string,
  registry: StepRegistry = steps,
): PathStep[] {
  return walk(machine, input, world, registry, failingStepKey);
}

// a utility call that ran and failed, as requireSuccess (steps/probes.ts) reports it; never an invariant's refusal
const COMMAND_FAILED: StepFailure = {
  kind: 'failed',
  code: 'OEF-050',
  message: 'the command failed (planned failure)',
};

function walk(
  machine: AnyStateMachine,
  input: ProcedureInput,
  world: PlanWorld,
  registry: StepRegistry,
  failingStepKey: string | null,
): PathStep[] {
  // a machine whose done events loop would never end: every file once, plus room for the steps
  const maxVisits = 100 + 2 * (input.aiFiles?.length ?? input.aiFileCount ?? 0);
  const path: PathStep[] = [];
  let [snap] = initialTransition(machine, input) as [AnyMachineSnapshot, unknown];
  while (snap.status === 'active') {
    const invoked = stepInvocation(machine, snap);
    if (invoked === null) break;
    const step = registry[invoked.input.stepId];
    if (step === undefined) throw new Error(`${machine.id}: no step module declares ${invoked.input.stepId}`);
    if (path.length >= maxVisits) throw new Error(`${machine.id}: the main path does not end (${invoked.id})`);
    const declared = { input, aiIndex: (snap.context as ProcedureContext).aiIndex, world };
    path.push({
      state: stateName(snap.value),
      invokeId: invoked.id,
      stepKey: invoked.input.stepKey,
      stepId: step.id,
      kb: invoked.input.kb ?? step.kb,
      effect: step.effect,
      commands: step.commands(declared),
    });
    const event =
      invoked.input.stepKey === failingStepKey
        ? { type: `xstate.error.actor.${invoked.id}`, error: COMMAND_FAILED }
        : { type: `xstate.done.actor.${invoked.id}`, output: { facts: step.plannedFacts?.(declared) ?? {} } };
    [snap] = transition(machine, snap, event) as [AnyMachineSnapshot, unknown];
  }
  return path;
}
