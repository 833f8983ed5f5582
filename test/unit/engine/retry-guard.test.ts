import { describe, expect, it } from 'vitest';
import { unsafeRetryReason } from '../../../src/engine/retry-guard.js';

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
