import { describe, expect, it } from 'vitest';
import { concreteHint } from '../../../src/cli/concrete-hint.js';
import { errorCodes } from '../../../src/errors.js';

describe('concreteHint', () => {
  it('names the real run and database where the table has placeholders', () => {
    expect(concreteHint(errorCodes['OEF-053'].hint, { runId: 'run-7', db: '/db/sports' })).toBe(
      'Read the rfutil messages in `oeflow show run-7`. Retry is only for crashes; if you are sure, `oeflow resume run-7 --retry`. Otherwise restore the copy again.',
    );
    expect(concreteHint(errorCodes['OEF-054'].hint, { runId: 'run-7', db: '/db/sports' })).toContain(
      '`proquiet /db/sports disable`',
    );
  });

  it('leaves a placeholder whose value is unknown', () => {
    expect(concreteHint(errorCodes['OEF-054'].hint, { runId: 'run-7' })).toContain('proquiet <db> disable');
  });
});
