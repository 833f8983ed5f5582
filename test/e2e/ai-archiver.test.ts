// The AI archiver daemon running through an online backup, and a restore that takes the
// archiver's directory and names (issue 11; docs/openedge.md §7: archives FULL extents every 5 s,
// record type 0001, 13199/13154, `extent empty` refused while it runs).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArchiverName } from '../../src/aichain/archiver-name.js';
import { readMaster } from '../../src/sim/master-block.js';
import { dbPaths } from '../../src/sim/paths.js';
import { eventually, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('oeflow with the AI archiver running', () => {
  it('takes an online backup while the daemon archives, and restores from the archiver directory to the source digest', async () => {
    const sim = newSim({ aiExtents: 6 }); // room for the load's AI notes while the daemon archives every 5 s
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const arch = join(sim.dir, 'aiarc');
    // the directory does not exist yet: -aiarcdircreate makes it
    const served = await sim.run('proserve', [sim.db, '-aiarchiver', '-aiarcdir', arch, '-aiarcdircreate']);
    expect(served.exitCode, served.stdout).toBe(0);
    expect(readFileSync(`${sim.db}.lg`, 'utf8')).toContain(
      `(13231) From this point forward all after-image extents will be archived to ${arch}.`,
    );

    const load = sim.oeflow(['sim', 'load', sim.db, '--tx', '1500', '--seed', '5']);
    const b = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect((await load).exitCode).toBe(0);
    expect(b.json.status, b.stdout + b.stderr).toBe('completed');

    // while the archiver runs, emptying an extent by hand is refused and changes nothing
    const before = sim.hashDir();
    expect(await sim.run('rfutil', [sim.db, '-C', 'aimage', 'extent', 'empty'])).toMatchObject({
      exitCode: 1,
      messages: [90040],
    });
    expect(sim.hashDir()).toBe(before);

    // the load filled extents the daemon may not have reached yet: the switch needs the next one EMPTY
    await eventually(
      () => readMaster(dbPaths(sim.db)).ai.extents.every((e) => e.status !== 'Full'),
      30_000,
      'no FULL extent left',
    );
    // close the last file; the daemon archives it within its 5 s pass
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    const digest = await simDigest(sim, sim.db);
    const lastClosed = readMaster(dbPaths(sim.db)).ai.currentSeq - 1;
    const archivedSeqs = (): number[] => readdirSync(arch).map((n) => parseArchiverName(n)?.aiSeq ?? -1);
    await eventually(() => archivedSeqs().includes(lastClosed), 30_000, `sequence ${lastClosed} in ${arch}`);
    expect(readMaster(dbPaths(sim.db)).ai.extents.filter((e) => e.status === 'Full')).toEqual([]);
    const lg = readFileSync(`${sim.db}.lg`, 'utf8');
    expect(lg).toMatch(/\(13199\) After-image extent .* has been copied to /);
    expect(lg).toMatch(/\(13154\) Marked after-image extent sports\.a\d ARCHIVED\./);
    expect(
      readFileSync(`${sim.db}.archival.log`, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('0001,')).length,
    ).toBeGreaterThanOrEqual(lastClosed - 1);

    const r = await oeflow(
      ['restore', String(b.json.backupId), '--into', join(sim.dir, 'restored'), '--ai', arch],
      env,
    );
    expect(r.json.status, r.stdout + r.stderr).toBe('completed');
    expect(await simDigest(sim, String(r.json.targetDb))).toBe(digest);
  }, 240_000);

  it('refuses a bad archiver interval at proserve and rfutil, starting nothing and changing nothing', async () => {
    const sim = newSim();
    const before = sim.hashDir();
    expect(
      await sim.run('proserve', [sim.db, '-aiarchiver', '-aiarcdir', sim.dir, '-aiarcinterval', '5']),
    ).toMatchObject({ exitCode: 1, messages: [90041] });
    expect(await sim.run('proserve', [sim.db, '-aiarchiver'])).toMatchObject({ exitCode: 1, messages: [90039] });
    expect(await sim.run('rfutil', [sim.db, '-C', 'aiarchiver', 'setinterval', '60'])).toMatchObject({
      exitCode: 1,
      messages: [90041],
    });
    expect(sim.hashDir()).toBe(before);
    expect(
      await sim.run('rfutil', [sim.db, '-C', 'aiarchiver', 'enable', '-aiarcdir', sim.dir, '-aiarcinterval', '120']),
    ).toMatchObject({ exitCode: 0, messages: [13231] });
    expect(readMaster(dbPaths(sim.db)).ai).toMatchObject({
      archiver: true,
      archiveDirs: [sim.dir],
      archiveInterval: 120,
    });
    // a drill does not archive (or empty extents) under the site's archiver: it needs its directories
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    const enabled = sim.hashDir();
    const drill = await oeflow(['drill', sim.db, '--scratch', join(sim.dir, 'drill')], env);
    expect((drill.json.error as { code: string; message: string }).code).toBe('OEF-001');
    expect((drill.json.error as { message: string }).message).toContain('--ai');
    expect(sim.hashDir()).toBe(enabled);
    expect(await sim.run('rfutil', [sim.db, '-C', 'aiarchiver', 'setinterval', '0'])).toMatchObject({
      exitCode: 0,
      messages: [90045],
    });
    expect(await sim.run('rfutil', [sim.db, '-C', 'aiarchiver', 'end'])).toMatchObject({
      exitCode: 0,
      messages: [90044],
    });
    expect(readMaster(dbPaths(sim.db)).ai).toMatchObject({ archiver: false, archiveInterval: 0 });
  });
});
