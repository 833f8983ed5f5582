// Retention keeps exactly what the policy says (never the newest backup, never one an open run
// uses; removals journaled), and the on-open-run policy: an interrupted run is abandoned when
// that is safe, resumed when asked, and a needs-decision one is never passed over.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { killAt } from '../helpers/crash.js';
import { oeflow } from '../helpers/oeflow.js';
import { useSim, type Sim } from '../helpers/sim.js';

const newSim = useSim();

function configured(sim: Sim, section: string[] = []) {
  const conf = join(sim.dir, 'oeflow.conf');
  const notified = join(sim.dir, 'notified.jsonl');
  writeFileSync(conf, [`repo = "${join(sim.dir, 'repo')}"`, `notify = "cat >> ${notified}"`, '[db.sports]', `path = "${sim.db}"`, ...section, ''].join('\n'));
  const state = join(sim.dir, 'state.db');
  const env = { ...sim.env, OEFLOW_STATE: state, OEFLOW_CONFIG: conf, HOME: sim.dir };
  const hooks = () => existsSync(notified) ? readFileSync(notified, 'utf8').split(/\n(?=\{)/).filter((x) => x.trim()).map((x) => JSON.parse(x) as Record<string, unknown>) : [];
  return { conf, state, env, hooks };
}

describe('oeflow expire', () => {
  it('keeps exactly what retain-count says, never the newest nor a backup an open run uses, and journals each removal', async () => {
    const sim = newSim({ serve: true, aiExtents: 6 });
    const { state, env } = configured(sim, ['retain-count = 1']);
    const archive = join(sim.dir, 'arch');
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
    await killAt(sim, state, ['restore', middle, '--into', join(sim.dir, 'restored'), '--ai', archive], { stepKey: 'restoreCopy', crashAt: 'after-intent' });

    const plan = await oeflow(['expire', 'sports', '--plan'], env);
    expect(plan.exitCode, plan.stdout).toBe(0);
    const decisions = (plan.json.databases as { plan: { backupId: string; keep: boolean; reasons: string[] }[] }[])[0]!.plan;
    expect(decisions.map((d) => [d.backupId, d.keep])).toEqual([[newest, true], [middle, true], [oldest, false]]);
    expect(decisions[1]!.reasons.join()).toMatch(/used by open run run-/);
    expect(existsSync(join(sim.dir, 'repo', 'sports', oldest))).toBe(true); // --plan removes nothing

    const done = await oeflow(['expire', 'sports'], env);
    expect(done.exitCode, done.stdout).toBe(0);
    expect((done.json.databases as { removed: string[] }[])[0]!.removed).toEqual([oldest]);
    expect(existsSync(join(sim.dir, 'repo', 'sports', oldest))).toBe(false);
    expect(existsSync(join(sim.dir, 'repo', 'sports', middle))).toBe(true);
    const listed = await oeflow(['backups', '--db', sim.db], env);
    expect((listed.json.backups as { backupId: string }[]).map((b) => b.backupId)).toEqual([newest, middle]);
    const db = new Database(state, { readonly: true });
    try {
      const notes = db.prepare(`SELECT data_json FROM journal WHERE kind = 'note' AND data_json LIKE '%"expired"%'`).all() as { data_json: string }[];
      expect(notes.map((n) => (JSON.parse(n.data_json) as { expired: { backupId: string } }).expired.backupId)).toEqual([oldest]);
    } finally {
      db.close();
    }
    const restore = await oeflow(['restore', oldest, '--into', join(sim.dir, 'r2'), '--ai', archive], env);
    expect((restore.json.error as { code: string }).code).toBe('OEF-310');
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
  it('abandons an interrupted run when safe (journaled) and starts the new one; the hook hears both endings', async () => {
    const sim = newSim({ serve: true });
    const { env, hooks } = configured(sim, ['on-open-run = "abandon-if-safe"']);
    await killAt(sim, env.OEFLOW_STATE, ['backup', 'online', sim.db, '--config', env.OEFLOW_CONFIG], { stepKey: 'recordBackup', crashAt: 'after-intent' });
    const r = await oeflow(['backup', 'online', 'sports'], env);
    expect(r.exitCode, r.stdout).toBe(0);
    const abandoned = (r.json.openRun as { runId: string; action: string });
    expect(abandoned.action).toBe('abandoned');
    const shown = await oeflow(['show', abandoned.runId], env);
    expect(shown.json.status).toBe('failed');
    expect(hooks().map((h) => h.event)).toEqual(['completed']);
  });

  it('never abandons a run that may hold a quiet point: it fails naming resume, and the hook fires', async () => {
    const sim = newSim({ serve: true });
    const { env, hooks } = configured(sim, ['on-open-run = "abandon-if-safe"']);
    await killAt(sim, env.OEFLOW_STATE, ['backup', 'online', sim.db, '--config', env.OEFLOW_CONFIG], { stepKey: 'copyFiles', crashAt: 'after-intent' });
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
    expect(plan.json.preconditions).toContainEqual({ check: 'no open run on the database', ok: false, detail: expect.stringContaining(`oeflow resume ${error.details.holder}`) as unknown });
  });

  it('resumes the open run instead of starting another with on-open-run = resume', async () => {
    const sim = newSim({ serve: true });
    const { env } = configured(sim);
    await killAt(sim, env.OEFLOW_STATE, ['backup', 'online', sim.db, '--config', env.OEFLOW_CONFIG], { stepKey: 'copyFiles', crashAt: 'after-intent' });
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
