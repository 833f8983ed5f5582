// After a restore with --oplock: is the target still protected (the last roll forward or retry
// that ran says so), and what the operator does next (docs/openedge.md §4.41).
import { describe, expect, it } from 'vitest';
import { targetLeftProtected } from '../../../src/app/restored-target.js';
import { restoreNextStep } from '../../../src/cli/restore-next-step.js';

describe('a restored target and ROLL FORWARD OPLOCK', () => {
  it('takes the protection from the last roll forward or retry that ran', () => {
    expect(targetLeftProtected({})).toBeUndefined();
    expect(targetLeftProtected({ rollForward: { index: 3 } })).toBeUndefined(); // no --oplock
    expect(targetLeftProtected({ rollForward: { index: 3, targetProtected: true } })).toBe(true);
    // the retry of the same file ran after its roll forward
    const retried = {
      rollForward: { index: 3, targetProtected: true },
      rollForwardRetry: { index: 3, targetProtected: false },
    };
    expect(targetLeftProtected(retried)).toBe(false);
    // an earlier file's retry, then later files rolled forward
    const later = {
      rollForward: { index: 5, targetProtected: true },
      rollForwardRetry: { index: 2, targetProtected: false },
    };
    expect(targetLeftProtected(later)).toBe(true);
  });

  it('tells the operator to roll on or end the roll forward when the target is still protected', () => {
    const next = restoreNextStep('/r/sports', true);
    expect(next).toContain('rfutil /r/sports -C roll forward oplock -a <file>');
    expect(next).toContain('rfutil /r/sports -C roll opunlock');
    expect(restoreNextStep('/r/sports', false)).toContain('then start it (proserve /r/sports)');
    expect(restoreNextStep('/r/sports', undefined)).toBe(restoreNextStep('/r/sports', false));
  });
});
