// Retention keeps exactly what the policy says (never the newest backup, never one an open run
// uses; removals journaled), and the on-open-run policy: an interrupted run is abandoned when
// that is safe, resumed when asked, and a needs-decision one is never passed over.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { killAt } from '../helpers/crash.js';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { usePreparedSim } from '../helpers/prepared-sim.js';
import { useSim, type Sim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

function configured(sim: Sim, section: string[] = []) {
  const conf = join(sim.dir, 'oeflow.conf');
  const notified = join(sim.dir, 'notified.jsonl');
  writeFileSync(
    conf,
    [
      `repo = "${join(sim.dir, 'repo')}"`,
      `notify = "cat >> ${notified}"`,
      '[db.sports]',
      `path = "${sim.db}"`,
      ...section,
      '',
    ].join('\n'),
  );
  const state = join(sim.dir, 'state.db');
  const env = { ...sim.env, OEFLOW_STATE: state, OEFLOW_CONFIG: conf, HOME: sim.dir };
  const hooks = () =>
    existsSync(notified)
      ? readFileSync(notified, 'utf8')
          .split(/\n(?=\{)/)
          .filter((x) => x.trim())
          .map((x) => JSON.parse(x) as Record<string, unknown>)
      : [];
  return { conf, state, env, hooks };
}

describe('oeflow expire', () => {
  it('keeps exactly what retain-count says, never the backup the chain needs nor one an open run uses, expires archived AI files only before the oldest kept, and journals each removal', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const archive = join(sim.dir, 'arch');
    const { state, env } = configured(sim, ['retain-count = 1', `ai-archive = "${archive}"`, 'expire-ai-files = true']);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const b = await oeflow(['backup', 'online', 'sports'], env);
      expect(b.exitCode, b.stdout).toBe(0);
      ids.push(String(b.json.backupId));
      await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]); // the site's archiver
    }
    expect((await sim.run('rfutil', [sim.db, '-C', 'aimage', 'new'])).exitCode).toBe(0);
    await sim.oeflow(['sim', 'archive', sim.db, '--to', archive]);
    const [oldest, middle, newest] = ids as [string, string, string];
    // a restore from the middle backup was interrupted: its files must stay
    await killAt(sim, state, ['restore', middle, '--into', join(sim.dir, 'restored'), '--ai', archive], {
      stepKey: 'restoreCopy',
      crashAt: 'after-intent',
    });

    type Db = {
      plan: { backupId: string; keep: boolean; reasons: string[]; pairedAiSeq: number }[];
      aiFiles: { plan: { path: string; seqno: number; remove: boolean }[]; removed: string[] };
    };
    // an archived file the chain needs is missing: no backup reaches the present, the newest is kept and the plan says so
    const files = readdirSync(archive).sort();
    const needed = join(archive, files.at(-1)!);
    renameSync(needed, join(sim.dir, 'away'));
    const broken = await oeflow(['expire', 'sports', '--plan'], env);
    renameSync(join(sim.dir, 'away'), needed);
    expect((broken.json.databases as Db[])[0]!.plan[0]!.reasons.join()).toMatch(
      /no backup's AI chain reaches the present \(sequence \d+/,
    );

    const archiveBefore = sim.hashDir(archive);
    const plan = await oeflow(['expire', 'sports', '--plan'], env);
    expect(plan.exitCode, plan.stdout).toBe(0);
    const db0 = (plan.json.databases as Db[])[0]!;
    const decisions = db0.plan;
    expect(decisions.map((d) => [d.backupId, d.keep])).toEqual([
      [newest, true],
      [middle, true],
      [oldest, false],
    ]);
    expect(decisions[0]!.reasons.join()).toMatch(/the newest backup from which the AI chain reaches the present/);
    expect(decisions[1]!.reasons.join()).toMatch(/used by open run run-/);
    // archived AI files: exactly those before the oldest kept backup's (the middle one's) paired sequence
    const middlePaired = decisions[1]!.pairedAiSeq;
    expect(db0.aiFiles.plan.length).toBe(files.length);
    expect(
      db0.aiFiles.plan
        .filter((f) => f.remove)
        .map((f) => f.seqno)
        .sort(),
    ).toEqual(
      db0.aiFiles.plan
        .map((f) => f.seqno)
        .filter((q) => q < middlePaired)
        .sort(),
    );
    expect(db0.aiFiles.plan.some((f) => f.remove)).toBe(true);
    expect(existsSync(join(sim.dir, 'repo', 'sports', oldest))).toBe(true); // --plan removes nothing
    expect(sim.hashDir(archive)).toBe(archiveBefore);

    const done = await oeflow(['expire', 'sports'], env);
    expect(done.exitCode, done.stdout).toBe(0);
    expect((done.json.databases as { removed: string[] }[])[0]!.removed).toEqual([oldest]);
    const goneAi = db0.aiFiles.plan.filter((f) => f.remove).map((f) => f.path);
    expect((done.json.databases as Db[])[0]!.aiFiles.removed.sort()).toEqual(goneAi.sort());
    for (const f of db0.aiFiles.plan) expect(existsSync(f.path)).toBe(!f.remove);
    expect(existsSync(join(sim.dir, 'repo', 'sports', oldest))).toBe(false);
    expect(existsSync(join(sim.dir, 'repo', 'sports', middle))).toBe(true);
    const listed = await oeflow(['backups', '--db', sim.db], env);
    expect((listed.json.backups as { backupId: string }[]).map((b) => b.backupId)).toEqual([newest, middle]);
    const db = new Database(state, { readonly: true });
    try {
      const notes = db
        .prepare(`SELECT data_json FROM journal WHERE kind = 'note' AND data_json LIKE '%"expired"%'`)
        .all() as { data_json: string }[];
      expect(notes.map((n) => (JSON.parse(n.data_json) as { expired: { backupId: string } }).expired.backupId)).toEqual(
        [oldest],
      );
      const aiNotes = db
        .prepare(`SELECT data_json FROM journal WHERE kind = 'note' AND data_json LIKE '%"expiredAiFile"%'`)
        .all() as { data_json: string }[];
      expect(
        aiNotes.map((n) => (JSON.parse(n.data_json) as { expiredAiFile: { path: string } }).expiredAiFile.path).sort(),
      ).toEqual(goneAi.sort());
    } finally {
      db.close();
    }
    const restore = await oeflow(['restore', oldest, '--into', join(sim.dir, 'r2'), '--ai', archive], env);
    expect((restore.json.error as { code: string }).code).toBe('OEF-310');
    // the chain the kept newest backup needs is whole: it restores from what is left
    const kept = await oeflow(['restore', newest, '--into', join(sim.dir, 'r3'), '--ai', archive, '--plan'], env);
    expect(kept.json.ready, kept.stdout).toBe(true);
  }, 240_000); // three backups, a killed restore and an expiry: long on a loaded 2-core machine

  it('refuses to run without a retention policy', async () => {
    const sim = newSim();
    const { env } = configured(sim);
    const r = await oeflow(['expire', 'sports'], env);
    expect(r.exitCode).toBe(2);
    expect((r.json.error as { code: string; message: string }).message).toContain('no retention policy');
  });
});

