// Real rfutil on AI files that are cut short, damaged, applied twice, or retried after an
// ordinary error (docs/openedge.md §4: 9333, 1029, 1028 + 8999, 8019; KB 000046795; Gemini rlaiopn).
import { copyFileSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMaster } from '../../src/sim/master-block.js';
import { dbPaths } from '../../src/sim/paths.js';
import { useInProcessCli } from '../helpers/oeflow.js';
import { usePreparedSim } from '../helpers/prepared-sim.js';
import { useSim, type Sim } from '../helpers/sim.js';

// `oeflow sim load` and `sim digest` need no process of their own: run them in this one
useInProcessCli();

/** A repaired copy of the fresh database, then load: a1 (40 tx) and a2 (20 tx) closed, a3 BUSY. */
async function twoClosedFiles(sim: Sim): Promise<string> {
  const copy = join(sim.dir, 'copy');
  const prep = await sim.bash(
    `mkdir ${copy} && cp -a db/. ${copy}/ && prostrct list ${copy}/sports >/dev/null && sed -i "s|${sim.dir}/db/|${copy}/|" ${copy}/sports.st && prostrct repair ${copy}/sports >/dev/null`,
  );
  expect(prep.exitCode).toBe(0);
  expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
  expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '40'])).exitCode).toBe(0);
  expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
  expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '20'])).exitCode).toBe(0);
  expect((await sim.run('proshut', [sim.db, '-by'])).exitCode).toBe(0);
  expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
  return `${copy}/sports`;
}

/** `src` copied to `<dir>/<name>` cut to `fraction` of its size. */
function truncatedCopy(sim: Sim, src: string, name: string, fraction: number): string {
  const dir = join(sim.dir, 'cut');
  mkdirSync(dir, { recursive: true });
  const to = join(dir, name);
  copyFileSync(src, to);
  truncateSync(to, Math.floor(statSync(src).size * fraction));
  return to;
}

/** `src` copied with 200 bytes of garbage written into its middle (size unchanged). */
function damagedCopy(sim: Sim, src: string, name: string): string {
  const dir = join(sim.dir, 'bad');
  mkdirSync(dir, { recursive: true });
  const to = join(dir, name);
  const bytes = readFileSync(src);
  const mid = Math.floor(bytes.length / 2);
  for (let i = 0; i < 200; i++) bytes[mid + i] = (i * 37 + 11) % 256;
  writeFileSync(to, bytes);
  return to;
}

const rf = (sim: Sim, db: string, file: string, retry = false) =>
  sim.run('rfutil', [db, '-C', 'roll', 'forward', ...(retry ? ['retry'] : []), '-a', file]);

