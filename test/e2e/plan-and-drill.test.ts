// --plan changes nothing and lists exactly the commands the run then executes (issue 4);
// the drill rehearses backup → restore → roll forward under load and compares digests.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTools } from '../../src/openedge/create-tools.js';
import { isEffectCommand } from '../../src/plan/plan.js';
import { openStore } from '../../src/store/index.js';
import { invocations, oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { backupWithArchive, simDigest } from '../helpers/restore.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

/** State-changing commands a run executed, as journaled (utility first). */
function executed(statePath: string, runId: string): string[] {
  const store = openStore(statePath);
  try {
    return store
      .commands(runId)
      .filter((c) => c.exitCode === 0 && isEffectCommand(c.argv))
      .map((c) => c.argv.join(' '));
  } finally {
    store.close();
  }
}

describe('oeflow … --plan', () => {
  // the offline backup's end-to-end test too (it was test/e2e/procedures' first): one backup, both proofs
  it('lists exactly the commands the offline backup then runs, changing nothing; the backup completes, pairs the copy with one aimage new, restarts the database and is in the catalog', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '200']);
    const before = sim.hashDir();
    const plan = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk'), '--plan'], env);
    expect(plan.exitCode).toBe(0);
    expect(sim.hashDir()).toBe(before);
    expect(plan.json.ready).toBe(true);
    // a restart without parameters and no jobs check are said, in the plan and the result
    expect((plan.json.warnings as string[]).join('\n')).toMatch(/no parameters[\s\S]*no --jobs-check/);
    const run = await oeflow(['backup', 'offline', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(run.json.status, run.stderr).toBe('completed');
    expect(run.exitCode).toBe(0);
    expect((run.json.warnings as string[]).join('\n')).toMatch(/no parameters/);
    const planned = (plan.json.commands as { argv: string[] }[]).map((c) => c.argv.join(' '));
    expect(executed(env.OEFLOW_STATE, String(run.json.runId))).toEqual(planned);

    expect(String(run.json.backupId)).toMatch(/^bk-/);
    expect(invocations(sim.dlc, 'aimage', 'new').filter((i) => i.exitCode === 0)).toHaveLength(1);
    expect((await sim.run('proutil', [sim.db, '-C', 'busy'])).exitCode).toBe(6); // served again
    // the catalog knows the backup and the AI sequence roll forward must start at
    const catalog = await oeflow(['backups', '--db', sim.db], env);
    const entry = (
      catalog.json.backups as { backupId: string; kind: string; pairedAiSeq: number; destination: string }[]
    )[0];
    expect(entry).toMatchObject({ backupId: run.json.backupId, kind: 'offline', destination: join(sim.dir, 'bk') });
    expect(entry?.pairedAiSeq).toBe((run.json.facts as { aiSwitch: { pairedSeq: number } }).aiSwitch.pairedSeq);
  });

  // one online backup serves both plans: the backup's own, then the restore's from it
  it('lists exactly the commands the online backup then runs (with the AI sequence that becomes BUSY), then exactly the restore commands, and refuses a plan whose AI chain has a gap', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const backupPlan = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk'), '--plan'], env);
    const { backupId, archive, backupRun } = await backupWithArchive(sim, state, 1500); // the same backup, to <dir>/bk
    expect(backupRun.status).toBe('completed');
    expect(executed(state, String(backupRun.runId))).toEqual(
      (backupPlan.json.commands as { argv: string[] }[]).map((c) => c.argv.join(' ')),
    );
    expect((backupRun.facts as { confirmQuietPoint: { pairedSeq: number } }).confirmQuietPoint.pairedSeq).toBe(
      backupPlan.json.aiSeqToBecomeBusy,
    );

    const into = join(sim.dir, 'restored');
    const plan = await oeflow(['restore', backupId, '--into', into, '--ai', archive, '--plan'], env);
    expect(plan.json.ready, plan.stdout).toBe(true);
    const run = await oeflow(['restore', backupId, '--into', into, '--ai', archive], env);
    expect(run.json.status).toBe('completed');
    expect(executed(state, String(run.json.runId))).toEqual(
      (plan.json.commands as { argv: string[] }[]).map((c) => c.argv.join(' ')),
    );

    const files = plan.json.aiFiles as string[];
    expect(files.length).toBeGreaterThanOrEqual(3);
    const gap = await oeflow(
      ['restore', backupId, '--into', join(sim.dir, 'r2'), '--ai', files[0]!, files[2]!, '--plan'],
      env,
    );
    expect(gap.exitCode).toBe(8);
    expect(JSON.stringify(gap.json.chainProblems)).toMatch(/gap/);
  });
});

