import Database from 'better-sqlite3';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { assertDurable, migrations, openStore, schemaVersion } from '../../../src/store/index.js';
import { expectOeflowError, sampleRun, tempDir, transpiledStore } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('openStore', () => {
  it('leaves the file in WAL with synchronous=FULL and user_version set when opened on a temp file', () => {
    const path = join(dir(), 'oeflow.db');
    const store = openStore(path);
    store.close();
    // journal_mode=WAL and user_version live in the file, so a fresh connection sees them.
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(schemaVersion);
      expect(schemaVersion).toBeGreaterThanOrEqual(1);
    } finally {
      raw.close();
    }
  });

  it('reports WAL, synchronous=2, busy_timeout=5000 and foreign_keys=1 on its own connection when opened on a file', () => {
    const store = openStore(join(dir(), 'oeflow.db'));
    try {
      expect(store.pragmas()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeout: 5000, foreignKeys: 1 });
      // foreign_keys is live, not just reported: a journal row for an unknown run is refused.
      expectOeflowError(() => store.appendJournal('no-such-run', { kind: 'note', data: {} }), 'OEF-030');
    } finally {
      store.close();
    }
  });

  it('moves run inputs out of the runs row when a version-5 store is opened (migration 6), keeping each input', () => {
    const path = join(dir(), 'oeflow.db');
    const old = new Database(path);
    for (const m of migrations.filter((x) => x.version <= 5)) old.exec(m.sql);
    old.pragma('user_version = 5');
    const input = { procedure: 'roll-forward', db: '/db/sports', aiFiles: ['/ai/a1', '/ai/a2'] };
    old
      .prepare(
        `INSERT INTO runs (run_id, machine_id, machine_hash, db, kind, status, resumable, input_json, created_at,
           updated_at, host, pid, head_hash) VALUES ('run-5', 'roll-forward', ?, '/db/sports', 'roll-forward', 'completed',
           0, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'host-a', 1, ?)`,
      )
      .run('a'.repeat(64), JSON.stringify(input), '0'.repeat(64));
    old.close();
    const store = openStore(path);
    try {
      expect(store.getRun('run-5')?.input).toEqual(input);
      expect(store.listRuns().map((r) => [r.runId, r.input])).toEqual([['run-5', input]]);
    } finally {
      store.close();
    }
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare(`SELECT input_json FROM runs`).pluck().all()).toEqual(['']);
    } finally {
      raw.close();
    }
  });

  it('keeps runs and journal rows when the store is closed and reopened', () => {
    const path = join(dir(), 'oeflow.db');
    const first = openStore(path);
    first.createRun(sampleRun);
    first.appendJournal(sampleRun.runId, { kind: 'note', data: { hello: 'world' } });
    first.close();

    const second = openStore(path);
    try {
      expect(second.getRun(sampleRun.runId)?.input).toEqual(sampleRun.input);
      expect(second.journal(sampleRun.runId).map((r) => r.kind)).toEqual(['run-started', 'note']);
      expect(second.verifyChain(sampleRun.runId)).toEqual({ ok: true, rows: 2 });
    } finally {
      second.close();
    }
  });

  it('throws OEF-022 when the file has a newer schema version', () => {
    const path = join(dir(), 'oeflow.db');
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${schemaVersion + 1}`);
    raw.close();
    expectOeflowError(() => openStore(path), 'OEF-022');
  });

  it('throws OEF-020 when the parent directory does not exist', () => {
    expectOeflowError(() => openStore(join(dir(), 'missing', 'oeflow.db')), 'OEF-020');
  });

  it('throws OEF-020 when the file is not a SQLite database', () => {
    const path = join(dir(), 'oeflow.db');
    writeFileSync(path, 'this is not a database, just some text that is long enough to have a header\n'.repeat(20));
    expectOeflowError(() => openStore(path), 'OEF-020');
  });

  it('throws OEF-021 naming every wrong pragma when the readings are not durable', () => {
    const err = expectOeflowError(
      () =>
        assertDurable({ journalMode: 'delete', synchronous: 1, busyTimeout: 5000, foreignKeys: 1 }, '/nfs/oeflow.db'),
      'OEF-021',
    );
    expect(err.message).toContain('journal_mode=delete');
    expect(err.message).toContain('synchronous=1');
    expect(err.message).not.toContain('busy_timeout');
  });

  it('throws OEF-021 for synchronous=NORMAL even in memory when the path is :memory:', () => {
    expect(() =>
      assertDurable({ journalMode: 'memory', synchronous: 2, busyTimeout: 5000, foreignKeys: 1 }, ':memory:'),
    ).not.toThrow();
    expectOeflowError(
      () => assertDurable({ journalMode: 'memory', synchronous: 1, busyTimeout: 5000, foreignKeys: 1 }, ':memory:'),
      'OEF-021',
    );
  });

  it('migrates once and opens in every process when three processes open a fresh file at once', async () => {
    const build = transpiledStore();
    cleanups.push(build.cleanup);
    const path = join(dir(), 'oeflow.db');
    const startAt = Date.now() + 700;
    const script = `
      const { openStore } = await import(process.argv[1]);
      while (Date.now() < Number(process.argv[3])) {}
      const s = openStore(process.argv[2]);
      s.close();
      console.log('opened');
    `;
    const children = [0, 1, 2].map(() =>
      execa(process.execPath, ['--input-type=module', '-e', script, build.indexUrl, path, String(startAt)], {
        reject: false,
      }),
    );
    const results = await Promise.all(children);
    expect(results.map((r) => [r.exitCode, r.stdout, r.stderr])).toEqual([
      [0, 'opened', ''],
      [0, 'opened', ''],
      [0, 'opened', ''],
    ]);
    // created whole under a temporary name and linked into place: nothing else is left
    expect(readdirSync(dirname(path)).filter((f) => !/^oeflow\.db(-wal|-shm)?$/.test(f))).toEqual([]);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(schemaVersion);
    } finally {
      raw.close();
    }
  });

  it('refuses a zero-length store (OEF-020) and leaves it as it is, never starting a new empty store over it', () => {
    const path = join(dir(), 'oeflow.db');
    writeFileSync(path, '');
    expectOeflowError(() => openStore(path), 'OEF-020');
    expect(readFileSync(path).length).toBe(0);
  });

  it('accepts :memory: and skips only the WAL assertion when given :memory:', () => {
    const store = openStore(':memory:');
    try {
      store.createRun(sampleRun);
      expect(store.listRuns().map((r) => r.runId)).toEqual([sampleRun.runId]);
    } finally {
      store.close();
    }
  });
});
