// Builds the one shape every step state has (docs/architecture.md §9.5): an invoke of the engine's
// `step` actor with a stable id, facts recorded on success, the failure recorded on
// error, a description and the article step in meta.kb.
import type { DoneActorEvent, ErrorActorEvent } from 'xstate';
import type {
  HeldCondition,
  HoldPhase,
  KbStep,
  ProcedureContext,
  StepFailure,
  StepInput,
  StepOutput,
} from './contract.js';

/** A branch of onDone/onError; G and A are the machine's own guard/action references. */
export interface Branch<G, A> {
  target: string;
  guard?: G;
  reenter?: boolean;
  /** Extra actions, run after the facts/failure have been recorded. */
  actions?: readonly A[];
}

/**
 * How a step's error is recorded: as the run's failure, or — for a compensation
 * (quietDisable after a failure/abort/timeout) — next to the failure that caused it.
 */
export type ErrorRecord = 'recordFailure' | 'recordCompensationFailure';

/** D* type the onDone branches, E* the onError ones (kept apart so each infers on its own). */
export interface StepSpec<GD, AD, GE, AE> {
  /** Step module id in src/steps (several states may run the same step). */
  stepId: string;
  /** State id; also the invoke id, so events read `xstate.done.actor.<stateId>`. */
  stateId: string;
  kb: KbStep;
  description: string;
  /** States entered in a loop suffix their memo key with `#<aiIndex>`. */
  keyedByAiIndex?: boolean;
  /** What the database is held in while the run is in this state (meta.holds, machines/state-meta.ts). */
  holds?: { condition: HeldCondition; phase: HoldPhase };
  /**
   * The step can be left in doubt (it changes the database and has a reconcile that may answer
   * `unknown`): an in-doubt attempt waits in the sibling `<stateId>AwaitingDecision` that
   * withDecisionStates() adds (machines/decision-state.ts) until an operator decides.
   */
  canBeInDoubt?: boolean;
  onDone: readonly Branch<GD, AD>[];
  onError: readonly Branch<GE, AE>[];
}

/** Key of the sibling state in which an in-doubt attempt of the step state `stateKey` waits for an operator. */
export function awaitingDecisionKey(stateKey: string): string {
  return `${stateKey}AwaitingDecision`;
}

/** The step actor rejected because its attempt is in doubt (contract.ts StepFailure.kind). */
function inDoubt({ event }: { event: ErrorActorEvent }): boolean {
  return (event.error as Partial<StepFailure> | null)?.kind === 'in-doubt';
}

/** The stepKey of an attempt: the state id, plus `#<aiIndex>` for looping states. */
export function stepKeyOf(stateId: string, keyedByAiIndex: boolean, context: ProcedureContext): string {
  return keyedByAiIndex ? `${stateId}#${context.aiIndex}` : stateId;
}

/** A step state: invoke `step` with {stepId, stepKey, context}; record facts or failure. */
export function stepState<GD = never, AD = never, GE = never, AE = never>(spec: StepSpec<GD, AD, GE, AE>) {
  return buildStepState(spec, 'recordFailure');
}

/** A compensation step state: its error is recorded next to the failure that caused it. */
export function compensationState<GD = never, AD = never, GE = never, AE = never>(spec: StepSpec<GD, AD, GE, AE>) {
  return buildStepState(spec, 'recordCompensationFailure');
}

function buildStepState<GD, AD, GE, AE, R extends ErrorRecord>(spec: StepSpec<GD, AD, GE, AE>, errorRecord: R) {
  const { stepId, stateId, kb, description, keyedByAiIndex = false, holds, canBeInDoubt = false } = spec;
  const recordFacts = {
    type: 'recordFacts' as const,
    params: ({ event }: { event: DoneActorEvent<StepOutput> }) => ({ stepId, facts: event.output.facts }),
  };
  const recordFailure = {
    type: errorRecord,
    // the engine's step actor always rejects with a plain StepFailure (contract.ts)
    params: ({ event }: { event: ErrorActorEvent }) => ({ failure: event.error as StepFailure }),
  };
  const branch = <G, A, R>(b: Branch<G, A>, record: R) => ({
    target: b.target,
    ...(b.guard === undefined ? {} : { guard: b.guard }),
    ...(b.reenter === undefined ? {} : { reenter: b.reenter }),
    actions: [record, ...(b.actions ?? [])],
  });
  // an in-doubt attempt is no failure: it waits for an operator, first of the error branches
  // typed as no branch: a machine whose states cannot be in doubt need not register recordInDoubt
  // (procedure-setup.ts); one that uses canBeInDoubt registers it (test/machines check it is recorded)
  const toAwaitingDecision = (
    canBeInDoubt
      ? [
          {
            target: awaitingDecisionKey(stateId),
            guard: inDoubt,
            actions: [{ ...recordFailure, type: 'recordInDoubt' }],
          },
        ]
      : []
  ) as [];
  return {
    description,
    meta: {
      kb,
      ...(holds === undefined ? {} : { holds: holds.condition, holdPhase: holds.phase }),
      ...(canBeInDoubt ? { decidedIn: awaitingDecisionKey(stateId) } : {}),
    },
    invoke: {
      id: stateId,
      src: 'step' as const,
      input: ({ context }: { context: ProcedureContext }): StepInput => ({
        stepId,
        stepKey: stepKeyOf(stateId, keyedByAiIndex, context),
        context,
        kb,
      }),
      onDone: spec.onDone.map((b) => branch(b, recordFacts)),
      onError: [...toAwaitingDecision, ...spec.onError.map((b) => branch(b, recordFailure))],
    },
  };
}
