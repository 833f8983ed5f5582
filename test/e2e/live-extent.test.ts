// Issue 8 (item 5): an AI file given to a restore that is an extent of a live database (its
// BUSY extent, or any `.aN` of a database whose broker runs) is refused with OEF-321 naming
// the file, in `--plan` and in the run, before anything is scanned, recorded or restored.
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

/** The path of the extent `rfutil aimage list` shows as Busy. */
async function busyExtent(sim: Sim): Promise<string> {
  const list = (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list'])).stdout;
  const block = list.split(/\n\s*\n/).find((b) => /Status:\s+Busy/i.test(b));
  const path = /Path:\s+(.+)$/m.exec(block ?? '')?.[1]?.trim();
  if (path === undefined) throw new Error(`no Busy extent in:\n${list}`);
  return path;
}

describe('live BUSY extent given to a restore', () => {
  it('is refused with OEF-321 naming the file, in --plan and in the run; nothing changes', async () => {
    const sim = newSim({ serve: true });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const b = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(b.json.status, b.stderr).toBe('completed');
    const backupId = String(b.json.backupId);
    const busy = await busyExtent(sim);
    const into = join(sim.dir, 'restored');
    mkdirSync(into);
    const before = { db: sim.hashDir(), into: sim.hashDir(into), runs: (await oeflow(['runs'], env)).json.runs };

    // --plan with the BUSY extent named: refused before any scan
    const plan = await oeflow(['restore', backupId, '--into', into, '--ai', busy, '--plan'], env);
    expect(plan.exitCode, plan.stdout).toBe(2);
    const planError = plan.json.error as { code: string; message: string; hint: string };
    expect(planError.code).toBe('OEF-321');
    expect(planError.message).toContain(busy);
    expect(planError.hint).toMatch(/aimage new/);

    // the run, given the database's own directory (every .aN of a database whose broker runs)
    const run = await oeflow(['restore', backupId, '--into', into, '--ai', dirname(sim.db)], env);
    expect(run.exitCode, run.stdout).toBe(2);
    const runError = run.json.error as { code: string; message: string };
    expect(runError.code).toBe('OEF-321');
    expect(runError.message).toContain(busy);

    // nothing restored, no run recorded, the source untouched
    expect(readdirSync(into)).toEqual([]);
    expect({ db: sim.hashDir(), into: sim.hashDir(into), runs: (await oeflow(['runs'], env)).json.runs }).toEqual(
      before,
    );
  }, 120_000);
});
