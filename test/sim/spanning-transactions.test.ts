// Transactions that span AI files, and crash recovery when a database is opened
// (docs/openedge.md §4: 3785/1636; "opening the database in between backs out incomplete
// transactions, and then the whole roll forward must restart from the backup", S8; §5 the
// quiet point waits for the update lock).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdTransaction } from '../../src/sim/broker-protocol.js';
import { readMaster } from '../../src/sim/master-block.js';
import { dbPaths } from '../../src/sim/paths.js';
import { useInProcessCli } from '../helpers/oeflow.js';
import { expectOpenRefused, OPLOCK_LOCKED, OPLOCK_UNLOCKED } from '../helpers/oplock.js';
import { useSim, type Sim } from '../helpers/sim.js';

// `oeflow sim load` and `sim digest` need no process of their own: run them in this one
useInProcessCli();

const lg = (db: string): string => readFileSync(`${db}.lg`, 'utf8');

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Repaired copies of the database as it is now (offline), under `<dir>/<name>`. */
async function repairedCopies(sim: Sim, ...names: string[]): Promise<string[]> {
  const script = names
    .map((n) => {
      const c = join(sim.dir, n);
      return `mkdir ${c} && cp -a db/. ${c}/ && prostrct list ${c}/sports >/dev/null && sed -i "s|${sim.dir}/db/|${c}/|" ${c}/sports.st && prostrct repair ${c}/sports >/dev/null`;
    })
    .join(' && ');
  expect((await sim.bash(script)).exitCode).toBe(0);
  return names.map((n) => join(sim.dir, n, 'sports'));
}

const rf = (sim: Sim, db: string, file: string, retry = false) =>
  sim.run('rfutil', [db, '-C', 'roll', 'forward', ...(retry ? ['retry'] : []), '-a', file]);
const digest = async (sim: Sim, db: string): Promise<string> => (await sim.oeflow(['sim', 'digest', db])).stdout;

