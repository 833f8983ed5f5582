import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The built CLI (dist/) that tests run in-process (test/helpers/in-process.ts) is plain JS:
// Node imports it as it is, without Vite transforming every module first.
const DIST = new RegExp(`^${resolve(import.meta.dirname, 'dist').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);

// Tests spawn real processes (the simulator, the oeflow CLI); give them room and
// keep parallelism modest so a 2-core CI machine is not oversubscribed.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    server: { deps: { external: [DIST] } },
  },
});
