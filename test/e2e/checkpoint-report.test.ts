// Store-wide evidence: a checkpoint handed out proves that nothing recorded before it was
// removed, cut or rewritten, even where each run's own chain was recomputed; a period
// report lists every run of the period with both verdicts and names a day without a backup.
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, journalHash, storeLogHash } from '../../src/store/index.js';
import { oeflow, oeflowText, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

type Tamper = (db: Database.Database) => void;

/** A copy of the store with `tamper` applied, append-only triggers and foreign keys off first (as any SQL user can). */
function tampered(state: string, name: string, tamper: Tamper): string {
  const copy = `${state}.${name}.db`;
  copyFileSync(state, copy);
  const db = new Database(copy);
  db.pragma('foreign_keys = OFF');
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type='trigger'").all() as { name: string }[])
    db.exec(`DROP TRIGGER "${t.name}"`);
  tamper(db);
  db.close();
  return copy;
}

/** Every row of a run, in every table, gone. */
function deleteRun(db: Database.Database, runId: string): void {
  for (const table of ['commands', 'attempts', 'journal', 'backups', 'locks', 'runs'])
    db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(runId);
}

/** Drop a run's store log entries and recompute the rest of the log, as an attacker who knows the scheme would. */
function eraseFromLog(db: Database.Database, runId: string): void {
  const rest = db
    .prepare('SELECT at, kind, run_id, run_seq, run_hash FROM store_log WHERE run_id <> ? ORDER BY seq')
    .all(runId) as { at: string; kind: string; run_id: string; run_seq: number; run_hash: string }[];
  db.exec('DELETE FROM store_log');
  let prev = GENESIS_HASH;
  for (const [i, e] of rest.entries()) {
    const hash = storeLogHash(prev, {
      seq: i + 1,
      at: e.at,
      kind: e.kind,
      runId: e.run_id,
      runSeq: e.run_seq,
      runHash: e.run_hash,
    });
    db.prepare(
      'INSERT INTO store_log (seq, at, kind, run_id, run_seq, run_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(i + 1, e.at, e.kind, e.run_id, e.run_seq, e.run_hash, prev, hash);
    prev = hash;
  }
}

/** Change a command's exit code and recompute the run's chain, its signatures stripped. */
function rewriteRun(db: Database.Database, runId: string): void {
  const row = db
    .prepare("SELECT seq, data_json FROM journal WHERE run_id = ? AND kind = 'command' ORDER BY seq LIMIT 1")
    .get(runId) as { seq: number; data_json: string };
  db.prepare('UPDATE journal SET data_json = ? WHERE run_id = ? AND seq = ?').run(
    JSON.stringify({ ...(JSON.parse(row.data_json) as object), exitCode: 42 }),
    runId,
    row.seq,
  );
  db.prepare('UPDATE commands SET exit_code = 42 WHERE run_id = ? AND journal_seq = ?').run(runId, row.seq);
  db.prepare('UPDATE journal SET signature = NULL, sig_key_id = NULL WHERE run_id = ?').run(runId);
  const rows = db
    .prepare('SELECT seq, at, kind, step_key, attempt, data_json FROM journal WHERE run_id = ? ORDER BY seq')
    .all(runId) as {
    seq: number;
    at: string;
    kind: string;
    step_key: string | null;
    attempt: number | null;
    data_json: string;
  }[];
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const data = JSON.parse(r.data_json) as Record<string, unknown>;
    const canonical = JSON.stringify(
      Object.fromEntries(
        Object.keys(data)
          .sort()
          .map((k) => [k, data[k]]),
      ),
    );
    if (r.seq === row.seq)
      db.prepare('UPDATE journal SET data_json = ? WHERE run_id = ? AND seq = ?').run(canonical, runId, r.seq);
    const hash = journalHash(prev, {
      runId,
      seq: r.seq,
      at: r.at,
      kind: r.kind,
      stepKey: r.step_key,
      attempt: r.attempt,
      data,
    });
    db.prepare('UPDATE journal SET prev_hash = ?, hash = ? WHERE run_id = ? AND seq = ?').run(prev, hash, runId, r.seq);
    prev = hash;
  }
  db.prepare('UPDATE runs SET last_seq = ?, head_hash = ? WHERE run_id = ?').run(rows.at(-1)!.seq, prev, runId);
}

describe('store checkpoints and period reports', () => {
  it('proves the history before a checkpoint, names a deleted run, a cut tail and a rewritten run, and reports a period with its missing day', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const key = join(sim.dir, 'dba.key');
    expect((await oeflow(['key', 'generate', key], sim.env)).exitCode).toBe(0);
    const env = { ...sim.env, OEFLOW_STATE: state, OEFLOW_SIGNING_KEY: key };
    const first = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk1')], env);
    const second = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk2')], env);
    expect([first.json.status, second.json.status]).toEqual(['completed', 'completed']);
    const [runA, runB] = [String(first.json.runId), String(second.json.runId)];

    const file = join(sim.dir, 'checkpoint.json');
    const taken = await oeflow(['checkpoint', '--out', file], env);
    expect(taken.exitCode).toBe(0);
    expect(taken.json).toMatchObject({ size: 4, signed: true }); // two runs: start and end each
    const checkpoint = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      size: number;
      signature: { keyId: string };
    };
    expect(checkpoint.format).toBe('oeflow-checkpoint-v1');

    const verifyStore = (store: string, ...extra: string[]) =>
      oeflow(['verify', '--checkpoint', file, '--public-key', `${key}.pub`, ...extra], {
        ...sim.env,
        OEFLOW_STATE: store,
      });
    const good = await verifyStore(state);
    expect(good.exitCode, good.stdout).toBe(0);
    expect(good.json).toMatchObject({
      verdict: 'proven',
      checkpoints: [
        { ok: true, size: 4, runsCovered: 2, signature: { signed: true, ok: true, checkedWith: 'public-key' } },
      ],
    });

    // a later run is not part of the checkpoint, and does not disturb it
    const third = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk3')], env);
    expect(third.json.status).toBe('completed');
    expect((await verifyStore(state)).exitCode).toBe(0);

    const cases: { name: string; tamper: Tamper; expect: RegExp }[] = [
      {
        name: 'deleted-run',
        tamper: (db) => deleteRun(db, runA),
        expect: new RegExp(`run ${runA}'s run-started \\(seq 1\\) is gone: the run was deleted`),
      },
      {
        name: 'deleted-run-and-log',
        tamper: (db) => {
          deleteRun(db, runA);
          eraseFromLog(db, runA);
        },
        expect: /does not have the checkpoint's head hash|were removed/,
      },
      {
        name: 'cut-tail',
        tamper: (db) => {
          deleteRun(db, runB);
          deleteRun(db, String(third.json.runId));
          db.prepare('DELETE FROM store_log WHERE seq > 2').run();
        },
        expect: /the store log has 2 entries, the checkpoint counted 4: entries 3\.\.4 were removed/,
      },
      {
        name: 'rewritten-run',
        tamper: (db) => rewriteRun(db, runA),
        expect: new RegExp(
          `run ${runA}'s run-ended \\(seq \\d+\\) has another hash than the one anchored: the run was rewritten`,
        ),
      },
    ];
    for (const c of cases) {
      const copy = tampered(state, c.name, c.tamper);
      const bad = await verifyStore(copy);
      expect(bad.exitCode, `${c.name}: ${bad.stdout}`).toBe(8);
      expect(bad.json.verdict, c.name).toBe('not-proven');
      expect((bad.json.error as { code: string }).code, c.name).toBe('OEF-331');
      expect(JSON.stringify(bad.json.checkpoints), c.name).toMatch(c.expect);
    }
    // the rewritten run alone, without the checkpoint, looks proven (unsigned): the checkpoint is what catches it
    const rewritten = `${state}.rewritten-run.db`;
    const alone = await oeflow(['verify', runA], { ...sim.env, OEFLOW_STATE: rewritten });
    expect(alone.json).toMatchObject({ verdict: 'proven', authenticity: { checkedWith: 'none' } });
    const text = await oeflowText(['verify', '--checkpoint', file], { ...sim.env, OEFLOW_STATE: rewritten });
    expect(text.exitCode).toBe(8);
    expect(text.stdout).toMatch(/: NOT PROVEN against 1 checkpoint/);
    expect(text.stdout).toMatch(/\n {2}next: .*keep the store and the checkpoint unchanged/);
    // a checkpoint someone else signed, or a file that is not one
    const forged = join(sim.dir, 'forged.json');
    copyFileSync(file, forged);
    const f = JSON.parse(readFileSync(forged, 'utf8')) as { size: number };
    f.size = 2;
    await import('node:fs').then((fs) => fs.writeFileSync(forged, JSON.stringify(f)));
    const forgedCheck = await oeflow(['verify', '--checkpoint', forged], env);
    expect(forgedCheck.exitCode).toBe(8);
    expect(JSON.stringify(forgedCheck.json.checkpoints)).toMatch(/signature .* does not verify/);
    const notOne = await oeflow(['verify', '--checkpoint', join(sim.dir, 'bk1', 'oeflow-manifest.json')], env);
    expect(notOne.exitCode).toBe(2);
    expect((notOne.json.error as { code: string }).code).toBe('OEF-332');

    // the period report: yesterday had no backup, today has three, all listed with both verdicts
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const html = join(sim.dir, 'report.html');
    const report = await oeflow(
      ['report', '--from', yesterday, '--to', today, '--db', sim.db, '--html', html, '--checkpoint', file],
      env,
    );
    expect(report.exitCode, report.stdout).toBe(0);
    const runs = report.json.runs as { runId: string; integrity: string; outcome: string; checkpoints: string[] }[];
    expect(runs.map((r) => r.runId)).toEqual([runA, runB, String(third.json.runId)]);
    expect(runs.every((r) => r.integrity === 'PROVEN' && r.outcome === 'COMPLETED')).toBe(true);
    expect(runs.map((r) => r.checkpoints.length)).toEqual([1, 1, 0]);
    expect(report.json.gaps).toEqual([{ db: sim.db, day: yesterday }]);
    expect((report.json.backups as unknown[]).length).toBe(3);
    expect(report.json.signature).toMatchObject({ keyId: checkpoint.signature.keyId });
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`<b>${yesterday}</b>: no completed, proven backup of`);
    for (const r of runs) expect(page).toContain(r.runId);
    expect(page).toContain('@page');
    const reportText = await oeflowText(['report', '--from', yesterday, '--to', today], env);
    expect(reportText.stdout).toContain(`gap: ${yesterday} has no completed, proven backup of ${sim.db}`);
    const badPeriod = await oeflow(['report', '--from', today, '--to', yesterday], env);
    expect(badPeriod.exitCode).toBe(2);
    expect((badPeriod.json.error as { code: string }).code).toBe('OEF-333');
  }, 300_000);
});
