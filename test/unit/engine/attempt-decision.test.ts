// The step actor's memo / replay / reconcile decisions, from journal rows alone (no store, no processes).
import { describe, expect, it } from 'vitest';
import {
  decideAttempt,
  replayOf,
  settleReconciliation,
  type DecidingStep,
} from '../../../src/engine/attempt-decision.js';
import type { Reconciliation, StepEnv } from '../../../src/steps/step.js';
import type { AttemptRow } from '../../../src/store/index.js';

const VISIT = 10; // journal seq of the transition that entered the state

/** An attempt row as the store returns it; by default attempt 1 of this visit, in doubt. */
function row(o: Partial<AttemptRow> = {}): AttemptRow {
  return {
    runId: 'run-1',
    stepKey: 'aiSwitch',
    attempt: 1,
    stepId: 'aiSwitch',
    intentSeq: VISIT + 1,
    intent: { at: '2026-12-01T08:00:00.000Z', probe: { busySeq: 4 }, effect: 'once' },
    resultSeq: null,
    outcome: null,
    output: null,
    error: null,
    ...o,
  };
}

const closed = (o: Partial<AttemptRow>): AttemptRow => row({ resultSeq: VISIT + 5, ...o });

const reconcileCalls: unknown[][] = [];
const onceStep: DecidingStep = {
  id: 'aiSwitch',
  effect: 'once',
  reconcile(now, intent) {
    reconcileCalls.push([now, intent]);
    return { verdict: 'not-done' };
  },
};
const idempotentStep: DecidingStep = { id: 'copyFiles', effect: 'idempotent' };

describe('decideAttempt', () => {
  it('runs attempt 1 when nothing is recorded', () => {
    expect(decideAttempt(undefined, VISIT, onceStep)).toEqual({ kind: 'run', attempt: 1 });
  });

  it('runs a new attempt when the latest belongs to an earlier visit of the state, whatever it recorded', () => {
    for (const earlier of [closed({ intentSeq: VISIT, outcome: 'ok' }), row({ intentSeq: 3, attempt: 2 })])
      expect(decideAttempt(earlier, VISIT, onceStep)).toEqual({ kind: 'run', attempt: earlier.attempt + 1 });
  });

  it('replays a recorded ok result with its facts, running nothing', () => {
    const d = decideAttempt(closed({ outcome: 'ok', output: { facts: { pairedSeq: 5 } } }), VISIT, onceStep);
    expect(d).toEqual({ kind: 'replay', attempt: 1, replayed: { ok: true, output: { facts: { pairedSeq: 5 } } } });
  });

  it('replays a reconciled-done attempt as done, and one without facts with empty facts', () => {
    expect(
      decideAttempt(closed({ outcome: 'reconciled-done', output: { facts: { reconciled: true } } }), VISIT, onceStep),
    ).toMatchObject({ kind: 'replay', replayed: { ok: true, output: { facts: { reconciled: true } } } });
    expect(decideAttempt(closed({ outcome: 'ok', output: null }), VISIT, onceStep)).toMatchObject({
      replayed: { ok: true, output: { facts: {} } },
    });
  });

  it('replays a recorded failure as the same failure', () => {
    const error = { kind: 'failed', code: 'OEF-216', message: 'roll forward stopped (9333)' };
    expect(decideAttempt(closed({ outcome: 'error', error }), VISIT, onceStep)).toEqual({
      kind: 'replay',
      attempt: 1,
      replayed: { ok: false, failure: error },
    });
  });

  it('replays an unreadable recorded failure as an internal error naming the attempt', () => {
    const d = decideAttempt(closed({ outcome: 'error', error: 'garbled', attempt: 3 }), VISIT, onceStep);
    expect(d).toEqual({
      kind: 'replay',
      attempt: 3,
      replayed: {
        ok: false,
        failure: {
          kind: 'failed',
          code: 'OEF-002',
          message: 'the recorded failure of aiSwitch attempt 3 cannot be read',
        },
      },
    });
  });

  it("replays an operator's done with decidedByOperator when the step cannot read its facts from the state", () => {
    const d = decideAttempt(closed({ outcome: 'decided-done', output: { facts: { note: 'x' } } }), VISIT, onceStep);
    expect(d).toMatchObject({ replayed: { ok: true, output: { facts: { decidedByOperator: true, note: 'x' } } } });
  });

  it("asks the step for its facts after an operator's done when it can read them from the state", () => {
    const seen: unknown[] = [];
    const step: DecidingStep = {
      ...onceStep,
      factsWhenDecided(now, intent) {
        seen.push(now, intent);
        return { pairedSeq: 7 };
      },
    };
    const d = decideAttempt(closed({ outcome: 'decided-done', attempt: 2 }), VISIT, step);
    expect(d).toMatchObject({
      kind: 'facts-after-decision',
      attempt: 2,
      intent: { at: '2026-12-01T08:00:00.000Z', probe: { busySeq: 4 } },
    });
    if (d.kind !== 'facts-after-decision') throw new Error(d.kind);
    expect(d.factsWhenDecided({ busySeq: 6 }, d.intent)).toEqual({ pairedSeq: 7 });
    expect(seen).toEqual([{ busySeq: 6 }, d.intent]);
  });

  it('runs the next attempt after a not-done verdict or an operator saying not done', () => {
    for (const outcome of ['reconciled-not-done', 'decided-not-done'] as const)
      expect(decideAttempt(closed({ outcome, attempt: 2 }), VISIT, onceStep)).toEqual({ kind: 'run', attempt: 3 });
  });

  it('reconciles an in-doubt attempt of a once step with the intent it recorded', async () => {
    const d = decideAttempt(row({ attempt: 2 }), VISIT, onceStep);
    expect(d).toMatchObject({
      kind: 'reconcile',
      attempt: 2,
      intent: { at: '2026-12-01T08:00:00.000Z', probe: { busySeq: 4 } },
    });
    if (d.kind !== 'reconcile') throw new Error(d.kind);
    reconcileCalls.length = 0;
    expect(await d.reconcile({ busySeq: 5 }, d.intent, {} as StepEnv)).toEqual({ verdict: 'not-done' });
    expect(reconcileCalls).toEqual([[{ busySeq: 5 }, d.intent]]);
  });

  it('reconciles an in-doubt idempotent step that declares reconcile', () => {
    const step: DecidingStep = { ...idempotentStep, reconcile: () => ({ verdict: 'not-done' }) };
    expect(decideAttempt(row(), VISIT, step)).toMatchObject({ kind: 'reconcile', attempt: 1 });
  });

  it('dates an intent recorded without its time at the epoch', () => {
    const d = decideAttempt(row({ intent: { probe: null } }), VISIT, onceStep);
    expect(d).toMatchObject({ kind: 'reconcile', intent: { at: new Date(0).toISOString(), probe: null } });
  });

  it('needs an operator for an in-doubt once step without reconcile: never runs it blindly', () => {
    expect(decideAttempt(row({ attempt: 4 }), VISIT, { id: 'sequence', effect: 'once' })).toEqual({
      kind: 'needs-decision',
      attempt: 4,
      why: 'sequence is a once step without reconcile',
    });
  });

  it('runs an in-doubt idempotent step without reconcile, or any read step, again', () => {
    expect(decideAttempt(row(), VISIT, idempotentStep)).toEqual({
      kind: 'run-again-in-doubt',
      attempt: 1,
      why: 'idempotent step: safe to run again',
    });
    const read: DecidingStep = { id: 'preflight', effect: 'read', reconcile: () => ({ verdict: 'unknown', why: '' }) };
    expect(decideAttempt(row({ attempt: 2 }), VISIT, read)).toEqual({
      kind: 'run-again-in-doubt',
      attempt: 2,
      why: 'read step: safe to run again',
    });
  });
});

