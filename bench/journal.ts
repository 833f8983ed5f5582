// bench/journal: what a durable, hash-chained (and optionally signed) journal row costs, as a
// ratio to a raw SQLite commit of the same row on the same disk in the same run. Every row is
// its own transaction with synchronous=FULL, as the engine commits before each side effect.
// Usage: node dist/bench/journal.js [rows] (default 2000), OEFLOW_BENCH_DIR (default the OS temp dir).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, loadRowSigner } from '../src/audit/signing.js';
import { openStore, type StoreOptions } from '../src/store/index.js';

const rows = Number(process.argv[2] ?? 2000);
const root = mkdtempSync(join(process.env['OEFLOW_BENCH_DIR'] ?? tmpdir(), 'oeflow-bench-journal-'));
// what a transition row carries, roughly: the event, from/to states and a snapshot digest
const payload = {
  event: { type: 'xstate.done.actor.copyFiles', output: { facts: { files: 6, bytes: 123456789 } } },
  from: 'quiesced.copyFiles',
  to: 'quiesced.verifyCopy',
  snapshotSha256: 'f'.repeat(64),
};

function rawCommits(path: string): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (seq, data) VALUES (?, ?)');
  const one = db.transaction((i: number) => insert.run(i, JSON.stringify(payload)));
  const t0 = performance.now();
  for (let i = 1; i <= rows; i++) one.immediate(i);
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

function journalRows(path: string, options: StoreOptions): number {
  const store = openStore(path, options);
  store.createRun({
    runId: 'run-bench',
    machineId: 'online-backup',
    machineHash: 'h',
    db: '/db/sports',
    kind: 'bench',
    input: {},
    host: 'bench',
    pid: process.pid,
  });
  const t0 = performance.now();
  for (let i = 1; i <= rows; i++) store.appendJournal('run-bench', { kind: 'note', data: payload });
  const ms = performance.now() - t0;
  store.close();
  return ms;
}

try {
  const key = join(root, 'bench.key');
  generateSigningKey(key);
  const signer = loadRowSigner(key);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  // interleaved twice, best kept: the disk's fsync time varies with what else writes
  const best = { raw: Infinity, chained: Infinity, signed: Infinity };
  for (let round = 0; round < 2; round++) {
    best.raw = Math.min(best.raw, rawCommits(join(root, `raw-${round}.db`)));
    best.chained = Math.min(best.chained, journalRows(join(root, `chained-${round}.db`), {}));
    best.signed = Math.min(best.signed, journalRows(join(root, `signed-${round}.db`), { signer }));
  }
  console.log(
    `bench/journal: ${rows} rows, one transaction each, WAL + synchronous=FULL; load ${load} on ${availableParallelism()} cores`,
  );
  console.log('');
  console.log(`${'variant'.padEnd(46)} ${'µs/row'.padStart(8)} ${'vs raw'.padStart(7)}`);
  const line = (name: string, ms: number) =>
    console.log(
      `${name.padEnd(46)} ${((ms * 1000) / rows).toFixed(0).padStart(8)} ${(ms / best.raw).toFixed(2).padStart(6)}x`,
    );
  line('raw SQLite commit (INSERT of the same JSON)', best.raw);
  line('journal row (canonical JSON + sha256 chain)', best.chained);
  line('journal row, Ed25519-signed', best.signed);
} finally {
  rmSync(root, { recursive: true, force: true });
}
