// Issue 8: one driver per run, and a resume that re-checks the world before trusting its snapshot.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { killAt } from '../helpers/crash.js';
import { eventually, invocations, oeflow, spawnOeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

function worldChecks(state: string): { changed: string | null }[] {
  const store = openStore(state);
  try {
    const run = store.listRuns()[0]!;
    return store
      .journal(run.runId)
      .flatMap((r) =>
        r.kind === 'note' && (r.data as { worldCheck?: unknown }).worldCheck
          ? [(r.data as { worldCheck: { changed: string | null } }).worldCheck]
          : [],
      );
  } finally {
    store.close();
  }
}

describe('oeflow resume', () => {
  it('refuses a run whose process still drives it (OEF-040 with its pid and host), without waiting for its utilities', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const hold = join(sim.dir, 'hold');
    const inside = join(sim.dir, 'in-snapshot');
    writeFileSync(hold, '');
    const child = spawnOeflow(
      [
        'backup',
        'online',
        sim.db,
        '--to',
        join(sim.dir, 'bk'),
        '--snapshot-cmd',
        `touch ${inside}; while [ -e ${hold} ]; do sleep 0.05; done`,
      ],
      env,
    );
    try {
      await eventually(() => existsSync(inside), 60_000, 'the run in its snapshot step');
      const refused = await oeflow(['resume', '--db', sim.db], env);
      expect(refused.exitCode, refused.stdout).toBe(4);
      const error = refused.json.error as { code: string; details: { pid: number; host: string } };
      expect(error.code).toBe('OEF-040');
      expect(error.details).toMatchObject({ pid: child.pid, host: hostname() });
    } finally {
      rmSync(hold, { force: true });
    }
    const done = await child;
    expect((JSON.parse(String(done.stdout)) as { status: string }).status).toBe('completed');
  });

  it('starts an offline backup over when the database was opened after the run shut it down', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    await killAt(sim, state, ['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], {
      stepKey: 'copyFiles',
      crashAt: 'after-intent',
    });
    // the operator restarts the database, users work, and it is shut down again
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '20'])).exitCode).toBe(0);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
    const done = await oeflow(['resume', '--db', sim.db], env);
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(worldChecks(state)[0]?.changed).toMatch(/opened after the run shut it down/);
    // the copy is of the database as it is now: a new AI switch paired with it
    expect(invocations(sim.dlc, 'aimage', 'new').filter((i) => i.exitCode === 0)).toHaveLength(2);
  });
});
