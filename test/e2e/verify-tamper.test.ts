// `oeflow verify` against someone who can write the store: signed rows authenticate a run;
// edits that recompute the hash chain, cut the tail, or touch the tables the reports show
// (run status, commands, attempts, definition hash) are not proven.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, journalHash } from '../../src/store/index.js';
import { oeflow, useInProcessCli } from '../helpers/oeflow.js';
import { useSim } from '../helpers/sim.js';

useInProcessCli();

const newSim = useSim();

type Tamper = (db: Database.Database, runId: string) => void;

/** Recompute every row's hash (and the run's head), as an attacker who knows the scheme would. */
const rehash: Tamper = (db, runId) => {
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
    const hash = journalHash(prev, {
      runId,
      seq: r.seq,
      at: r.at,
      kind: r.kind,
      stepKey: r.step_key,
      attempt: r.attempt,
      data: JSON.parse(r.data_json) as unknown,
    });
    db.prepare('UPDATE journal SET prev_hash = ?, hash = ? WHERE run_id = ? AND seq = ?').run(prev, hash, runId, r.seq);
    prev = hash;
  }
  db.prepare('UPDATE runs SET last_seq = ?, head_hash = ? WHERE run_id = ?').run(rows.at(-1)?.seq ?? 0, prev, runId);
};

/** A copy of the store with `tamper` applied (append-only triggers and foreign keys off first, as any SQL user can). */
function tampered(state: string, name: string, runId: string, tamper: Tamper): string {
  expect(existsSync(`${state}-wal`) && statSync(`${state}-wal`).size > 0).toBe(false);
  const copy = `${state}.${name}.db`;
  copyFileSync(state, copy);
  const db = new Database(copy);
  db.pragma('foreign_keys = OFF');
  for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type='trigger'").all() as { name: string }[])
    db.exec(`DROP TRIGGER "${t.name}"`);
  tamper(db, runId);
  db.close();
  return copy;
}

