// A temporary directory that removes itself after the test, for every test file (no heavy imports).
// A store kept there may have quiet-point guards still running: they are ended first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, onTestFinished } from 'vitest';
import { endGuardsUnder } from './guard-processes.js';

/**
 * A temp directory removed after the test: the one running (called inside a test), or the file's
 * next one (called while the file is collected). An afterEach registered inside a running test
 * never ran for it, so every such directory was left in the temp directory.
 */
export function tempDir(prefix = 'oeflow-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = async (): Promise<void> => {
    await endGuardsUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    onTestFinished(remove);
  } catch {
    afterEach(remove); // not inside a test
  }
  return dir;
}
