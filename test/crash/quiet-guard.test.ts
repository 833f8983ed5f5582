// Issue 8: a quiet point never outlives oeflow. The run's guard (src/guard/) disables it when
// oeflow is killed (kill -9 of its process group) or hangs up, with no operator action; a
// resume then finds the quiet point gone and starts over with a new one, and abandon is safe.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { leftoverUtilities } from '../../src/engine/leftover-utilities.js';
import { quietPointOfRun } from '../../src/guard/quiet-point-log.js';
import { openStore } from '../../src/store/index.js';
import { eventually, invocations, killGroup, oeflow, spawnOeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

// The runs held under a quiet point and killed or signalled spawn (spawnOeflow); the rest run in this process.
useInProcessCli();

const newSim = useSim();

/** The quiet point asked for since `sinceMs`, as the database log tells it. */
function quietPoint(sim: Sim, sinceMs: number): string {
  return quietPointOfRun(readFileSync(`${sim.db}.lg`, 'utf8'), sinceMs).state;
}

/** Start an online backup whose snapshot command holds the run under its quiet point until `hold` is removed. */
async function startHeldUnderQuietPoint(sim: Sim, state: string, thenRun = '') {
  const hold = join(sim.dir, 'hold');
  const inside = join(sim.dir, 'in-snapshot');
  writeFileSync(hold, '');
  const cmd = `touch ${inside}; while [ -e ${hold} ]; do sleep 0.05; done${thenRun ? `; ${thenRun}` : ''}`;
  const startedAt = Date.now();
  const child = spawnOeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', cmd], {
    ...sim.env,
    OEFLOW_STATE: state,
  });
  await eventually(() => existsSync(inside), 60_000, 'the run under its quiet point');
  rmSync(inside);
  expect(quietPoint(sim, startedAt)).toBe('held');
  return { child, hold, startedAt };
}

/** Write to `file` until its file system has no space left (ENOSPC). */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

function journalNotes(state: string): Record<string, unknown>[] {
  const store = openStore(state);
  try {
    const run = store.listRuns()[0]!;
    return store
      .journal(run.runId)
      .filter((r) => r.kind === 'note')
      .map((r) => r.data as Record<string, unknown>);
  } finally {
    store.close();
  }
}

/** What the run started that still runs, as abandon finds it. */
function leftoversOf(state: string, runId: string): unknown[] {
  const store = openStore(state);
  try {
    return leftoverUtilities(store.journal(runId));
  } finally {
    store.close();
  }
}

describe('quiet-point guard', () => {
  it('disables the quiet point within 2 s of a kill -9 of oeflow, so abandon is allowed', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const { child, hold, startedAt } = await startHeldUnderQuietPoint(sim, state);
    killGroup(child.pid);
    const killedAt = Date.now();
    await child;
    await eventually(
      () => quietPoint(sim, startedAt) === 'released',
      2_000,
      'the quiet point disabled within 2 s of the kill',
    );
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    rmSync(hold);
    // the database takes writes again
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '5'])).exitCode).toBe(0);
    const env = { ...sim.env, OEFLOW_STATE: state };
    const runId = String(((await oeflow(['runs', '--db', sim.db], env)).json.runs as { runId: string }[])[0]!.runId);
    // the guard records what it did where abandon and resume read it
    await eventually(
      () =>
        (JSON.parse(readFileSync(join(`${state}-guards`, `${runId}.json`), 'utf8')) as { outcome: string }).outcome ===
        'disabled',
      5_000,
      'the guard record',
    );
    // the snapshot command ends once `hold` is gone; until then abandon rightly refuses (OEF-035)
    await eventually(() => leftoversOf(state, runId).length === 0, 20_000, 'the snapshot command ended');
    const closed = await oeflow(['abandon', runId, '--reason', 'quiet point known down'], env);
    expect(closed.exitCode, closed.stdout + closed.stderr).toBe(0);
  });

  it('a resume after the kill finds the quiet point released and starts over with a new one', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const { child, hold, startedAt } = await startHeldUnderQuietPoint(sim, state);
    killGroup(child.pid);
    await child;
    rmSync(hold);
    await eventually(() => quietPoint(sim, startedAt) === 'released', 5_000, 'the guard disabling the quiet point');
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    const checks = journalNotes(state).flatMap((d) =>
      d.worldCheck ? [d.worldCheck as { changed: string | null }] : [],
    );
    expect(checks[0]?.changed).toMatch(/quiet point .* was disabled/);
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(2);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  });

  it('a resume after the operator disabled the quiet point by hand (guard gone too) starts over', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const { child, hold } = await startHeldUnderQuietPoint(sim, state);
    // the operator unfreezes production by hand while the run still lives, then it is killed
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(0);
    killGroup(child.pid);
    await child;
    rmSync(hold);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    const checks = journalNotes(state).flatMap((d) =>
      d.worldCheck ? [d.worldCheck as { changed: string | null }] : [],
    );
    expect(checks[0]?.changed).toMatch(/was disabled/);
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(2);
  });

  it('disables the quiet point when the store refuses writes under it', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const { child, hold, startedAt } = await startHeldUnderQuietPoint(sim, state);
    // another process holds the store's write lock: every write of the run fails (OEF-020)
    const locker = new Database(state);
    try {
      locker.exec('BEGIN EXCLUSIVE');
      rmSync(hold);
      const r = await child;
      expect(r.exitCode, String(r.stdout)).not.toBe(0);
      expect(String(r.stdout)).toContain('OEF-020');
      expect(quietPoint(sim, startedAt)).toBe('released'); // already down when oeflow exited
    } finally {
      locker.close();
    }
  });

  it("disables the quiet point before exiting when the store's file system is full under it (ENOSPC on a real tmpfs)", async ({
    skip,
  }) => {
    const mnt = mkdtempSync(join(tmpdir(), 'oeflow-full-store-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      rmSync(mnt, { recursive: true, force: true });
      skip(`a tmpfs cannot be mounted here (needs root or CAP_SYS_ADMIN): ${(err as Error).message.split('\n')[0]}`);
      return;
    }
    try {
      const sim = newSim({ serve: true });
      const state = join(mnt, 'state.db');
      // the snapshot command then prints 4 MB: its result cannot be journaled on the full file system
      const { child, hold, startedAt } = await startHeldUnderQuietPoint(
        sim,
        state,
        `head -c 4000000 /dev/zero | tr '\\0' x`,
      );
      fillUp(join(mnt, 'filler'));
      rmSync(hold);
      const r = await child;
      // oeflow exits with a coded error, never a crash, and the quiet point is already down
      expect(
        quietPoint(sim, startedAt),
        `exit ${r.exitCode} ${r.signal} ${String(r.stdout).slice(0, 3000)} ${String(r.stderr).slice(-3000)}`,
      ).toBe('released');
      expect(r.signal).toBeUndefined();
      expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(1);
      const doc = JSON.parse(String(r.stdout)) as { error?: { code: string; message: string } };
      expect(doc.error?.code).toBe('OEF-020');
      expect(doc.error?.message).toMatch(/full|SQLITE_FULL|ENOSPC/i);
    } finally {
      execFileSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it('SIGHUP under the quiet point aborts the run and disables the quiet point', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const { child, startedAt } = await startHeldUnderQuietPoint(sim, state);
    process.kill(child.pid!, 'SIGHUP');
    const r = await child;
    expect((JSON.parse(String(r.stdout)) as { status: string }).status, String(r.stdout) + String(r.stderr)).toBe(
      'aborted',
    );
    expect(quietPoint(sim, startedAt)).toBe('released');
  });
});
