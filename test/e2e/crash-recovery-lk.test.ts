// `.lk` mode 5 (docs/openedge.md §2.6): a broker opening a crashed database holds it in crash
// recovery. busy/holder read it as in use, and oeflow never takes it for a stale lock: a
// recovery in progress, or one whose process died, is refused with OEF-209, changing nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LkMode, parseLk } from '../../src/openedge/parse-lk.js';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

const lkMode = (sim: Sim): number | null =>
  existsSync(`${sim.db}.lk`) ? parseLk(readFileSync(`${sim.db}.lk`)).mode : null;

/** A database whose broker was killed (-byF): the next open runs crash recovery. */
async function crashed(sim: Sim): Promise<void> {
  expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
  expect((await sim.run('proshut', [sim.db, '-byF'])).exitCode).toBe(0);
}

describe('.lk mode 5: crash recovery', () => {
  it('reads an interrupted crash recovery as in use (busy 64, holder 16), refuses a backup with OEF-209, and a new open finishes it', async () => {
    const sim = newSim();
    await crashed(sim);
    // the broker dies in the middle of its crash recovery, its .lk still saying mode 5
    const open = await sim.run('proserve', [sim.db], { env: { OEFLOW_SIM_FAULTS: 'broker:recovery:crash' } });
    expect(open.exitCode).toBe(1);
    expect(lkMode(sim)).toBe(LkMode.crashRecovery);
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(64);
    expect((await sim.run('proutil', [sim.db, '-C', 'holder'])).exitCode).toBe(16);

    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const before = sim.hashDir();
    const r = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(r.exitCode, r.stdout + r.stderr).toBe(6);
    expect(r.json).toMatchObject({ status: 'failed', error: { code: 'OEF-209' } });
    expect(String((r.json.error as { message: string }).message)).toMatch(/left in crash recovery .* which is gone/);
    expect(sim.hashDir()).toBe(before);

    // opening it again takes the dead .lk over (4194), recovers, and holds it multi-user
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect(lkMode(sim)).toBe(LkMode.multiUser);
    expect(readFileSync(`${sim.db}.lg`, 'utf8')).toMatch(/\(4194\)[\s\S]*\(5326\) Begin Physical Redo Phase/);
  });

  it('refuses an online backup with OEF-209 while a live broker is still recovering', async () => {
    const sim = newSim();
    await crashed(sim);
    void sim.background('proserve', [sim.db], { env: { OEFLOW_SIM_FAULTS: 'broker:recovery:hang' } });
    const deadline = Date.now() + 20_000;
    while (lkMode(sim) !== LkMode.crashRecovery && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(lkMode(sim)).toBe(LkMode.crashRecovery);
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const r = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(r.exitCode, r.stdout + r.stderr).toBe(6);
    expect(r.json).toMatchObject({ status: 'failed', error: { code: 'OEF-209' } });
    expect(String((r.json.error as { message: string }).message)).toMatch(
      /is in crash recovery \(\.lk mode 5, pid \d+/,
    );
  });
});
