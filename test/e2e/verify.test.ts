// `oeflow verify`: a run's journal is proven (hash chain, replay through the machine,
// results before transitions); a tampered journal is not.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oeflow, oeflowText, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

describe('oeflow verify', () => {
  it('proves a completed backup, writes the HTML evidence, and rejects a tampered journal', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const env = { ...sim.env, OEFLOW_STATE: state };
    const run = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(run.json.status).toBe('completed');
    const runId = String(run.json.runId);

    const html = join(sim.dir, 'evidence.html');
    const ok = await oeflow(['verify', runId, '--html', html], env);
    expect(ok.exitCode).toBe(0);
    expect(ok.json.verdict).toBe('proven');
    expect(ok.json.error).toBeUndefined();
    // two verdicts, never merged: the journal is proven, and the backup completed
    expect(ok.json.integrity).toEqual({ verdict: 'PROVEN', signed: false, authenticated: false });
    expect(ok.json.outcome).toEqual({ verdict: 'COMPLETED', summary: 'COMPLETED' });
    expect(ok.json.headline).toBe('PROVEN (unsigned) — COMPLETED');
    expect((ok.json.replay as { transitions: unknown[] }).transitions.length).toBeGreaterThanOrEqual(7);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('PROVEN');
    expect(page).toContain('<svg');
    expect(page).toContain('proquiet');

    // the chart of the run, its path highlighted, in each format
    for (const ext of ['svg', 'mmd', 'dot']) {
      const file = join(sim.dir, `run.${ext}`);
      const shown = await oeflow(['show', runId, '--diagram', file], env);
      expect(shown.exitCode).toBe(0);
      expect(readFileSync(file, 'utf8')).toMatch(ext === 'svg' ? /<svg[\s\S]*quietEnable/ : /quietEnable/);
    }
    // an output file that cannot be written is the operator's error (OEF-003), not a crash
    const missingDir = join(sim.dir, 'no-such-dir');
    for (const [args, option, file] of [
      [['show', runId, '--diagram', join(missingDir, 'x.svg')], '--diagram', join(missingDir, 'x.svg')],
      [['verify', runId, '--html', join(missingDir, 'x.html')], '--html', join(missingDir, 'x.html')],
    ] as const) {
      const failed = await oeflow(args, env);
      expect(failed.exitCode).toBe(2);
      expect(failed.json).toMatchObject({
        status: 'error',
        error: { code: 'OEF-003', details: { option, path: file, osError: 'ENOENT' } },
      });
      expect((failed.json.error as { message: string }).message).toBe(
        `cannot write the ${option} file ${file}: no such file or directory (ENOENT)`,
      );
      const text = await oeflowText(args, env);
      expect(text.exitCode).toBe(2);
      expect(text.stderr).toBe(
        `oeflow: OEF-003 cannot write the ${option} file ${file}: no such file or directory (ENOENT)\n  next: Check that the directory exists and is writable, or name another file.`,
      );
      expect(text.stderr).not.toMatch(/^\s+at /m);
    }

    const timeline = (await oeflow(['show', runId], env)).json.timeline as {
      stepKey: string;
      commands: { argv: string[] }[];
    }[];
    expect(timeline.map((t) => t.stepKey)).toEqual([
      'preflight',
      'prepareCopy',
      'quietEnable',
      'copyFiles',
      'quietDisable',
      'confirmQuietPoint',
      'verifyCopy',
      'recordBackup',
    ]);
    expect(timeline[2]!.commands.map((c) => c.argv.slice(0, 1).concat(c.argv.slice(2)).join(' '))).toContain(
      'proquiet enable',
    );

    // rewrite history: claim the copy step went straight to completed
    const db = new Database(state);
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type='trigger'").all() as { name: string }[])
      db.exec(`DROP TRIGGER "${t.name}"`);
    const row = db
      .prepare(
        "SELECT seq, data_json FROM journal WHERE run_id = ? AND kind = 'transition' ORDER BY seq DESC LIMIT 1 OFFSET 2",
      )
      .get(runId) as { seq: number; data_json: string };
    const data = JSON.parse(row.data_json) as { to: unknown };
    data.to = 'completed';
    db.prepare('UPDATE journal SET data_json = ? WHERE run_id = ? AND seq = ?').run(
      JSON.stringify(data),
      runId,
      row.seq,
    );
    db.close();
    const bad = await oeflow(['verify', runId], env);
    expect(bad.exitCode).toBe(8);
    expect(bad.json.verdict).toBe('not-proven');
    expect((bad.json.chain as { ok: boolean; brokenAtSeq: number }).brokenAtSeq).toBe(row.seq);
    expect((bad.json.replay as { ok: boolean }).ok).toBe(false);
    // not proven carries an error code and the next action; every other field stays
    expect(bad.json.error).toEqual({
      code: 'OEF-330',
      message: `run ${runId} is not proven: journal hash chain broken at seq ${row.seq}; replay does not reproduce the recorded states`,
      hint: expect.stringContaining('keep the store unchanged for investigation') as unknown,
    });
    expect(Object.keys(bad.json)).toEqual(
      expect.arrayContaining([
        'runId',
        'machineId',
        'status',
        'chain',
        'definition',
        'replay',
        'ordering',
        'record',
        'authenticity',
        'authenticated',
        'limits',
        'visited',
        'verdict',
      ]),
    );
    const badText = await oeflowText(['verify', runId], env);
    expect(badText.exitCode).toBe(8);
    expect(badText.stdout).toContain(`run ${runId}: NOT PROVEN (unsigned) — `);
    expect(badText.stdout).toContain(`OEF-330 run ${runId} is not proven: journal hash chain broken at seq ${row.seq}`);
    expect(badText.stdout).toMatch(/\n {2}next: .*keep the store unchanged for investigation/);
  });
});
