// The step actor's decisions, as pure functions of what the journal recorded (docs/architecture.md
// §5.2, §5.3): on entry, memo (replay a recorded result), reconcile an in-doubt attempt, or run a
// new attempt; after a reconcile, which result row settles the attempt and what happens next.
// The step actor (step-actor.ts) does the I/O these decisions call for.
import type { StepOutput } from '../../machines/contract.js';
import type { Intent, Reconciliation, Step, StepFailure } from '../steps/step.js';
import { failure } from '../steps/step.js';
import { decodeAttempt, decodeIntent, type AttemptRow } from '../store/index.js';

/** What the decision reads of a step: its effect class and the optional parts it declares. */
export type DecidingStep = Pick<Step<unknown>, 'id' | 'effect' | 'reconcile' | 'factsWhenDecided'>;
type Reconcile = NonNullable<DecidingStep['reconcile']>;
type FactsWhenDecided = NonNullable<DecidingStep['factsWhenDecided']>;

/** A finished attempt's outcome, returned as if the step had just ended that way. */
export type Replayed = { ok: true; output: StepOutput } | { ok: false; failure: StepFailure };

/**
 * run: commit an intent for `attempt` and run the step (nothing recorded in this visit, or the
 *   last attempt did not take effect);
 * replay: the attempt has a result: return it, run nothing;
 * facts-after-decision: an operator declared the attempt done; the step reads its facts from the state now;
 * reconcile: intent without a result: probe and ask the step's reconcile;
 * run-again-in-doubt: intent without a result of a step that is safe to repeat (read, or no
 *   reconcile and not `once`): record it not done, then run `attempt + 1`;
 * needs-decision: intent without a result of a `once` step that cannot reconcile: an operator decides.
 */
export type AttemptDecision =
  | { kind: 'run'; attempt: number }
  | { kind: 'replay'; attempt: number; replayed: Replayed }
  | { kind: 'facts-after-decision'; attempt: number; intent: Intent<unknown>; factsWhenDecided: FactsWhenDecided }
  | { kind: 'reconcile'; attempt: number; intent: Intent<unknown>; reconcile: Reconcile }
  | { kind: 'run-again-in-doubt'; attempt: number; why: string }
  | { kind: 'needs-decision'; attempt: number; why: string };

/** The intent an in-doubt attempt recorded, as reconcile and factsWhenDecided read it. */
function intentOf(row: AttemptRow): Intent<unknown> {
  const data = decodeIntent(row.intent);
  return { at: data.at ?? new Date(0).toISOString(), probe: data.probe };
}

/** A finished attempt's outcome; null when the attempt did not take effect (or has no result yet). */
export function replayOf(row: AttemptRow): Replayed | null {
  const a = decodeAttempt(row);
  switch (a.outcome) {
    case 'ok':
    case 'reconciled-done':
      return { ok: true, output: { facts: a.output?.facts ?? {} } };
    case 'decided-done':
      return { ok: true, output: { facts: { decidedByOperator: true, ...(a.output?.facts ?? {}) } } };
    case 'error':
      return {
        ok: false,
        failure:
          a.error ??
          failure('failed', 'OEF-002', `the recorded failure of ${a.stepKey} attempt ${a.attempt} cannot be read`),
      };
    default: // reconciled-not-done, decided-not-done, or no result yet
      return null;
  }
}

/**
 * Decide what the step actor does on entry. `latest` is the step key's highest attempt; it belongs
 * to this visit of the state only when its intent comes after the transition that entered it
 * (`visitSeq`): an attempt of an earlier visit is history, and the step runs anew.
 */
export function decideAttempt(latest: AttemptRow | undefined, visitSeq: number, step: DecidingStep): AttemptDecision {
  const next = (latest?.attempt ?? 0) + 1;
  if (latest === undefined || latest.intentSeq <= visitSeq) return { kind: 'run', attempt: next };
  const factsWhenDecided = step.factsWhenDecided?.bind(step);
  const reconcile = step.reconcile?.bind(step);
  if (latest.outcome === 'decided-done' && factsWhenDecided !== undefined)
    return { kind: 'facts-after-decision', attempt: latest.attempt, intent: intentOf(latest), factsWhenDecided };
  const replayed = replayOf(latest);
  if (replayed !== null) return { kind: 'replay', attempt: latest.attempt, replayed };
  if (latest.outcome !== null) return { kind: 'run', attempt: next }; // recorded as not done: run again
  // in doubt: an intent without a result
  if (step.effect === 'read' || reconcile === undefined) {
    if (step.effect === 'once')
      return { kind: 'needs-decision', attempt: latest.attempt, why: `${step.id} is a once step without reconcile` };
    return { kind: 'run-again-in-doubt', attempt: latest.attempt, why: `${step.effect} step: safe to run again` };
  }
  return { kind: 'reconcile', attempt: latest.attempt, intent: intentOf(latest), reconcile };
}

/**
 * True when an attempt of the step may be left for an operator to decide (decideAttempt's
 * needs-decision, or a reconcile answering `unknown`): its machine states are built with
 * `canBeInDoubt` so the run waits in an awaiting-decision state (machines/decision-state.ts).
 */
export function canEndInDoubt(step: DecidingStep): boolean {
  return step.effect !== 'read' && (step.effect === 'once' || step.reconcile !== undefined);
}

/**
 * How a reconcile verdict settles the in-doubt attempt: the result row to record (none for
 * `unknown`: the attempt stays in doubt until an operator decides) and what the actor does next.
 */
export type Settlement =
  | { next: 'done'; result: { outcome: 'reconciled-done'; output: StepOutput } }
  | { next: 'run-again'; result: { outcome: 'reconciled-not-done'; output: { why: string } } }
  | { next: 'fail'; result: { outcome: 'error'; error: StepFailure } }
  | { next: 'needs-decision'; why: string };

export function settleReconciliation(verdict: Reconciliation): Settlement {
  switch (verdict.verdict) {
    case 'done': {
      // JSON round trip: the output is what the store persists and a replay returns (undefined members dropped)
      const output = JSON.parse(JSON.stringify({ facts: { ...verdict.facts, reconciled: true } })) as StepOutput;
      return { next: 'done', result: { outcome: 'reconciled-done', output } };
    }
    case 'not-done':
      return {
        next: 'run-again',
        result: { outcome: 'reconciled-not-done', output: { why: 'probe shows the command did not take effect' } },
      };
    case 'failed':
      return { next: 'fail', result: { outcome: 'error', error: verdict.failure } };
    case 'interrupted':
      return { next: 'fail', result: { outcome: 'error', error: failure('interrupted', 'OEF-213', verdict.why) } };
    case 'unknown':
      return { next: 'needs-decision', why: verdict.why };
  }
}
