// Online backup by cloning on a real copy-on-write file system (issue 14 item 4): an XFS
// image with reflink, loop-mounted; a simulated database on it under load. Skipped, with
// the reason shown, only where loop mounts cannot be made (not root, no loop device, no mkfs).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupPath, killAt, killPlan, restartsAfterLostQuietPoint, storeView } from '../helpers/crash.js';
import { loopFsUnavailable, mountLoopFs, type LoopFs } from '../../bench/loop-fs.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { simDigest } from '../helpers/restore.js';
import { useSim, type Sim } from '../helpers/sim.js';

// The killed commands spawn (killAt), as does a backup started while the load runs in this process.
useInProcessCli();

const newSim = useSim();
const xfsMissing = loopFsUnavailable('xfs');
const ext4Missing = loopFsUnavailable('ext4');

/** The staging root's entries (clones left behind would show here). */
function staged(sim: Sim): string[] {
  const root = join(sim.dir, '.oeflow-staging');
  return existsSync(root) ? readdirSync(root) : [];
}

/** Every file of a backup has blocks of its own: filefrag flags a reflinked (shared) extent "shared". */
function expectOwnBlocks(bk: string): void {
  const copied = readdirSync(bk, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(bk, f)).isFile());
  expect(copied.length).toBeGreaterThan(2);
  for (const f of copied)
    expect(execFileSync('filefrag', ['-sv', join(bk, f)], { encoding: 'utf8' }), f).not.toMatch(/\bshared\b/);
}

/** Archive every AI file after a switch, so a restore can roll forward to the source's digest now. */
async function archiveAfterSwitch(sim: Sim): Promise<{ archive: string; digest: string }> {
  const archive = join(sim.dir, 'arch');
  await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);
  expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
  const digest = await simDigest(sim, sim.db);
  await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);
  return { archive, digest };
}

