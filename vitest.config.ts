import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/helpers/sequencer.js';

// The built CLI (dist/) that tests run in-process (test/helpers/in-process.ts) is plain JS:
// Node imports it as it is, without Vite transforming every module first.
const DIST = new RegExp(`^${resolve(import.meta.dirname, 'dist').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);

// Test files share one process per worker (isolate: false): a fresh process per file imports
// vitest, execa, SQLite and the built CLI again, about 1 s of CPU per file (measured on the e2e
// files: 16 files, 94–103 s of CPU shared against 112–117 s isolated). They restore what they
// change (process.env, cwd, signal handlers: test/helpers/in-process.ts; useInProcessCli ends with
// its file). A file that mocks a module (vi.mock) would leak the mock into the files after it in
// that process, so it keeps a process of its own.
const UNIT = ['test/unit/**/*.test.ts', 'test/machines/**/*.test.ts'];
const MOCKS_MODULES = ['test/unit/copy/copier-worker.test.ts'];

// Tests spawn real processes (the simulator, the oeflow CLI); give them room and
// keep parallelism modest so a 2-core CI machine is not oversubscribed.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    server: { deps: { external: [DIST] } },
    sequence: { sequencer: LongestFirstSequencer },
    globalSetup: ['test/helpers/global-teardown.ts'],
    // vitest queues projects by name: the process-heavy files ('e2e…') before the quick unit ones
    projects: [
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: UNIT, isolate: false } },
      { extends: true, test: { name: 'unit', include: UNIT, exclude: MOCKS_MODULES, isolate: false } },
      { extends: true, test: { name: 'unit-mocks', include: MOCKS_MODULES } },
    ],
  },
});