describe('oeflow drill', () => {
  it('rehearses backup, restore and roll forward on a simulated database under load, digests equal', async () => {
    const sim = newSim({ serve: true, aiExtents: 8 });
    const env = { ...sim.env, OEFLOW_STATE: join(sim.dir, 'state.db') };
    // under load the drill archives FULL extents, into the database's archive directory only
    const r = await oeflow(
      ['drill', sim.db, '--scratch', join(sim.dir, 'drill'), '--tx', '2000', '--ai-archive', join(sim.dir, 'arch')],
      env,
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.json.status).toBe('passed');
    const cmp = r.json.comparison as { method: string; match: boolean; source: string };
    expect(cmp.method).toBe('digest');
    expect(cmp.match).toBe(true);
    // every AI file from the backup's paired one to the one the drill closed was rolled forward;
    // how many depends on how much of the load came after the quiet point (machine speed), so the
    // chain's length is checked, not a count
    const backupId = (r.json.backup as { backupId: string }).backupId;
    const store = openStore(env.OEFLOW_STATE);
    const paired = store.getBackup(backupId)?.pairedAiSeq;
    store.close();
    const busy = (await createTools({ dlc: sim.dlc }).aimageList(sim.db)).value.find((e) => e.status === 'Busy');
    expect(paired).toBeGreaterThan(1);
    expect((r.json.restore as { aiFiles: string[] }).aiFiles.length, r.stdout + r.stderr).toBe(busy!.seqno - paired!);
    // archived into the database's archive directory, never into the scratch space
    expect(readdirSync(join(sim.dir, 'arch')).length).toBeGreaterThan(0);
    expect(existsSync(join(sim.dir, 'drill', 'ai-archive'))).toBe(false);
    expect(typeof r.json.rtoSeconds).toBe('number');
    // both runs proven as an auditor would; unsigned here (no key configured), so not authenticated
    expect(r.json.evidence).toMatchObject({
      backup: { verdict: 'proven', authenticated: false },
      restore: { verdict: 'proven', authenticated: false },
      keyId: null,
    });
    expect(readFileSync(String((r.json.evidence as { report: string }).report), 'utf8')).toContain('PROVEN');
  });

  it('puts no load on a named database unless --tx asks, and tells the notify hook how the drill ended', async () => {
    const sim = newSim({ serve: true, aiExtents: 4 });
    const hook = join(sim.dir, 'hook');
    mkdirSync(hook);
    const env = {
      ...sim.env,
      OEFLOW_STATE: join(sim.dir, 'state.db'),
      OEFLOW_NOTIFY: `cat > ${hook}/$OEFLOW_EVENT.json`,
    };
    const before = await simDigest(sim, sim.db);
    const quiet = await oeflow(['drill', sim.db, '--scratch', join(sim.dir, 'drill1')], env);
    expect(quiet.json.status, quiet.stdout + quiet.stderr).toBe('passed');
    expect(await simDigest(sim, sim.db)).toBe(before); // no transactions were written
    // one notification for the drill (not one per run inside it), like a backup's or a restore's
    expect(readdirSync(hook)).toEqual(['completed.json']);
    expect(JSON.parse(readFileSync(join(hook, 'completed.json'), 'utf8'))).toMatchObject({
      event: 'completed',
      kind: 'drill',
      runId: quiet.json.runId,
      db: sim.db,
      status: 'passed',
      rtoSeconds: expect.any(Number) as unknown,
      evidence: { backup: 'proven', restore: 'proven' },
    });
  });

  it("leaves the source's archive intact: FULL extents and archived files are copied, so a real restore still succeeds after the scratch is deleted", async () => {
    const sim = newSim({ serve: true, aiExtents: 8 });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const b0 = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk0')], env);
    expect(b0.json.status, b0.stderr).toBe('completed');
    await sim.oeflow(['sim', 'load', sim.db, '--tx', '600']);
    const archive = join(sim.dir, 'arch');
    await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]); // the site's archiver
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0); // a FULL extent not archived yet
    const tools = createTools({ dlc: sim.dlc });
    const fullExtents = async () =>
      (await tools.aimageList(sim.db)).value
        .filter((e) => e.status === 'Full')
        .map((e) => ({ seqno: e.seqno, hash: createHash('sha256').update(readFileSync(e.path)).digest('hex') }));
    const fullBefore = await fullExtents();
    expect(fullBefore.length).toBeGreaterThan(0);
    const archiveBefore = sim.hashDir(archive);

    const scratch = join(sim.dir, 'drill');
    // rehearsed as the site restores: with ROLL FORWARD OPLOCK (docs/openedge.md §4.41)
    const r = await oeflow(['drill', sim.db, '--scratch', scratch, '--ai', archive, '--oplock'], env);
    expect(r.json.status, r.stdout + r.stderr).toBe('passed');
    const drilled = r.json.restore as { targetDb: string; targetProtected?: boolean };
    expect(typeof drilled.targetProtected).toBe('boolean');
    const rolled = invocations(sim.dlc, 'roll', 'forward').filter((i) => i.argv.includes(drilled.targetDb));
    expect(rolled.length).toBeGreaterThan(0);
    expect(rolled.every((i) => i.argv.includes('oplock'))).toBe(true);
    expect((r.json.restore as { aiFiles: string[] }).aiFiles.every((f) => f.startsWith(join(scratch, 'ai')))).toBe(
      true,
    );
    expect(sim.hashDir(archive)).toBe(archiveBefore);
    const fullAfter = await fullExtents();
    expect(fullAfter.filter((e) => fullBefore.some((b) => b.seqno === e.seqno))).toEqual(fullBefore); // still FULL, same bytes

    rmSync(scratch, { recursive: true, force: true });
    await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]); // the site archives what the drill left FULL
    const digest = await simDigest(sim, sim.db);
    const restore = await oeflow(
      ['restore', String(b0.json.backupId), '--into', join(sim.dir, 'real'), '--ai', archive],
      env,
    );
    expect(restore.json.status, restore.stdout + restore.stderr).toBe('completed');
    expect(await simDigest(sim, join(sim.dir, 'real', sim.name))).toBe(digest);
  }, 240_000);
});
