// Crash tests (issue 3) for the online backup: a kill during and after every step,
// including while the quiet point is enabled; the quiet point is never left enabled.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAt, killPlan, storeView } from '../helpers/crash.js';
import { invocations, oeflow } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

const newSim = useSim();

describe('online backup under SIGKILL', () => {
  it('completes after a kill during and after every step, enabling the quiet point once and disabling it', async () => {
    const sim = newSim({ serve: true });
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
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(1);
    // rc 7: "Quiet point does not need to be disabled" — nothing was left enabled
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  });

  it('completes after a kill during and after the snapshot step (--snapshot-cmd)', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const start = ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--snapshot-cmd', 'true'];
    for (const [i, at] of killPlan([{ key: 'snapshot' }]).entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  });
});
