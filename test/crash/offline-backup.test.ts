// Crash tests (issue 3): SIGKILL oeflow while each step's command runs and again right
// after it returned, resume each time, and prove the run completes with no `once`
// command run twice. The steps and their commands come from the machine (kill-plan.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcedureInput } from '../../machines/contract.js';
import { backupPath, killAt, killPlan, storeView } from '../helpers/crash.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

// The killed commands spawn (killAt); the load and the last resume run in this process.
useInProcessCli();

const newSim = useSim();

describe('offline backup under SIGKILL', () => {
  it('completes after a kill during and after every step, running aimage new once', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '100']);
    const destination = join(sim.dir, 'bk');
    const start = ['backup', 'offline', sim.db, '--to', destination];
    const input: ProcedureInput = { procedure: 'offline-backup', db: sim.db, destination };
    const kills = killPlan(await backupPath(sim, input));
    for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
    const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(done.json.status, done.stdout + done.stderr).toBe('completed');
    expect(storeView(state).open).toEqual([]);
    expect(invocations(sim.dlc, 'aimage', 'new').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(6);
    // ~24 kill/resume cycles of real processes (two per step): about 60 s alone, over 150 s on a
    // loaded 2-core machine (as the online test's budget)
  }, 300_000);
});
