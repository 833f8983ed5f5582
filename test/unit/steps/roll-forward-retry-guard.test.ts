import { describe, expect, it } from 'vitest';
import { refuseUnsafeRetry, unsafeRetryReason } from '../../../src/steps/roll-forward-retry-guard.js';
import { rollForward, rollForwardRetry } from '../../../src/steps/roll-forward.js';
import type { RunRecord } from '../../../src/steps/step.js';

describe('unsafeRetryReason', () => {
  it('refuses retry after a sequence or timestamp mismatch or a system error (retry would skip the check)', () => {
    expect(unsafeRetryReason([8019, 831, 832, 833, 11014], [])).toMatch(/8019, 831, 832, 833/);
    expect(unsafeRetryReason([831, 832, 833, 11014], [])).toMatch(/831/);
    expect(unsafeRetryReason([1028, 8999], [])).toMatch(/1028/);
  });

  it('refuses retry once the target was opened after the roll forward began', () => {
    expect(unsafeRetryReason([11014], [333])).toMatch(/opened since the roll forward began/);
  });

  it('leaves the decision to the operator otherwise (e.g. a file that could not be opened, or 9333)', () => {
    expect(unsafeRetryReason([11014], [])).toBeNull();
    expect(unsafeRetryReason([9333], [])).toBeNull();
  });
});

describe('the roll forward steps answer resume --retry (Step.refuseOperatorRetry)', () => {
  const record = (messages: number[]): RunRecord => ({
    runId: 'run-1',
    db: '/nonexistent/oeflow-test/target.db',
    attempts: [
      { stepId: 'aiSequence', stepKey: 'aiSequence', at: '2026-01-01T00:00:00.000Z' },
      { stepId: 'rollForward', stepKey: 'rollForward#0', at: '2026-01-01T00:00:01.000Z' },
      { stepId: 'rollForwardRetry', stepKey: 'rollForwardRetry#0', at: '2026-01-01T00:00:02.000Z' },
    ],
    commands: [
      { stepKey: 'rollForward#0', messages: [{ number: 8019 }] },
      { stepKey: 'rollForwardRetry#0', messages: messages.map((number) => ({ number })) },
    ],
  });

  it('declare the hook on both roll forward steps', () => {
    expect(rollForward.refuseOperatorRetry).toBe(refuseUnsafeRetry);
    expect(rollForwardRetry.refuseOperatorRetry).toBe(refuseUnsafeRetry);
  });

  it('refuse with OEF-214 from the messages of the last roll forward command', () => {
    expect(refuseUnsafeRetry(record([1028, 8999]))).toMatchObject({
      code: 'OEF-214',
      message: expect.stringMatching(/^roll forward retry refused for run run-1: .*1028/) as unknown,
    });
    // the earlier 8019 belongs to another attempt: only the last roll forward's messages count
    expect(refuseUnsafeRetry(record([9333]))).toBeNull();
  });

  it('have nothing to say about a run that never rolled forward', () => {
    expect(refuseUnsafeRetry({ ...record([8019]), attempts: [] })).toBeNull();
  });
});
