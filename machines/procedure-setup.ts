// What the three procedure machines share: the context/input/event types, the
// placeholder `step` actor the engine replaces through provide(), the initial context,
// and the assign-only actions. Guards stay with each machine (they are its invariants).
import { assign, fromPromise } from 'xstate';
import type {
  Json,
  ProcedureContext,
  ProcedureEvent,
  ProcedureInput,
  StepFailure,
  StepInput,
  StepOutput,
} from './contract.js';

/** Fails loudly when a machine is started without the engine's step actor (docs/architecture.md §9.2). */
export const stepPlaceholder = fromPromise<StepOutput, StepInput>(async ({ input }) => {
  throw new Error(`step actor not provided (step ${input.stepId}): the engine must provide() it`);
});

export const procedureTypes = {
  context: {} as ProcedureContext,
  input: {} as ProcedureInput,
  events: {} as ProcedureEvent,
};

/** Context at the start of every run: only the input, nothing learned yet. */
export function initialContext({ input }: { input: ProcedureInput }): ProcedureContext {
  return { input, facts: {}, aiIndex: 0, rollForwardStarted: false, failure: null };
}

type Assign<P> = ReturnType<typeof assign<ProcedureContext, ProcedureEvent, P, ProcedureEvent, never>>;

/** facts[stepId] = the step's output facts (params come from the done event). */
export const recordFacts: Assign<{ stepId: string; facts: { [key: string]: Json } }> = assign(
  ({ context }, params: { stepId: string; facts: { [key: string]: Json } }) => ({
    facts: { ...context.facts, [params.stepId]: params.facts },
  }),
);

/** The failure that ends (or halts) the run, for the report. */
export const recordFailure: Assign<{ failure: StepFailure }> = assign((_args, params: { failure: StepFailure }) => ({
  failure: params.failure,
}));

/**
 * A compensation failed: keep the original failure (why the run stopped) and add the
 * compensation's own, so the engine can report loudly that the database may still be
 * quiesced. With no earlier failure (abort), the compensation's failure is the cause.
 */
export const recordCompensationFailure: Assign<{ failure: StepFailure }> = assign(
  ({ context }, params: { failure: StepFailure }) => ({
    failure: context.failure ?? params.failure,
    compensationFailure: params.failure,
  }),
);

/** A resume found the world changed (WORLD_CHANGED): the run starts over and says why. */
export const recordRestart: Assign<{ reason: string }> = assign((_args, params: { reason: string }) => ({
  restartedBecause: params.reason,
}));

/** The step's attempt is in doubt (machines/decision-state.ts): why the run waits for an operator. */
export const recordInDoubt: Assign<{ failure: StepFailure }> = assign((_args, params: { failure: StepFailure }) => ({
  inDoubt: params.failure,
}));

/** The run leaves an awaiting-decision state: the in-doubt reason no longer applies. */
export const clearInDoubt: Assign<undefined> = assign({ inDoubt: undefined });
