// bench/journal: what a durable, hash-chained (and optionally signed) journal row costs, as a
// ratio to a raw SQLite commit of the same row on the same disk in the same run. Every row is
// its own transaction with synchronous=FULL, as the engine commits before each side effect.
// Usage: node dist/bench/journal.js [rows] (default 2000), OEFLOW_BENCH_DIR (default the OS temp dir).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, loadRowSigner } from '../src/audit/signing.js';
import { openStore, type RowSigner, type StoreOptions } from '../src/store/index.js';

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

/** Wall and CPU time of appending `rows` journal rows, one durable transaction each. */
function journalRows(path: string, options: StoreOptions): { ms: number; cpuMs: number } {
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
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= rows; i++) store.appendJournal('run-bench', { kind: 'note', data: payload });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  store.close();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** A signer that times each signature (wall), to split the signed row's cost into the Ed25519 call and the rest. */
function timed(signer: RowSigner): RowSigner & { ms: number } {
  const t = {
    keyId: signer.keyId,
    publicKeyPem: signer.publicKeyPem,
    ms: 0,
    sign: (rowHash: string): string => {
      const t0 = performance.now();
      const sig = signer.sign(rowHash);
      t.ms += performance.now() - t0;
      return sig;
    },
  };
  return t;
}

/**
 * Not a signer: the columns a signature fills (key id, 88 base64 characters) without computing
 * one, so the bench shows what the extra bytes cost apart from the Ed25519 call.
 */
function signatureSizedColumns(signer: RowSigner): RowSigner {
  const filler = 'A'.repeat(86) + '==';
  return { keyId: signer.keyId, publicKeyPem: signer.publicKeyPem, sign: () => filler };
}

try {
  const key = join(root, 'bench.key');
  generateSigningKey(key);
  const signer = loadRowSigner(key);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  // interleaved twice, best kept: the disk's fsync time varies with what else writes
  type Figure = { ms: number; cpuMs: number };
  const best = (a: Figure | undefined, b: Figure): Figure => (a === undefined || b.ms < a.ms ? b : a);
  let raw = Infinity;
  let chained: Figure | undefined;
  let sized: Figure | undefined;
  let signed: (Figure & { signMs: number }) | undefined;
  for (let round = 0; round < 2; round++) {
    raw = Math.min(raw, rawCommits(join(root, `raw-${round}.db`)));
    chained = best(chained, journalRows(join(root, `chained-${round}.db`), {}));
    sized = best(sized, journalRows(join(root, `sized-${round}.db`), { signer: signatureSizedColumns(signer) }));
    const timedSigner = timed(signer);
    const s = journalRows(join(root, `signed-${round}.db`), { signer: timedSigner });
    if (signed === undefined || s.ms < signed.ms) signed = { ...s, signMs: timedSigner.ms };
  }
  console.log(
    `bench/journal: ${rows} rows, one transaction each, WAL + synchronous=FULL; load ${load} on ${availableParallelism()} cores`,
  );
  console.log('');
  console.log(`${'variant'.padEnd(52)} ${'µs/row'.padStart(8)} ${'vs raw'.padStart(7)} ${'CPU µs/row'.padStart(11)}`);
  const perRow = (ms: number): string => ((ms * 1000) / rows).toFixed(0);
  const line = (name: string, ms: number, cpuMs?: number) =>
    console.log(
      `${name.padEnd(52)} ${perRow(ms).padStart(8)} ${(ms / raw).toFixed(2).padStart(6)}x ${(cpuMs === undefined ? '' : perRow(cpuMs)).padStart(11)}`,
    );
  line('raw SQLite commit (INSERT of the same JSON)', raw);
  line('journal row (canonical JSON + sha256 chain)', chained!.ms, chained!.cpuMs);
  line('  + signature-sized columns, no signature', sized!.ms, sized!.cpuMs);
  line('journal row, Ed25519-signed', signed!.ms, signed!.cpuMs);
  // where the signed row's extra time goes: the Ed25519 call (timed around it) and the rest
  console.log(
    `signed − chained: ${perRow(signed!.ms - chained!.ms)} µs/row, of which the Ed25519 call ${perRow(signed!.signMs)} µs (wall) and the signature's columns ${perRow(sized!.ms - chained!.ms)} µs`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