describe('on-open-run', () => {
  // An online backup killed with its copy's intent journaled (it may hold a quiet point), made
  // once: the refusal test and the resume test each get their own copy, the database served again.
  const killedInCopy = usePreparedSim({ serve: true }, async (sim) => {
    const { env } = configured(sim);
    await killAt(sim, env.OEFLOW_STATE, ['backup', 'online', sim.db, '--config', env.OEFLOW_CONFIG], {
      stepKey: 'copyFiles',
      crashAt: 'after-intent',
    });
    return {};
  });
  async function servedCopy(): Promise<Sim> {
    const { sim } = killedInCopy();
    expect((await sim.run('proserve', [sim.db])).exitCode).toBe(0);
    return sim;
  }

  it('abandons an interrupted run when safe (journaled) and starts the new one; the hook hears both endings', async () => {
    const sim = newSim({ serve: true });
    const { env, hooks } = configured(sim, ['on-open-run = "abandon-if-safe"']);
    await killAt(sim, env.OEFLOW_STATE, ['backup', 'online', sim.db, '--config', env.OEFLOW_CONFIG], {
      stepKey: 'recordBackup',
      crashAt: 'after-intent',
    });
    const r = await oeflow(['backup', 'online', 'sports'], env);
    expect(r.exitCode, r.stdout).toBe(0);
    const abandoned = r.json.openRun as { runId: string; action: string };
    expect(abandoned.action).toBe('abandoned');
    const shown = await oeflow(['show', abandoned.runId], env);
    expect(shown.json.status).toBe('failed');
    expect(hooks().map((h) => h.event)).toEqual(['completed']);
  });

  it('never abandons a run that may hold a quiet point: it fails naming resume, and the hook fires', async () => {
    const sim = await servedCopy();
    const { env, hooks } = configured(sim, ['on-open-run = "abandon-if-safe"']);
    const r = await oeflow(['backup', 'online', 'sports'], env);
    expect(r.exitCode).toBe(4);
    const error = r.json.error as { code: string; hint: string; details: { holder: string; status: string } };
    expect(error).toMatchObject({ code: 'OEF-040', details: { status: 'interrupted' } });
    expect(error.hint).toContain(`oeflow resume ${error.details.holder}`);
    expect(hooks()).toMatchObject([{ event: 'open-run', openRunId: error.details.holder, error: { code: 'OEF-040' } }]);
    // --plan no longer says ready
    const plan = await oeflow(['backup', 'online', 'sports', '--plan'], env);
    expect(plan.exitCode).toBe(6);
    expect(plan.json.ready).toBe(false);
    expect(plan.json.preconditions).toContainEqual({
      check: 'no open run on the database',
      ok: false,
      detail: expect.stringContaining(`oeflow resume ${error.details.holder}`) as unknown,
    });
  });

  it('resumes the open run instead of starting another with on-open-run = resume', async () => {
    const sim = await servedCopy();
    const { env } = configured(sim);
    const r = await oeflow(['backup', 'online', 'sports', '--on-open-run', 'resume'], env);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.json.openRun).toMatchObject({ action: 'resumed', runId: r.json.runId });
    const runs = await oeflow(['runs'], env);
    expect((runs.json.runs as unknown[]).length).toBe(1);
  });

  it('names the repository directory only when --to is not given', async () => {
    const sim = newSim({ serve: true });
    const { env } = configured(sim);
    const to = join(sim.dir, 'explicit');
    mkdirSync(to);
    const r = await oeflow(['backup', 'online', 'sports', '--to', to], env);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(existsSync(join(to, 'oeflow-manifest.json'))).toBe(true);
    expect(existsSync(join(sim.dir, 'repo'))).toBe(false);
  });
});
