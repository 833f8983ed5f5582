// quietEnable asks for the quiet point only once its guard watches (src/guard/quiet-guard.ts
// guardStarted): the guard's own first record, not an earlier guard's at the same path; a guard
// process that ended without one is reported with how it ended.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArmedGuard, GuardExit } from '../../../src/guard/quiet-guard.js';
import { eventually } from '../../helpers/eventually.js';
import { builtGuard, isGuardProcess } from '../../helpers/guard-processes.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A process standing in for a guard that never records (node running `code`), as armQuietGuard returns it. */
function standIn(recordFile: string, code: string): ArmedGuard & { kill(): void } {
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  let exit: GuardExit | null = null;
  child.once('exit', (c, signal) => (exit = { code: c, signal }));
  return { pid: child.pid!, recordFile, argv: ['-e', code], exit: () => exit, kill: () => child.kill('SIGKILL') };
}

describe('guardStarted', () => {
  it('resolves watching once a real guard has written its first record', async () => {
    const dir = tempDir();
    const { armQuietGuard, guardStarted, releaseQuietGuard } = await builtGuard();
    const guard = armQuietGuard({
      runId: 'started',
      db: join(dir, 'db', 'sports'),
      dlc: join(dir, 'dlc'),
      storePath: join(dir, 'state.db'),
      maxQuietMs: 60_000,
    });
    try {
      expect(await guardStarted(guard, 30_000)).toEqual({ state: 'watching' });
    } finally {
      releaseQuietGuard(guard, 'stand-down');
      await eventually(() => !isGuardProcess(guard.pid), 20_000, 'the guard to stand down');
    }
  });

  it('reports a guard that ended without a record, with its exit status', async () => {
    const dir = tempDir();
    const { guardStarted } = await builtGuard();
    const guard = standIn(join(dir, 'state.db-guards', 'r.json'), 'process.exit(3)');
    expect(await guardStarted(guard, 30_000)).toEqual({ state: 'ended', how: 'exit 3' });
  });

  it("does not take an earlier guard's record at the same path for this one's", async () => {
    const dir = tempDir();
    const { guardStarted } = await builtGuard();
    const recordFile = join(dir, 'state.db-guards', 'r.json');
    mkdirSync(join(dir, 'state.db-guards'));
    writeFileSync(recordFile, JSON.stringify({ runId: 'r', guardPid: 1, outcome: 'disabled' }));
    const guard = standIn(recordFile, 'setInterval(() => {}, 1000)');
    try {
      // alive and silent: after the bound the run goes on (a slow guard still watches)
      expect(await guardStarted(guard, 300)).toEqual({ state: 'slow' });
      writeFileSync(recordFile, JSON.stringify({ runId: 'r', guardPid: guard.pid, outcome: 'watching' }));
      expect(await guardStarted(guard, 30_000)).toEqual({ state: 'watching' });
    } finally {
      guard.kill();
    }
  });
});
