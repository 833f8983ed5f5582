// ONLINE-4 on the main path: a quiet point released while the copy ran (an operator's
// `proquiet disable`, here made by the snapshot command inside the window) leaves a copy that
// is no consistent baseline. The run must fail (OEF-056), not catalogue it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('oeflow backup online', () => {
  it('fails with OEF-056 and catalogues nothing when the quiet point was disabled by hand during the copy', async () => {
    const sim = newSim({ serve: true });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const byHand = `${join(sim.dlc, 'bin', 'proquiet')} ${sim.db} disable`;
    const r = await oeflow(
      ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--copy-method', 'copy', '--snapshot-cmd', byHand],
      env,
    );
    expect(r.json.status, r.stdout + r.stderr).toBe('failed');
    expect((r.json.error as { code: string }).code).toBe('OEF-056');
    expect(r.exitCode).toBe(1);
    const backups = await oeflow(['backups', '--db', sim.db], env);
    expect(backups.json.backups).toEqual([]);
    // production takes writes: the quiet point is down
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '5'])).exitCode).toBe(0);
  });
});
