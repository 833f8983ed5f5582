import { defineConfig } from 'vitest/config';

// Tests spawn real processes (the simulator, the oeflow CLI); give them room and
// keep parallelism modest so a 2-core CI machine is not oversubscribed.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
