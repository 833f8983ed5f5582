// OFFLINE-5's reads (issue 9, docs/architecture.md §4 "Reads not repeated"): the offline copy
// makes no `proutil -C busy` of its own; verifyNotInUseBefore and verifyNotInUseAfter around it
// are the checks that nothing touched the database.
import { describe, expect, it } from 'vitest';
import type { OpenEdgeTools } from '../../../src/openedge/tools.js';
import { copyFiles } from '../../../src/steps/copy-files.js';
import type { Step } from '../../../src/steps/step.js';
import { fakeStepEnv } from '../../helpers/step-env.js';

/** Tools that fail the test on any utility call or .lk read. */
const noCalls = new Proxy({} as OpenEdgeTools, {
  get: (_t, name) => () => {
    throw new Error(`unexpected call: ${String(name)}`);
  },
});

describe('copyFiles reads', () => {
  it.each(['offline-backup', 'online-backup'] as const)(
    'reads nothing of the database before a %s copy',
    async (procedure) => {
      const env = fakeStepEnv({
        stepKey: 'copyFiles',
        tools: noCalls,
        input: { procedure, db: '/db/sports', destination: '/bk' },
        facts: {},
      });
      // through the Step interface, as the step actor calls it
      const step: Step<null> = copyFiles;
      await expect(step.probe(env)).resolves.toBeNull();
    },
  );
});
