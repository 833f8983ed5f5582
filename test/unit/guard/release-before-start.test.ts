// A run that releases its quiet-point guard before the guard's node has started (a clone copy
// takes milliseconds; node takes ~100 ms to start) on the store's first quiet point: the release
// file's directory did not exist yet, the fallback signal killed the guard before it had a handler,
// and neither the guard's double-check nor its record happened. The release must reach it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { builtGuard, isGuardProcess } from '../../helpers/guard-processes.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('a guard released before it started', () => {
  it("is honoured on the store's first quiet point: the guard double-checks and records it", async () => {
    const dir = tempDir();
    const { armQuietGuard, releaseFile, releaseQuietGuard } = await builtGuard();
    const store = join(dir, 'state.db');
    expect(existsSync(`${store}-guards`)).toBe(false);
    // no database log: the quiet point was never enabled, which the guard finds and records
    const guard = armQuietGuard({
      runId: 'early',
      db: join(dir, 'db', 'sports'),
      dlc: join(dir, 'dlc'),
      storePath: store,
      maxQuietMs: 60_000,
    });
    releaseQuietGuard(guard, 'finalize');
    expect(existsSync(releaseFile(guard.recordFile)), 'the release file').toBe(true);
    await eventually(() => !isGuardProcess(guard.pid), 20_000, 'the guard to finish');
    expect(JSON.parse(readFileSync(guard.recordFile, 'utf8'))).toMatchObject({
      runId: 'early',
      guardPid: guard.pid,
      outcome: 'never-enabled',
    });
    expect(existsSync(releaseFile(guard.recordFile)), 'the guard removes the release file').toBe(false);
  });
});
