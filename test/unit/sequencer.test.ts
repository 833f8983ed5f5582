// The suite's own file order (test/helpers/sequencer.ts): crash tests first on a clean clone,
// vitest's measured order once an earlier run left durations.
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { LongestFirstSequencer } from '../helpers/sequencer.js';

const ROOT = '/repo';
const SIZES: Record<string, number> = {
  'test/e2e/guards.test.ts': 28_000,
  'test/e2e/verify.test.ts': 6_000,
  'test/crash/offline-backup.test.ts': 1_900,
  'test/crash/roll-forward.test.ts': 9_200,
  'test/unit/errors.test.ts': 900,
};

function spec(project: string, path: string): TestSpecification {
  return {
    project: { name: project, config: { sequence: { groupOrder: 0 }, isolate: project === 'e2e' } },
    moduleId: `${ROOT}/${path}`,
  } as unknown as TestSpecification;
}

function sequencer(durations: Record<string, number> | null): LongestFirstSequencer {
  const ctx = {
    config: { root: ROOT },
    cache: {
      getFileTestResults: (key: string) => {
        const d = durations?.[key];
        return d === undefined ? undefined : { duration: d, failed: false };
      },
      getFileStats: (key: string) => ({ size: SIZES[key.slice(key.indexOf(':') + 1)] ?? 0 }),
    },
  };
  return new LongestFirstSequencer(ctx as unknown as Vitest);
}

const files = [
  spec('unit', 'test/unit/errors.test.ts'),
  spec('e2e', 'test/e2e/verify.test.ts'),
  spec('e2e', 'test/crash/offline-backup.test.ts'),
  spec('e2e', 'test/e2e/guards.test.ts'),
  spec('e2e', 'test/crash/roll-forward.test.ts'),
];
const paths = (sorted: TestSpecification[]) => sorted.map((f) => f.moduleId.slice(ROOT.length + 1));

describe('LongestFirstSequencer', () => {
  it('without earlier durations starts the crash tests first, then the largest files, project by project', async () => {
    expect(paths(await sequencer(null).sort(files))).toEqual([
      'test/crash/roll-forward.test.ts',
      'test/crash/offline-backup.test.ts',
      'test/e2e/guards.test.ts',
      'test/e2e/verify.test.ts',
      'test/unit/errors.test.ts',
    ]);
  });

  it('with earlier durations keeps vitest’s longest-first order', async () => {
    const durations = {
      'unit:test/unit/errors.test.ts': 10,
      'e2e:test/e2e/verify.test.ts': 5_000,
      'e2e:test/crash/offline-backup.test.ts': 40_000,
      'e2e:test/e2e/guards.test.ts': 130_000,
      'e2e:test/crash/roll-forward.test.ts': 60_000,
    };
    expect(paths(await sequencer(durations).sort(files))).toEqual([
      'test/e2e/guards.test.ts',
      'test/crash/roll-forward.test.ts',
      'test/crash/offline-backup.test.ts',
      'test/e2e/verify.test.ts',
      'test/unit/errors.test.ts',
    ]);
  });
});
