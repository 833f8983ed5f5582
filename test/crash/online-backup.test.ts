// Crash tests (issue 3) for the online backup: a kill during and after every step,
// including while the quiet point is enabled; the quiet point is never left enabled. A kill
// under the quiet point lets the run's guard disable it (issue 8): the resume then finds it
// released and starts over with a new one, so each such kill costs one more enable. The
// steps and their commands come from the machine (kill-plan.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcedureInput } from '../../machines/contract.js';
import { backupPath, branchOf, killAt, killPlan, restartsAfterLostQuietPoint, storeView } from '../helpers/crash.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

// The killed commands spawn (killAt); the load and the last resume run in this process.
useInProcessCli();

const newSim = useSim();

/** The input `oeflow backup online <db> --to <destination>` builds. */
const online = (db: string, destination: string): ProcedureInput => ({
  procedure: 'online-backup',
  db,
  destination,
  copyMethod: 'auto',
});

describe('online backup under SIGKILL', () => {
  it('completes after a kill during and after every step, disabling every quiet point it raised', async () => {
    // each quiet point switches AI extents, and a restart raises a new one: room for them
    const sim = newSim({ serve: true, aiExtents: 8 });
    const state = join(sim.dir, 'state.db');
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '100']);
    const destination = join(sim.dir, 'bk');
    const start = ['backup', 'online', sim.db, '--to', destination];
    const kills = killPlan(await backupPath(sim, online(sim.db, destination)));
    for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(storeView(state).open).toEqual([]);
    const restarts = restartsAfterLostQuietPoint(state);
    expect(restarts).toBeGreaterThan(0);
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(1 + restarts);
    // rc 7: "Quiet point does not need to be disabled" — nothing was left enabled
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
    // ~12 kill/resume cycles, three of which start over with a new quiet point
  }, 300_000);

  it('completes after a kill during and after the snapshot step (--snapshot-cmd)', async () => {
    // each quiet point switches AI extents, and a restart raises a new one: room for them
    const sim = newSim({ serve: true, aiExtents: 8 });
    const state = join(sim.dir, 'state.db');
    const destination = join(sim.dir, 'bk');
    const start = ['backup', 'online', sim.db, '--to', destination, '--snapshot-cmd', 'true'];
    // the steps the snapshot adds to the path; the test above kills the others
    const snapshotPath = await backupPath(sim, { ...online(sim.db, destination), snapshotCmd: 'true' });
    const kills = killPlan(branchOf(snapshotPath, await backupPath(sim, online(sim.db, destination))));
    expect(kills.length).toBeGreaterThan(0);
    for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(
      1 + restartsAfterLostQuietPoint(state),
    );
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  }, 150_000);
});
