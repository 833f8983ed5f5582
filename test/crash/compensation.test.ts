// Crash tests of the compensations (issue 10): a step fails, the machine undoes what the run
// holds (disables its quiet point, restarts the server it shut down), and oeflow is killed
// during and right after that undo. The resume must finish the undo and fail the run, leaving
// nothing held. Which states are compensations and which failure leads to each comes from the
// machines (compensationKills in kill-plan.ts), so a new compensation is tested by existing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcedureInput } from '../../machines/contract.js';
import { compensationPlan, killAt, storeView } from '../helpers/crash.js';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

// The killed commands spawn (killAt); the resumes after them run in this process.
useInProcessCli();

const newSim = useSim();

/** Kill at every compensation of the backup, resume each time, and check the run failed with nothing open. */
async function killEveryCompensation(
  sim: Sim,
  input: ProcedureInput,
  start: (i: number) => string[],
): Promise<string[]> {
  const state = join(sim.dir, 'state.db');
  const kills = await compensationPlan(sim, input);
  expect(kills.length).toBeGreaterThan(0);
  for (const [i, at] of kills.entries()) {
    await killAt(sim, state, start(i), at);
    const resumed = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
    expect(resumed.json.status, `${at.stepKey}: ${resumed.stdout}${resumed.stderr}`).toBe('failed');
    expect(storeView(state).open, at.stepKey).toEqual([]);
  }
  return [...new Set(kills.map((k) => k.stepKey))];
}

describe('compensations under SIGKILL', () => {
  it('online backup: a kill while the quiet point of a failed step is disabled still disables it', async () => {
    const sim = newSim({ serve: true, aiExtents: 8 });
    const destination = join(sim.dir, 'bk');
    const input: ProcedureInput = { procedure: 'online-backup', db: sim.db, destination, copyMethod: 'auto' };
    // each run fails before its copy is finished: a destination of its own all the same (a finished one is never reused)
    const start = (i: number) => ['backup', 'online', sim.db, '--to', `${destination}-${i}`];
    const killed = await killEveryCompensation(sim, input, start);
    expect(killed).toContain('quietDisableAfterFailure');
    // rc 7: "Quiet point does not need to be disabled"
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
  }, 150_000);

  it('offline backup: a kill while the server is restarted after a failed step still restarts it', async () => {
    const sim = newSim({ serve: true });
    const destination = join(sim.dir, 'bk');
    const input: ProcedureInput = { procedure: 'offline-backup', db: sim.db, destination };
    // the failing step comes after the copy was verified: each run needs a destination of its own
    const start = (i: number) => ['backup', 'offline', sim.db, '--to', `${destination}-${i}`];
    const killed = await killEveryCompensation(sim, input, start);
    expect(killed).toContain('restartAfterFailure');
    // served again (busy: in use)
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(6);
  }, 150_000);
});
