// One canonical database path everywhere (issue 10): a run recorded through a symlinked
// directory is found by `runs --db`, `resume --db` and `backups --db` through either path.
import { mkdirSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAt } from '../helpers/crash.js';
import { oeflow, tempDir, useInProcessCli } from '../helpers/oeflow.js';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('--db through a symlinked path', () => {
  it('finds, resumes and lists the backup of a run started through the link, by either path', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const link = join(sim.dir, 'dblink');
    symlinkSync(dirname(sim.db), link);
    const linked = join(link, basename(sim.db));
    // the run starts through the link and dies after its jobs-check intent: an open, interrupted run
    await killAt(sim, state, ['backup', 'offline', `${linked}.db`, '--to', join(sim.dir, 'bk')], {
      stepKey: 'jobsCheck',
      crashAt: 'after-intent',
    });

    for (const db of [linked, `${linked}.db`, sim.db]) {
      const runs = await oeflow(['runs', '--db', db], env);
      expect(runs.json.runs, `runs --db ${db}`).toEqual([expect.objectContaining({ db: sim.db, interrupted: true })]);
    }
    const resumed = await oeflow(['resume', '--db', linked], env);
    expect(resumed.json.status, resumed.stdout + resumed.stderr).toBe('completed');
    const backupId = resumed.json.backupId;
    expect(String(backupId)).toMatch(/^bk-/);

    for (const db of [linked, `${linked}.db`, sim.db]) {
      const backups = await oeflow(['backups', '--db', db], env);
      expect(backups.json.backups, `backups --db ${db}`).toEqual([expect.objectContaining({ backupId, db: sim.db })]);
    }
  }, 120_000);
});

describe('a database path with a space and other legal characters', () => {
  it("backs up online and restores /…/my db's $x #1/…/sports end to end (the .st quotes the paths)", async () => {
    const parent = join(tempDir('oeflow-odd-path-'), "my db's $x #1");
    mkdirSync(parent);
    const sim = newSim({ serve: true }, { parentDir: parent });
    const state = join(sim.dir, 'state.db');
    // online backup (quiet point, AI switch, .st read), load, every AI file archived
    const { backupId, archive, digest } = await backupWithArchive(sim, state, 200);
    const into = join(sim.dir, 'restored copy');
    const r = await oeflow(['restore', backupId, '--into', into, '--ai', archive], { ...sim.env, OEFLOW_STATE: state });
    expect(r.json.status, r.stdout + r.stderr).toBe('completed');
    expect(await simDigest(sim, join(into, sim.name))).toBe(digest);
  }, 120_000);
});
