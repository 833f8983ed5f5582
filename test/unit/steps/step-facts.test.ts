// The typed facts map: a fact reads as its declared type, and anything else as undefined.
import { describe, expect, it } from 'vitest';
import { fact } from '../../../src/steps/step-facts.js';

describe('fact', () => {
  it('reads a recorded fact with its type, and a missing or mistyped one as undefined', () => {
    const facts = {
      quietDisable: { quietWindowMs: 42 },
      prepareCopy: { copyMethod: 7 },
      copyFiles: { structure: { warning: 'stale .st' } },
      shutdown: 'not an object',
    };
    expect(fact(facts, 'quietDisable', 'quietWindowMs')).toBe(42);
    expect(fact(facts, 'prepareCopy', 'copyMethod')).toBeUndefined();
    expect(fact(facts, 'copyFiles', 'structure')).toBe('stale .st');
    expect(fact(facts, 'shutdown', 'shutdownAt')).toBeUndefined();
    expect(fact(facts, 'recordBackup', 'backupId')).toBeUndefined();
  });
});
