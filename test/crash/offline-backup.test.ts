// Crash tests (issue 3): SIGKILL oeflow while each step's command runs and again right
// after it returned, resume each time, and prove the run completes with no `once`
// command run twice.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAt, killPlan, storeView } from '../helpers/crash.js';
import { invocations, oeflow } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

const newSim = useSim();

describe('offline backup under SIGKILL', () => {
  it('completes after a kill during and after every step, running aimage new once', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '100']);
    const start = ['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')];
    const kills = killPlan([
      { key: 'preflight' },
      { key: 'shutdown', hang: 'proshut:-by:hang', words: ['-by'] },
      { key: 'truncateBi', hang: 'proutil:truncate bi:hang', words: ['truncate'] },
      { key: 'jobsCheck' },
      { key: 'verifyNotInUseBefore' },
      { key: 'aiSwitch', hang: 'rfutil:aimage new:hang', words: ['aimage', 'new'] },
      { key: 'copyFiles' },
      { key: 'verifyNotInUseAfter' },
      { key: 'verifyCopy' },
      { key: 'markBackedup', hang: 'rfutil:mark backedup:hang', words: ['mark', 'backedup'] },
      { key: 'restart', hang: 'proserve::hang', words: ['proserve'] },
      { key: 'recordBackup' },
    ]);
    for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(storeView(state).open).toEqual([]);
    expect(invocations(sim.dlc, 'aimage', 'new').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(6);
    // ~24 kill/resume cycles of real processes; about 60 s alone, so the default 60 s is too tight
  }, 150_000);
});
