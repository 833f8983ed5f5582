// The pre-9.1E re-baseline (docs/openedge.md §4, §8): `aimage end` → OS copy → `mark backedup`
// → `aimage begin` gives a copy that the AI files made after the begin roll forward.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

// `oeflow sim load` and `sim digest` need no process of their own: run them in this one
useInProcessCli();

describe('re-baseline with aimage end / OS copy / mark backedup / aimage begin', () => {
  const newSim = useSim();

  it('rolls the copy forward with file 1 and file 2 of the new AI chain; the data equals the source', async () => {
    const sim = newSim({ aiExtents: 3, serve: true });
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '30'])).exitCode).toBe(0);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'end'])).exitCode).toBe(0);
    const c = join(sim.dir, 'copy');
    const copy = await sim.bash(
      `mkdir ${c} && cp -a db/. ${c}/ && prostrct list ${c}/sports >/dev/null && sed -i "s|${sim.dir}/db/|${c}/|" ${c}/sports.st && prostrct repair ${c}/sports >/dev/null`,
    );
    expect(copy.exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'mark', 'backedup'])).exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'begin'])).exitCode).toBe(0);
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '20', '--seed', '2'])).exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '10', '--seed', '3'])).exitCode).toBe(0);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    const target = `${c}/sports`;
    // file 2 first: the copy has no AI sequence, which the engine takes as 1
    const early = await sim.run('rfutil', [target, '-C', 'roll', 'forward', '-a', `${sim.db}.a2`]);
    expect(early.stdout).toContain('Expected ai file number 1 but file specified is 2 in sequence. (8019)');
    for (const f of ['a1', 'a2']) {
      const r = await sim.run('rfutil', [target, '-C', 'roll', 'forward', '-a', `${sim.db}.${f}`]);
      expect(r.exitCode, r.stdout).toBe(0);
    }
    expect((await sim.oeflow(['sim', 'digest', target])).stdout).toBe(
      (await sim.oeflow(['sim', 'digest', sim.db])).stdout,
    );
  }, 180_000);
});