describe('transactions that span AI files', () => {
  const newSim = useSim();

  it('a transaction active at a switch spans two files; a copy rolled forward through both has it, a copy opened in between backs it out and only a new restore helps', async () => {
    const sim = newSim({ aiExtents: 3 });
    const [whole, opened, guarded, unlocked] = await repairedCopies(sim, 'whole', 'opened', 'guarded', 'unlocked');
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '10'])).exitCode).toBe(0);
    const held = await holdTransaction(sim.db, false);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '5'])).exitCode).toBe(0);
    expect((await held.commit()).ok).toBe(true);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    const a1 = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', `${sim.db}.a1`]);
    expect(a1.stdout).toContain('At the end of the .ai file, 1 transactions were still active. (1636)');
    const a2 = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', `${sim.db}.a2`]);
    expect(a2.stdout).toContain('1 in-flight transactions. (3785)');
    expect(a2.stdout).toContain('At the end of the .ai file, 0 transactions were still active. (1636)');

    // rolled forward through both files without an open: the committed data equals the source's
    const source = await digest(sim, sim.db);
    for (const copy of [whole, opened])
      expect((await rf(sim, copy ?? '', `${sim.db}.a1`)).stdout).toContain('1 transactions were still active. (1636)');
    expect((await rf(sim, whole ?? '', `${sim.db}.a2`)).exitCode).toBe(0);
    expect(await digest(sim, whole ?? '')).toBe(source);
    expect(source).toContain('records');

    // opened in between: crash recovery backs the transaction out; the next file no longer fits
    const db = opened ?? '';
    expect((await sim.run('proserve', [db])).exitCode).toBe(0);
    expect((await sim.run('proshut', [db, '-by'])).exitCode).toBe(0);
    expect(lg(db)).toContain('(7162) Begin Logical Undo Phase, 1 incomplete transactions are being backed out.');
    expect(lg(db)).toMatch(
      /\(5326\)[^]*\(7161\)[^]*\(7163\) Begin Physical Undo 1 transactions[^]*\(7162\)[^]*\(5329\) Logical Undo Phase Complete\.[^]*\(10471\)/,
    );
    const plain = await rf(sim, db, `${sim.db}.a2`);
    expect({ rc: plain.exitCode, m: plain.messages.slice(-4) }).toEqual({ rc: 1, m: [831, 832, 833, 11014] });
    const retry = await rf(sim, db, `${sim.db}.a2`, true);
    expect({ rc: retry.exitCode, m: retry.messages.slice(-2) }).toEqual({ rc: 1, m: [1028, 8999] });
    expect(await digest(sim, db)).not.toBe(source);

    // protected with oplock (docs/openedge.md §4.41): what would back the transaction out is refused between files
    const oplock = (copy: string, file: string) =>
      sim.run('rfutil', [copy, '-C', 'roll', 'forward', 'oplock', '-a', file]);
    const g = guarded ?? '';
    const first = await oplock(g, `${sim.db}.a1`);
    expect({ rc: first.exitCode, locked: first.stdout.includes(OPLOCK_LOCKED) }).toEqual({ rc: 0, locked: true });
    const unchanged = await digest(sim, g);
    await expectOpenRefused(sim, g);
    expect(lg(g)).toContain(`(-----) ${OPLOCK_LOCKED}`);
    expect(await digest(sim, g)).toBe(unchanged);
    // the file that ends the spanning transaction leaves nothing to recover: the protection goes by itself
    const last = await oplock(g, `${sim.db}.a2`);
    expect({ rc: last.exitCode, unlocked: last.stdout.includes(OPLOCK_UNLOCKED) }).toEqual({ rc: 0, unlocked: true });
    expect(await digest(sim, g)).toBe(source);
    expect((await sim.run('rfutil', [g, '-C', 'roll', 'opunlock'])).messages).toEqual([90052]);
    expect((await sim.run('proserve', [g])).exitCode).toBe(0);
    expect((await sim.run('proshut', [g, '-by'])).exitCode).toBe(0);
    expect(await digest(sim, g)).toBe(source);
    // opunlock between files completes crash recovery: the transaction is backed out, and roll forward is over
    const u = unlocked ?? '';
    expect((await oplock(u, `${sim.db}.a1`)).exitCode).toBe(0);
    const lifted = await sim.run('rfutil', [u, '-C', 'roll', 'opunlock']);
    expect({ rc: lifted.exitCode, unlocked: lifted.stdout.includes(OPLOCK_UNLOCKED) }).toEqual({
      rc: 0,
      unlocked: true,
    });
    expect(lg(u)).toContain('(7162) Begin Logical Undo Phase, 1 incomplete transactions are being backed out.');
    for (const again of [await rf(sim, u, `${sim.db}.a2`), await rf(sim, u, `${sim.db}.a2`, true)])
      expect({ rc: again.exitCode, out: again.stdout }).toMatchObject({
        rc: 1,
        out: expect.stringContaining('Roll forward process has been stopped with the opunlock option.') as unknown,
      });
  }, 180_000);

  it('a crash leaves an active transaction in the blocks; the next proserve backs it out and logs it to AI', async () => {
    const sim = newSim({ aiExtents: 3, serve: true });
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '5'])).exitCode).toBe(0);
    const before = await digest(sim, sim.db);
    const held = await holdTransaction(sim.db, false);
    expect((await sim.run('proshut', [sim.db, '-byF'])).exitCode).toBe(0);
    held.abandon();
    expect(readMaster(dbPaths(sim.db)).state).toBe('crashed');
    expect(await digest(sim, sim.db)).toBe(before); // committed data only
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    expect(lg(sim.db)).toContain('(7162) Begin Logical Undo Phase, 1 incomplete transactions are being backed out.');
    const scan = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', 'verbose', '-a', `${sim.db}.a1`]);
    expect(scan.stdout).toContain('code = RL_TABRT (1637)');
    expect(scan.stdout).toContain('At the end of the .ai file, 0 transactions were still active. (1636)');
    // a clean shutdown backs out what a client left active (2252/2253), so nothing is left to recover
    const again = await holdTransaction(sim.db, false);
    expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
    again.abandon();
    expect(lg(sim.db)).toMatch(
      /\(2252\) Begin transaction backout[^]*\(2253\) Transaction backout completed\.[^]*\(334\)/,
    );
    expect(await digest(sim, sim.db)).toBe(before);
  }, 120_000);

  it('proquiet enable waits for the update lock a long update holds (a second enable: rc 4), then switches', async () => {
    const sim = newSim({ aiExtents: 3, serve: true });
    const held = await holdTransaction(sim.db, true);
    const enable = sim.background(join(sim.dlc, 'bin', 'proquiet'), [sim.db, 'enable']);
    await waitFor(() => readMaster(dbPaths(sim.db)).quiet.state === 1);
    const second = await sim.run('proquiet', [sim.db, 'enable']);
    expect({ rc: second.exitCode, m: second.messages }).toEqual({ rc: 4, m: [90023] });
    expect(readMaster(dbPaths(sim.db)).ai.currentSeq).toBe(1); // no switch while the lock is held
    expect((await held.commit()).ok).toBe(true);
    const r = await enable;
    expect({ rc: r.exitCode, out: String(r.stdout) }).toMatchObject({
      rc: 0,
      out: expect.stringContaining('(5583)') as string,
    });
    expect(readMaster(dbPaths(sim.db)).ai.currentSeq).toBe(2);
    // the held transaction ended before the switch: all of it is in file 1
    const scan = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', `${sim.db}.a1`]);
    expect(scan.stdout).toContain('At the end of the .ai file, 0 transactions were still active. (1636)');
    expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(0);
  }, 120_000);
});
