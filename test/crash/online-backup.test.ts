// Crash tests (issue 3) for the online backup: a kill during and after every step,
// including while the quiet point is enabled; the quiet point is never left enabled. A kill
// under the quiet point lets the run's guard disable it (issue 8): the resume then finds it
// released and starts over with a new one, so each such kill costs one more enable.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAt, killPlan, restartsAfterLostQuietPoint, storeView } from '../helpers/crash.js';
import { invocations, oeflow } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

const newSim = useSim();

/** Resumes that found the run's quiet point released and started over (journaled world checks). */
describe('online backup under SIGKILL', () => {
  it('completes after a kill during and after every step, disabling every quiet point it raised', async () => {
    // each quiet point switches AI extents, and a restart raises a new one: room for them
    const sim = newSim({ serve: true, aiExtents: 8 });
    const state = join(sim.dir, 'state.db');
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '100']);
    const start = ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')];
    const kills = killPlan([
      { key: 'preflight' },
      { key: 'prepareCopy' },
      { key: 'quietEnable', hang: 'proquiet:enable:hang', words: ['enable'] },
      { key: 'copyFiles' },
      { key: 'quietDisable', hang: 'proquiet:disable:hang', words: ['disable'] },
      { key: 'confirmQuietPoint' },
      { key: 'verifyCopy' },
      { key: 'recordBackup' },
    ]);
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
    const start = ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', 'true'];
    for (const [i, at] of killPlan([{ key: 'snapshot' }]).entries())
      await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(
      1 + restartsAfterLostQuietPoint(state),
    );
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  }, 150_000);
});
