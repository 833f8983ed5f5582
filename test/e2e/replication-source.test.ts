// A replication source whose target is offline: switched AI extents stay LOCKED until
// replicated (docs/openedge.md §3.13). A backup whose switch would need a LOCKED extent is
// refused before anything runs (OEF-207); the drill copies LOCKED extents as the complete AI
// files they are, and retention counts them as present.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

const target = async (sim: Sim, state: 'connected' | 'offline'): Promise<void> => {
  const r = await sim.oeflow(['sim', 'replication', sim.db, '--target', state, '--json']);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
};

describe('replication source with LOCKED AI extents', () => {
  it('refuses an online backup with OEF-207 when the next extent is LOCKED, changing nothing', async () => {
    const sim = newSim({ serve: true, replication: 'source', aiExtents: 3 });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    await target(sim, 'offline');
    for (let i = 0; i < 2; i++) expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    // extents 1 and 2 LOCKED, 3 BUSY: the quiet point's switch would need extent 1
    const before = sim.hashDir(join(sim.dir, 'db'));
    const lgBefore = readFileSync(`${sim.db}.lg`, 'utf8');
    const r = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(r.exitCode, r.stdout + r.stderr).toBe(6);
    expect(r.json).toMatchObject({ status: 'failed', error: { code: 'OEF-207' } });
    expect(String((r.json.error as { message: string }).message)).toMatch(
      /is LOCKED: its notes have not been replicated/,
    );
    expect(sim.hashDir(join(sim.dir, 'db'))).toBe(before);
    expect(readFileSync(`${sim.db}.lg`, 'utf8').slice(lgBefore.length)).not.toContain('(5569)'); // no proquiet ran
  });

  it('drills with the LOCKED extents copied into the chain, and expire finds that chain reaching the present', async () => {
    const sim = newSim({ serve: true, replication: 'source', aiExtents: 4 });
    const conf = join(sim.dir, 'oeflow.conf');
    writeFileSync(conf, ['[db.sports]', `path = "${sim.db}"`, 'retain-count = 1', ''].join('\n'));
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db'), OEFLOW_CONFIG: conf, HOME: sim.dir };
    await target(sim, 'offline');
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '20']);
    const r = await oeflow(['drill', sim.db, '--scratch', join(sim.dir, 'drill')], env);
    expect(r.json.status, r.stdout + r.stderr).toBe('passed');
    expect(r.json.comparison).toMatchObject({ method: 'digest', match: true });
    // the quiet point's and the drill's switches left LOCKED extents: the restore rolled one forward
    const list = (await sim.run('rfutil', [sim.db, '-C', 'aimage', 'list'])).stdout;
    expect(list.match(/Status:\s+Locked/g)?.length).toBe(2);
    expect((r.json.restore as { aiFiles: string[] }).aiFiles).toHaveLength(1);

    const plan = await oeflow(['expire', 'sports', '--plan'], env);
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    const reasons = (plan.json.databases as { plan: { reasons: string[] }[] }[])[0]!.plan[0]!.reasons.join();
    expect(reasons).toMatch(/the newest backup from which the AI chain reaches the present/);
  });
});
