// OEF-214 against a simulator that really backs out (issue 11): a restore whose roll forward
// halted, and whose target was then opened (crash recovery backed its active transactions
// out), is refused for `resume --retry`; rfutil itself would fail that retry with 1028, so the
// refusal is right, and a new restore brings the data back. The archive comes from the same
// setup as the crash tests (backupWithArchive), whose files hold transactions that span AI
// files.
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArchiverName } from '../../src/aichain/archiver-name.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { expectOpenRefused } from '../helpers/oplock.js';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('a restore target opened after its roll forward halted', () => {
  it('is refused for retry (OEF-214) because crash recovery backed transactions out; rfutil retry would hit 1028; a new restore completes', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const { backupId, archive, digest } = await backupWithArchive(sim, state, 600);
    const files = readdirSync(archive)
      .map((n) => ({ path: join(archive, n), seq: parseArchiverName(n)?.aiSeq ?? -1 }))
      .filter((f) => f.seq > 0)
      .sort((a, b) => a.seq - b.seq);

    // the crash tests' archive holds transactions that span AI files
    const stillActive: number[] = [];
    for (const f of files) {
      const scan = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', f.path]);
      stillActive.push(
        Number(/At the end of the \.ai file, (\d+) transactions were still active\. \(1636\)/.exec(scan.stdout)?.[1]),
      );
    }
    expect(
      stillActive.some((n) => n > 0),
      `1636 per file: ${stillActive.join(', ')}`,
    ).toBe(true);

    // oeflow dies after the first file; the second is cut short: the resume halts on 9333 (OEF-216)
    const into = join(sim.dir, 'restored');
    const targetDb = join(into, sim.name);
    const crashed = await oeflow(['restore', backupId, '--into', into, '--ai', archive], {
      ...env,
      OEFLOW_CRASH_AT: 'after-command:rollForward#0',
    });
    expect(crashed.exitCode).toBe(-1);
    const firstFile = invocations(sim.dlc, 'roll', 'forward')
      .find((i) => i.exitCode === 0)
      ?.argv.at(-1);
    const second = files[files.findIndex((f) => f.path === firstFile) + 1];
    if (second === undefined) throw new Error(`no file after ${String(firstFile)}`);
    const complete = readFileSync(second.path);
    truncateSync(second.path, Math.floor(complete.length / 2));
    const halted = await oeflow(['resume', '--db', targetDb], env);
    expect((halted.json.error as { code: string } | undefined)?.code, halted.stdout + halted.stderr).toBe('OEF-216');

    // someone opens the target: crash recovery backs out what the halted roll forward left active
    expect((await sim.run('proserve', [targetDb])).exitCode).toBe(0);
    expect((await sim.run('proshut', [targetDb, '-by'])).exitCode).toBe(0);
    const lg = readFileSync(`${targetDb}.lg`, 'utf8');
    expect(lg).toMatch(/\(7162\) Begin Logical Undo Phase, [1-9]\d* incomplete transactions are being backed out\./);

    // the complete file is back at its path, but retry is refused: the target was opened
    writeFileSync(second.path, complete);
    const before = sim.hashDir(into);
    const refused = await oeflow(['resume', '--db', targetDb, '--retry'], env);
    const error = refused.json.error as { code: string; message: string; hint: string };
    expect(error.code, refused.stdout + refused.stderr).toBe('OEF-214');
    expect(error.message).toContain('the target was opened since the roll forward began');
    expect(error.hint).toContain('Restore the copy again');
    expect(sim.hashDir(into)).toBe(before);

    // the refusal is right: rfutil's own retry no longer fits the backed-out target
    const retry = await sim.run('rfutil', [targetDb, '-C', 'roll', 'forward', 'retry', '-a', second.path]);
    expect({ rc: retry.exitCode, m: retry.messages.slice(-2) }).toEqual({ rc: 1, m: [1028, 8999] });

    // only a new restore helps
    const again = await oeflow(['restore', backupId, '--into', join(sim.dir, 'restored-again'), '--ai', archive], env);
    expect(again.json.status, again.stdout + again.stderr).toBe('completed');
    expect(await simDigest(sim, String(again.json.targetDb))).toBe(digest);
  }, 300_000);

  it('with --oplock the same open is refused between files, and the resumed restore completes (docs/openedge.md §4.41)', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const { backupId, archive, digest } = await backupWithArchive(sim, state, 600);
    const into = join(sim.dir, 'restored');
    const targetDb = join(into, sim.name);
    const args = ['restore', backupId, '--into', into, '--ai', archive, '--oplock'];
    const planned = await oeflow([...args, '--plan'], env);
    const rf = (planned.json.commands as { kb: string; argv: string[] }[]).filter((c) => c.kb === 'RF-5');
    expect(rf.length).toBeGreaterThan(1);
    for (const c of rf) expect(c.argv.slice(2, 6)).toEqual(['-C', 'roll', 'forward', 'oplock']);

    // oeflow dies after the first file; someone tries to open the target meanwhile. The setting
    // comes this time from the source database's section of a configuration file
    const config = join(sim.dir, 'oeflow.conf');
    writeFileSync(config, `[db.sports]\npath = "${sim.db}"\noplock = true\n`);
    const crashed = await oeflow(args.slice(0, -1), {
      ...env,
      OEFLOW_CONFIG: config,
      OEFLOW_CRASH_AT: 'after-command:rollForward#0',
    });
    expect(crashed.exitCode).toBe(-1);
    const before = sim.hashDir(into);
    await expectOpenRefused(sim, targetDb);
    expect(sim.hashDir(into)).toBe(before);

    // the resume rolls the rest forward: the data is the source's
    const resumed = await oeflow(['resume', '--db', targetDb], env);
    expect(resumed.json.status, resumed.stdout + resumed.stderr).toBe('completed');
    expect(await simDigest(sim, targetDb)).toBe(digest);
    const applied = invocations(sim.dlc, 'roll', 'forward').filter((i) => i.argv.includes(targetDb));
    expect(applied.every((i) => i.argv.includes('oplock'))).toBe(true);
    // protected afterwards exactly when the last file left a transaction open (1636)
    const last = applied.at(-1)!.argv.at(-1)!;
    const scan = await sim.run('rfutil', [sim.db, '-C', 'aimage', 'scan', '-a', last]);
    const open = Number(
      /At the end of the \.ai file, (\d+) transactions were still active\. \(1636\)/.exec(scan.stdout)?.[1],
    );
    expect(resumed.json.targetProtected).toBe(open > 0);
    const shown = await oeflow(['show', String(resumed.json.runId)], env);
    expect(shown.json.targetProtected).toBe(open > 0);
    if (open > 0) expect((await sim.run('rfutil', [targetDb, '-C', 'roll', 'opunlock'])).exitCode).toBe(0);
    expect((await sim.run('proserve', [targetDb])).exitCode).toBe(0);
    expect((await sim.run('proshut', [targetDb, '-by'])).exitCode).toBe(0);
  }, 300_000);
});