describe('replayOf', () => {
  it('has nothing to replay for an attempt without a result', () => {
    expect(replayOf(row())).toBeNull();
  });
});

describe('settleReconciliation', () => {
  it('records done with the facts as persisted (undefined dropped) and reconciled: true', () => {
    const verdict: Reconciliation = { verdict: 'done', facts: { pairedSeq: 5, gone: undefined } };
    expect(settleReconciliation(verdict)).toEqual({
      next: 'done',
      result: { outcome: 'reconciled-done', output: { facts: { pairedSeq: 5, reconciled: true } } },
    });
  });

  it('records not-done and runs again', () => {
    expect(settleReconciliation({ verdict: 'not-done' })).toEqual({
      next: 'run-again',
      result: { outcome: 'reconciled-not-done', output: { why: 'probe shows the command did not take effect' } },
    });
  });

  it("records a failed command's failure as the attempt's error", () => {
    const f = { kind: 'failed', code: 'OEF-216', message: 'stopped' } as const;
    expect(settleReconciliation({ verdict: 'failed', failure: f })).toEqual({
      next: 'fail',
      result: { outcome: 'error', error: f },
    });
  });

  it('records an interrupted roll forward as OEF-213 (only retry may continue it)', () => {
    expect(settleReconciliation({ verdict: 'interrupted', why: 'crashed half way' })).toEqual({
      next: 'fail',
      result: { outcome: 'error', error: { kind: 'interrupted', code: 'OEF-213', message: 'crashed half way' } },
    });
  });

  it('records no result for unknown: the attempt stays in doubt until an operator decides', () => {
    expect(settleReconciliation({ verdict: 'unknown', why: 'sequence moved by 2' })).toEqual({
      next: 'needs-decision',
      why: 'sequence moved by 2',
    });
  });
});
