// Fixed-length AI extents are preallocated to their size (docs/openedge.md §4, §6: `f <KB>`):
// an EMPTY one is not a 0-byte file, and a busy or full one keeps its size; Used counts the notes.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

// `oeflow sim load` and `sim digest` need no process of their own: run them in this one
useInProcessCli();

describe('fixed AI extents', () => {
  const newSim = useSim();

  it('are preallocated at init, after a switch and after extent empty; their notes roll forward as usual', async () => {
    const sim = newSim({ aiExtents: 3, aiType: 'fixed', aiSizeKb: 64 });
    const size = (n: number): number => statSync(`${sim.db}.a${n}`).size;
    expect([size(1), size(2), size(3)]).toEqual([65536, 65536, 65536]);
    const c = join(sim.dir, 'copy');
    expect(
      (
        await sim.bash(
          `mkdir ${c} && cp -a db/. ${c}/ && prostrct list ${c}/sports >/dev/null && sed -i "s|${sim.dir}/db/|${c}/|" ${c}/sports.st && prostrct repair ${c}/sports >/dev/null`,
        )
      ).exitCode,
    ).toBe(0);
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '30'])).exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
    expect([size(1), size(2), size(3)]).toEqual([65536, 65536, 65536]);
    const list = (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'query', 'used', 'by', 'extnum', '1'])).stdout
      .trim()
      .split('\n')
      .pop();
    expect(Number(list)).toBeGreaterThan(0);
    expect(Number(list)).toBeLessThan(64);
    const r = await sim.run('rfutil', [`${c}/sports`, '-C', 'roll', 'forward', '-a', `${sim.db}.a1`]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('30 transactions were completed. (11138)');
    expect((await sim.oeflow(['sim', 'digest', `${c}/sports`])).stdout).toBe(
      (await sim.oeflow(['sim', 'digest', sim.db])).stdout,
    );
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'empty'])).exitCode).toBe(0);
    expect(size(1)).toBe(65536);
    expect(
      (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'query', 'used', 'by', 'extnum', '1'])).stdout
        .trim()
        .split('\n')
        .pop(),
    ).toBe('0');
  }, 120_000);
});