describe.skipIf(xfsMissing !== null)(
  `online backup by cloning on XFS (reflink)${xfsMissing ? ` — skipped: ${xfsMissing}` : ''}`,
  () => {
    let fs: LoopFs | undefined;
    beforeAll(() => {
      fs = mountLoopFs('xfs', 512);
    });
    afterAll(() => fs?.cleanup());

    it('clones under the quiet point, transfers after it, and the restore reaches the source digest', async () => {
      const sim = newSim({ serve: true, aiExtents: 6 }, { parentDir: fs!.dir });
      const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
      const load = sim.oeflow(['sim', 'load', sim.db, '--tx', '1200', '--seed', '5']);
      const b = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--copy-method', 'clone'], env);
      await load;
      expect(b.json.status, b.stdout + b.stderr).toBe('completed');
      expect(b.json.copyMethod).toBe('clone');
      expect(typeof b.json.quietWindowMs).toBe('number');
      const facts = b.json.facts as Record<string, Record<string, unknown>>;
      expect(facts['cloneFiles']?.['files']).toBeGreaterThan(2);
      expect(facts['transferClone']?.['cloneRemoved']).toBe(true);
      expect(staged(sim)).toEqual([]);
      // the destination is on the database's reflink file system: the backup is a real second
      // copy, none of its extents shared with the database (filefrag flags a reflinked extent "shared")
      expect(facts['transferClone']?.['transfer']).toBe('own-blocks');
      expectOwnBlocks(join(sim.dir, 'bk'));
      // the manifest names the database's files, not the clones
      const show = await oeflow(['show', String(b.json.runId)], env);
      expect(show.json).toMatchObject({ copyMethod: 'clone', quietWindowMs: b.json.quietWindowMs });

      const { archive, digest } = await archiveAfterSwitch(sim);
      const r = await oeflow(
        ['restore', String(b.json.backupId), '--into', join(sim.dir, 'restored'), '--ai', archive],
        env,
      );
      expect(r.json.status, r.stdout + r.stderr).toBe('completed');
      expect(await simDigest(sim, String(r.json.targetDb))).toBe(digest);
    }, 150_000);

    it('copies onto the database file system with blocks of its own, though the kernel copy under the quiet point reflinks', async () => {
      const sim = newSim({ serve: true, aiExtents: 4 }, { parentDir: fs!.dir });
      const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
      const bk = join(sim.dir, 'bk');
      const b = await oeflow(['backup', 'online', sim.db, '--to', bk, '--copy-method', 'copy'], env);
      expect(b.json.status, b.stdout + b.stderr).toBe('completed');
      expect(b.json.copyMethod).toBe('copy');
      expect((b.json.facts as Record<string, Record<string, unknown>>)['verifyCopy']).toMatchObject({
        sealedAfterDisable: true,
        rewrittenWithOwnBlocks: true,
      });
      expectOwnBlocks(bk);
      const check = await oeflow(['verify-backup', bk], env);
      expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    }, 150_000);

    it('resumes after a kill during and after every step of the clone path; no clone is left or restored from', async () => {
      const sim = newSim({ serve: true, aiExtents: 8 }, { parentDir: fs!.dir });
      const state = join(sim.dir, 'state.db');
      await sim.oeflow(['sim', 'load', sim.db, '--tx', '200']);
      const destination = join(sim.dir, 'bk');
      const start = ['backup', 'online', sim.db, '--to', destination, '--copy-method', 'clone'];
      // every step of the clone path, as the machine walks it on this file system
      const path = await backupPath(sim, { procedure: 'online-backup', db: sim.db, destination, copyMethod: 'clone' });
      expect(path.map((s) => s.stepId)).toContain('transferClone');
      const kills = killPlan(path);
      for (const [i, at] of kills.entries()) await killAt(sim, state, i === 0 ? start : ['resume', '--db', sim.db], at);
      const done = await oeflow(['resume', '--db', sim.db], { ...sim.env, OEFLOW_STATE: state });
      expect(done.json.status, done.stdout + done.stderr).toBe('completed');
      expect(storeView(state).open).toEqual([]);
      // a kill in the transfer drops that clone: the run took a new one under a new quiet point;
      // so did every resume that found the quiet point lost (the guard released it after the kill)
      const enables = invocations(sim.dlc, 'proquiet', 'enable').filter((i) => i.exitCode === 0).length;
      expect(enables).toBe(3 + restartsAfterLostQuietPoint(state));
      expect((await sim.run('proquiet', [sim.db, 'disable'])).exitCode).toBe(7);
      expect(staged(sim)).toEqual([]);
      const { archive, digest } = await archiveAfterSwitch(sim);
      const r = await oeflow(
        [
          'restore',
          (done.json.facts as { recordBackup: { backupId: string } }).recordBackup.backupId,
          '--into',
          join(sim.dir, 'restored'),
          '--ai',
          archive,
        ],
        { ...sim.env, OEFLOW_STATE: state },
      );
      expect(r.json.status, r.stdout + r.stderr).toBe('completed');
      expect(await simDigest(sim, String(r.json.targetDb))).toBe(digest);
      // two kill/resume cycles per step of the clone path (18), then a restore, like test/crash/*:
      // the default 60 s is too tight on a loaded 2-core machine
    }, 300_000);
  },
);

describe.skipIf(ext4Missing !== null)(
  `online backup on ext4 (no clone)${ext4Missing ? ` — skipped: ${ext4Missing}` : ''}`,
  () => {
    let fs: LoopFs | undefined;
    beforeAll(() => {
      fs = mountLoopFs('ext4', 128);
    });
    afterAll(() => fs?.cleanup());

    it('auto falls back to copying; clone refuses with OEF-307 before any quiet point', async () => {
      const sim = newSim({ serve: true }, { parentDir: fs!.dir });
      const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
      const refused = await oeflow(
        ['backup', 'online', sim.db, '--to', join(sim.dir, 'bk-clone'), '--copy-method', 'clone'],
        env,
      );
      expect(refused.exitCode).toBe(6);
      expect((refused.json.error as { code: string }).code).toBe('OEF-307');
      expect(invocations(sim.dlc, 'proquiet', 'enable')).toHaveLength(0);

      const auto = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk-auto')], env);
      expect(auto.json.status, auto.stdout + auto.stderr).toBe('completed');
      expect(auto.json.copyMethod).toBe('copy');
      expect(
        String((auto.json.facts as { prepareCopy: { cloneUnavailable: string } }).prepareCopy.cloneUnavailable),
      ).toMatch(/cannot clone/);
      expect(typeof auto.json.quietWindowMs).toBe('number');
      expect(staged(sim)).toEqual([]);
    });
  },
);