describe('oeflow verify against a store someone rewrote', () => {
  it('authenticates signed rows and names every tamper', async () => {
    const sim = newSim({ serve: true });
    const state = join(sim.dir, 'state.db');
    const key = join(sim.dir, 'dba.key');
    const generated = await oeflow(['key', 'generate', key], sim.env);
    expect(generated.exitCode).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${key}.pub`, 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect((await oeflow(['key', 'generate', key], sim.env)).exitCode).toBe(2); // never overwritten
    const other = join(sim.dir, 'someone-else.key');
    await oeflow(['key', 'generate', other], sim.env);

    const env = { ...sim.env, OEFLOW_STATE: state, OEFLOW_SIGNING_KEY: key };
    const run = await oeflow(['backup', 'online', sim.db, '--to', join(sim.dir, 'bk')], env);
    expect(run.json.status).toBe('completed');
    const runId = String(run.json.runId);
    const verify = (store: string, ...extra: string[]) =>
      oeflow(['verify', runId, ...extra], { ...sim.env, OEFLOW_STATE: store });

    const good = await verify(state, '--public-key', `${key}.pub`);
    expect(good.exitCode).toBe(0);
    expect(good.json).toMatchObject({
      verdict: 'proven',
      authenticated: true,
      authenticity: { checkedWith: 'public-key', ok: true },
    });
    const wrongKey = await verify(state, '--public-key', `${other}.pub`);
    expect(wrongKey.exitCode).toBe(8);
    expect(wrongKey.json.authenticated).toBe(false);
    expect(wrongKey.json.error).toEqual({
      code: 'OEF-330',
      message: `run ${runId} is not proven: rows not all signed by a key you passed`,
      hint: expect.stringMatching(/^Pass the public key of the signer with --public-key/) as unknown,
    });
    const noKey = await verify(state);
    expect(noKey.json).toMatchObject({
      verdict: 'proven',
      authenticated: false,
      authenticity: { checkedWith: 'store-keys', ok: true },
    });
    expect(noKey.json.error).toBeUndefined();
    expect((noKey.json.limits as string[]).join(' ')).toMatch(/Not authenticated/);

    const problemsOf = (json: Record<string, unknown>): string =>
      JSON.stringify([json['chain'], json['record'], json['ordering'], json['authenticity'], json['definition']]);
    const cases: { name: string; tamper: Tamper; expect: RegExp }[] = [
      {
        name: 'tail-cut',
        expect: /the run record says completed, the journal says running/,
        tamper: (db, id) => {
          db.prepare('DELETE FROM journal WHERE run_id = ? AND seq > 12').run(id);
          const head = db.prepare('SELECT hash FROM journal WHERE run_id = ? AND seq = 12').get(id) as { hash: string };
          db.prepare('UPDATE runs SET last_seq = 12, head_hash = ? WHERE run_id = ?').run(head.hash, id);
        },
      },
      {
        name: 'empty',
        expect: /journal is empty/,
        tamper: (db, id) => {
          db.prepare('DELETE FROM journal WHERE run_id = ?').run(id);
          db.prepare(`UPDATE runs SET last_seq = 0, head_hash = '${GENESIS_HASH}' WHERE run_id = ?`).run(id);
        },
      },
      {
        name: 'status',
        expect: /the run record says failed, the journal says completed/,
        tamper: (db, id) => {
          db.prepare("UPDATE runs SET status = 'failed' WHERE run_id = ?").run(id);
        },
      },
      {
        name: 'command-table',
        expect: /stored exit code differ/,
        tamper: (db, id) => {
          db.prepare("UPDATE commands SET exit_code = 7 WHERE run_id = ? AND step_key LIKE 'quietEnable%'").run(id);
        },
      },
      {
        name: 'attempt-table',
        expect: /stored outcome error differs/,
        tamper: (db, id) => {
          db.prepare("UPDATE attempts SET outcome = 'error' WHERE run_id = ? AND step_key LIKE 'copyFiles%'").run(id);
        },
      },
      {
        name: 'database',
        expect: /database/,
        tamper: (db, id) => {
          db.prepare("UPDATE runs SET db = '/prod/db/payroll' WHERE run_id = ?").run(id);
        },
      },
      {
        name: 'definition',
        expect: /machine definition hash|"available":false/,
        tamper: (db, id) => {
          db.prepare("UPDATE runs SET machine_hash = 'deadbeef' WHERE run_id = ?").run(id);
        },
      },
      {
        // rewrite a command's exit code in the journal and the table, then recompute the chain:
        // the chain holds, the signatures do not
        name: 'rehashed',
        expect: /signature does not verify/,
        tamper: (db, id) => {
          const row = db
            .prepare("SELECT seq, data_json FROM journal WHERE run_id = ? AND kind = 'command' ORDER BY seq LIMIT 1")
            .get(id) as { seq: number; data_json: string };
          db.prepare('UPDATE journal SET data_json = ? WHERE run_id = ? AND seq = ?').run(
            JSON.stringify({ ...(JSON.parse(row.data_json) as object), exitCode: 42 }),
            id,
            row.seq,
          );
          db.prepare('UPDATE commands SET exit_code = 42 WHERE run_id = ? AND journal_seq = ?').run(id, row.seq);
          rehash(db, id);
        },
      },
      {
        // a consistent lie about an outcome (journal + table, chain recomputed, signatures
        // dropped): the transition that followed still says the step succeeded
        name: 'outcome',
        expect: /follows a result with outcome error/,
        tamper: (db, id) => {
          const row = db
            .prepare(
              "SELECT seq, data_json FROM journal WHERE run_id = ? AND kind = 'result' AND step_key LIKE 'verifyCopy%'",
            )
            .get(id) as { seq: number; data_json: string };
          db.prepare(
            'UPDATE journal SET data_json = ?, signature = NULL, sig_key_id = NULL WHERE run_id = ? AND seq = ?',
          ).run(JSON.stringify({ ...(JSON.parse(row.data_json) as object), outcome: 'error' }), id, row.seq);
          db.prepare("UPDATE attempts SET outcome = 'error' WHERE run_id = ? AND result_seq = ?").run(id, row.seq);
          db.prepare('UPDATE journal SET signature = NULL, sig_key_id = NULL WHERE run_id = ?').run(id);
          rehash(db, id);
        },
      },
    ];
    for (const c of cases) {
      const bad = await verify(tampered(state, c.name, runId, c.tamper));
      expect(bad.exitCode, `${c.name}: ${bad.stdout}${bad.stderr}`).toBe(8);
      expect(bad.json.verdict, c.name).toBe('not-proven');
      expect(problemsOf(bad.json), c.name).toMatch(c.expect);
      expect((bad.json.error as { code?: string } | undefined)?.code, c.name).toBe('OEF-330');
      if (c.name === 'definition')
        expect((bad.json.error as { message: string }).message).toContain(
          'the machine definition the run ran under is not in this oeflow',
        );
    }

    // signatures stripped after a rehash: without a trusted key the chain looks intact, but the
    // report says it is unauthenticated; with the key, it is not proven
    const stripped = tampered(state, 'stripped', runId, (db, id) => {
      db.prepare('UPDATE journal SET signature = NULL, sig_key_id = NULL WHERE run_id = ?').run(id);
      rehash(db, id);
    });
    const looksFine = await verify(stripped);
    expect(looksFine.json).toMatchObject({
      verdict: 'proven',
      authenticated: false,
      authenticity: { checkedWith: 'none' },
    });
    expect((looksFine.json.limits as string[])[0]).toMatch(/rows are not signed/);
    const caught = await verify(stripped, '--public-key', `${key}.pub`);
    expect(caught.exitCode).toBe(8);
    expect(problemsOf(caught.json)).toMatch(/rows not signed/);
    // a signature problem is said once, with the count of rows
    expect((caught.json.authenticity as { problems: string[] }).problems).toHaveLength(1);
    expect((caught.json.authenticity as { problems: string[] }).problems[0]).toMatch(
      /^(\d+) of \1 rows not signed \(seq 1, 2,/,
    );
  });
});