describe('truncated and damaged AI files', () => {
  // made once; each test damages, rolls forward and retries on a copy of its own
  const closedFiles = usePreparedSim({ aiExtents: 3 }, async (sim) => ({ copy: await twoClosedFiles(sim) }), 180_000);

  it('scan reports a truncated file with 9333 after its header, and a damaged one with 1029, exit 1, no stack trace', async () => {
    const { sim } = closedFiles();
    const cut = truncatedCopy(sim, `${sim.db}.a1`, 'sports.a1', 0.5);
    const s1 = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', cut]);
    expect(s1.exitCode).toBe(1);
    expect(s1.messages).toContain(1642);
    expect(s1.messages).toContain(9333);
    expect(s1.stdout).toMatch(/Incomplete ai file detected, expected \d+, got \d+\. \(9333\)/);
    const bad = damagedCopy(sim, `${sim.db}.a1`, 'sports.a1');
    const s2 = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', 'verbose', '-a', bad]);
    expect({ rc: s2.exitCode, last: s2.messages.at(-1), stderr: s2.stderr }).toEqual({ rc: 1, last: 1029, stderr: '' });
    expect(s2.stdout).toContain("SYSTEM ERROR: Note leading and trailing counts don't match (1029)");
    const good = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', `${sim.db}.a1`]);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('40 transactions were completed. (11138)');
  }, 180_000);

  it('rolls a truncated file forward partially (9333), keeps the sequence, and only retry with the complete file continues', async () => {
    const { sim, copy } = closedFiles();
    const cut = truncatedCopy(sim, `${sim.db}.a1`, 'sports.a1', 0.5);
    const r = await rf(sim, copy, cut);
    expect(r.exitCode).toBe(1);
    expect(r.messages.filter((n) => [17047, 9333, 90015].includes(n))).toEqual([17047, 9333]);
    const applied = Number(/(\d+) transactions were completed\. \(11138\)/.exec(r.stdout)?.[1]);
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(40);
    const mb = readMaster(dbPaths(copy));
    expect({ expected: mb.ai.expectedSeq, partial: mb.roll.partial }).toEqual({
      expected: 1,
      partial: { path: cut, seq: 1 },
    });
    // the next file, or a plain roll forward of the complete file, are refused
    expect((await rf(sim, copy, `${sim.db}.a2`)).messages).toEqual([90019]);
    expect((await rf(sim, copy, `${sim.db}.a1`)).messages).toEqual([90019]);
    // the operator puts the complete file in place (same path) and retries
    copyFileSync(`${sim.db}.a1`, cut);
    const retry = await rf(sim, copy, cut, true);
    expect(retry.exitCode).toBe(0);
    expect(retry.stdout).toContain(`${40 - applied} transactions were completed. (11138)`);
    expect((await rf(sim, copy, `${sim.db}.a2`)).exitCode).toBe(0);
    expect((await sim.oeflow(['sim', 'digest', copy])).stdout).toBe(
      (await sim.oeflow(['sim', 'digest', sim.db])).stdout,
    );
  }, 180_000);

  it('stops at a damaged note with 1029 (no Node error), leaving a partial state that a retry with the same damaged file cannot clear', async () => {
    const { sim, copy } = closedFiles();
    const bad = damagedCopy(sim, `${sim.db}.a1`, 'sports.a1');
    const r = await rf(sim, copy, bad);
    expect({ rc: r.exitCode, last: r.messages.at(-1), stderr: r.stderr }).toEqual({ rc: 1, last: 1029, stderr: '' });
    expect(readMaster(dbPaths(copy)).ai.expectedSeq).toBe(1);
    const again = await rf(sim, copy, bad, true);
    expect({ rc: again.exitCode, last: again.messages.at(-1) }).toEqual({ rc: 1, last: 1029 });
    expect((await rf(sim, copy, `${sim.db}.a1`, true)).exitCode).toBe(0);
  }, 180_000);

  it('refuses a file applied twice (8019) and out of order (8019), changing nothing', async () => {
    const { sim, copy } = closedFiles();
    expect((await rf(sim, copy, `${sim.db}.a2`)).messages.slice(-3)).toEqual([8019, 833, 11014]);
    expect((await rf(sim, copy, `${sim.db}.a1`)).exitCode).toBe(0);
    const before = sim.hashDir(join(sim.dir, 'copy'));
    const twice = await rf(sim, copy, `${sim.db}.a1`);
    expect({ m: twice.messages, rc: twice.exitCode }).toEqual({ m: [8019, 833, 11014], rc: 1 });
    expect(twice.stdout).toContain('Expected ai file number 2 but file specified is 1 in sequence. (8019)');
    expect(sim.hashDir(join(sim.dir, 'copy'))).toBe(before);
  }, 180_000);

  it('after a failed roll forward with -i, neither retry nor a plain roll forward continues: 4554, nothing applied (KB P61656)', async () => {
    const { sim, copy } = closedFiles();
    // a -i roll forward that succeeds leaves nothing behind: the next file applies normally
    expect((await sim.run('rfutil', [copy, '-C', 'roll', 'forward', '-i', '-a', `${sim.db}.a1`])).exitCode).toBe(0);
    const cut = truncatedCopy(sim, `${sim.db}.a2`, 'sports.a2', 0.5);
    const failed = await sim.run('rfutil', [copy, '-C', 'roll', 'forward', '-i', '-a', cut]);
    expect(failed.exitCode).toBe(1);
    expect(failed.messages).toContain(9333);
    const data = readFileSync(`${copy}_7.d1`);
    for (const retry of [true, false]) {
      const r = await rf(sim, copy, `${sim.db}.a2`, retry);
      expect({ rc: r.exitCode, messages: r.messages.filter((n) => n > 1000 && n < 90000) }).toEqual({
        rc: 1,
        messages: [4554],
      });
      expect(r.stdout).toContain('rlaiextrd: Transaction table mismatch ptran: 0 note 1. (4554)');
    }
    expect(readFileSync(`${copy}_7.d1`).equals(data)).toBe(true);
  }, 180_000);

  it('retry after an ordinary 831/832/833 error skips the time check and hits 1028 + 8999 (KB 000046795)', async () => {
    const { sim, copy } = closedFiles();
    // the copy is opened before the roll forward: its last-changed date moves
    expect((await sim.run('proserve', [copy])).exitCode).toBe(0);
    expect((await sim.run('proshut', [copy, '-by'])).exitCode).toBe(0);
    expect((await rf(sim, copy, `${sim.db}.a1`)).messages.slice(-4)).toEqual([831, 832, 833, 11014]);
    const before = sim.hashDir(join(sim.dir, 'copy'));
    const retry = await rf(sim, copy, `${sim.db}.a1`, true);
    expect({ rc: retry.exitCode, last: retry.messages.slice(-2) }).toEqual({ rc: 1, last: [1028, 8999] });
    expect(retry.stdout).toMatch(/SYSTEM ERROR: Rollforward Apply AI note, BKUPDCTR=\d+, note updctr=\d+\. \(1028\)/);
    expect(sim.hashDir(join(sim.dir, 'copy'))).toBe(before);
  }, 180_000);
});

describe('aimage scan verbose', () => {
  const newSim = useSim();

  it('prints the numbered note lines real scripts parse: 1637, 1638, 2598, 2599, then 1637 + 9016 per update', async () => {
    const sim = newSim();
    await sim.run('proserve', [sim.db]);
    expect((await sim.oeflow(['sim', 'load', sim.db, '--tx', '2'])).exitCode).toBe(0);
    await sim.run('proshut', [sim.db, '-by']);
    const r = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', 'verbose', '-a', `${sim.db}.a1`]);
    expect(r.exitCode).toBe(0);
    const notes = r.messages.filter((n) => [1637, 1638, 2598, 2599, 9016].includes(n));
    expect(notes.slice(0, 6)).toEqual([1637, 1638, 2598, 2599, 1637, 9016]);
    expect(r.stdout).toMatch(/^code = RL_TBGN \(1637\)$/m);
    expect(r.stdout).toMatch(/^Trid: 1 [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\. \(2598\)$/m);
    expect(r.stdout).toMatch(/^area = 7 {3}dbkey = \d+ {3}update counter = \d+ \(9016\)$/m);
    expect(r.messages.filter((n) => n === 2598)).toHaveLength(2);
  });
});
