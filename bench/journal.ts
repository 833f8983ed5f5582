// bench/journal: what a durable, hash-chained (and optionally signed) journal row costs, as a
// ratio to a raw SQLite commit of the same row on the same disk in the same run. Every row is
// its own transaction with synchronous=FULL, as the engine commits before each side effect.
// Usage: node dist/bench/journal.js [rows] (default 2000), OEFLOW_BENCH_DIR (default the OS temp dir).
//
// The variants are interleaved row by row, in an order that rotates every row: a commit's time
// is mostly the disk's fsync, which other processes' writes slow down by several times from one
// second to the next; measured one variant after the other, that load landed on one side and
// not the other (the same build measured a signed row at 0.44× and 1.43× a raw commit). Here
// every variant sees the same disk at the same moments, and the per-block ratios show what is
// left of the noise.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, loadRowSigner } from '../src/audit/signing.js';
import { openStore, type RowSigner, type StoreOptions } from '../src/store/index.js';

const rows = Number(process.argv[2] ?? 2000);
/** The per-block ratios: 8 blocks of consecutive rows (fewer when there are fewer rows). */
const blocks = Math.max(1, Math.min(8, rows));
const blockRows = Math.floor(rows / blocks);
const root = mkdtempSync(join(process.env['OEFLOW_BENCH_DIR'] ?? tmpdir(), 'oeflow-bench-journal-'));
// what a transition row carries, roughly: the event, from/to states and a snapshot digest
const payload = {
  event: { type: 'xstate.done.actor.copyFiles', output: { facts: { files: 6, bytes: 123456789 } } },
  from: 'quiesced.copyFiles',
  to: 'quiesced.verifyCopy',
  snapshotSha256: 'f'.repeat(64),
};

interface Variant {
  name: string;
  /** Commit one row (its own durable transaction). */
  row: (i: number) => void;
  close: () => void;
  /** Wall and CPU (user + system) time of each row, ms. */
  wall: Float64Array;
  cpu: Float64Array;
  /** Time inside the Ed25519 call, ms in total (signed variants only). */
  signMs?: () => number;
}

function rawCommits(name: string, path: string): Variant {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (seq, data) VALUES (?, ?)');
  const one = db.transaction((i: number) => insert.run(i, JSON.stringify(payload)));
  return {
    name,
    row: (i) => one.immediate(i),
    close: () => db.close(),
    wall: new Float64Array(rows),
    cpu: new Float64Array(rows),
  };
}

function journalRows(name: string, path: string, options: StoreOptions, signMs?: () => number): Variant {
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
  return {
    name,
    row: () => store.appendJournal('run-bench', { kind: 'note', data: payload }),
    close: () => store.close(),
    wall: new Float64Array(rows),
    cpu: new Float64Array(rows),
    ...(signMs === undefined ? {} : { signMs }),
  };
}

/** A signer that times each signature (wall), to split the signed row's cost into the Ed25519 call and the rest. */
function timed(signer: RowSigner): { signer: RowSigner; ms: () => number } {
  let ms = 0;
  return {
    signer: {
      keyId: signer.keyId,
      publicKeyPem: signer.publicKeyPem,
      sign: (rowHash: string): string => {
        const t0 = performance.now();
        const sig = signer.sign(rowHash);
        ms += performance.now() - t0;
        return sig;
      },
    },
    ms: () => ms,
  };
}

/**
 * Not a signer: the columns a signature fills (key id, 88 base64 characters) without computing
 * one, so the bench shows what the extra bytes cost apart from the Ed25519 call.
 */
function signatureSizedColumns(signer: RowSigner): RowSigner {
  const filler = 'A'.repeat(86) + '==';
  return { keyId: signer.keyId, publicKeyPem: signer.publicKeyPem, sign: () => filler };
}

const sum = (a: Float64Array, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
};
const median = (values: ArrayLike<number>): number => {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

try {
  const key = join(root, 'bench.key');
  generateSigningKey(key);
  const signer = loadRowSigner(key);
  const timedSigner = timed(signer);
  const variants: Variant[] = [
    rawCommits('raw SQLite commit (INSERT of the same JSON)', join(root, 'raw.db')),
    journalRows('journal row (canonical JSON + sha256 chain)', join(root, 'chained.db'), {}),
    journalRows('  + signature-sized columns, no signature', join(root, 'sized.db'), {
      signer: signatureSizedColumns(signer),
    }),
    journalRows('journal row, Ed25519-signed', join(root, 'signed.db'), { signer: timedSigner.signer }, timedSigner.ms),
  ];
  const load0 = loadavg();
  for (let i = 0; i < rows; i++) {
    // rotate the order every row: no variant always follows the same one
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      v.row(i + 1);
      v.wall[i] = performance.now() - t0;
      const c = process.cpuUsage(c0);
      v.cpu[i] = (c.user + c.system) / 1000;
    }
  }
  for (const v of variants) v.close();
  const load1 = loadavg();
  const fmtLoad = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `bench/journal: ${rows} rows per variant, one transaction each, WAL + synchronous=FULL, variants interleaved row by row; load ${fmtLoad(load0)} → ${fmtLoad(load1)} on ${availableParallelism()} cores`,
  );
  console.log('');
  const raw = variants[0]!;
  const blockRatios = (v: Variant): number[] =>
    Array.from({ length: blocks }, (_, b) => {
      const from = b * blockRows;
      return sum(v.wall, from, from + blockRows) / sum(raw.wall, from, from + blockRows);
    });
  const us = (ms: number): string => (ms * 1000).toFixed(0);
  console.log(
    `${'variant'.padEnd(46)} ${'mean µs'.padStart(8)} ${'median µs'.padStart(9)} ${'vs raw: mean'.padStart(12)} ${'median'.padStart(7)} ${`${blocks} blocks min–med–max`.padStart(24)} ${'CPU µs'.padStart(7)}`,
  );
  for (const v of variants) {
    const r = blockRatios(v);
    console.log(
      [
        v.name.padEnd(46),
        us(sum(v.wall) / rows).padStart(8),
        us(median(v.wall)).padStart(9),
        `${(sum(v.wall) / sum(raw.wall)).toFixed(2)}x`.padStart(12),
        `${(median(v.wall) / median(raw.wall)).toFixed(2)}x`.padStart(7),
        `${Math.min(...r).toFixed(2)}–${median(r).toFixed(2)}–${Math.max(...r).toFixed(2)}`.padStart(24),
        us(sum(v.cpu) / rows).padStart(7),
      ].join(' '),
    );
  }
  // where the signed row's extra time goes: the Ed25519 call (timed around it) and the rest
  const [, chained, sized, signed] = variants as [Variant, Variant, Variant, Variant];
  const perRow = (ms: number): string => us(ms / rows);
  // the Ed25519 call alone, in a tight loop after the rows: its CPU is the floor of what a
  // signature adds to a row (the wall time inside the rows above also holds the waits for a core)
  const calls = 2000;
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) signer.sign(i.toString(16).padStart(64, '0'));
  const c = process.cpuUsage(c0);
  console.log(
    `signed − chained: ${perRow(sum(signed.wall) - sum(chained.wall))} µs/row (median ${us(median(signed.wall) - median(chained.wall))}), of which the Ed25519 call ${perRow(signed.signMs!())} µs (wall) and the signature's columns ${perRow(sum(sized.wall) - sum(chained.wall))} µs; CPU ${perRow(sum(signed.cpu) - sum(chained.cpu))} µs/row`,
  );
  console.log(
    `Ed25519 call alone (node:crypto, ${calls} calls in a loop): ${((c.user + c.system) / calls).toFixed(1)} µs CPU`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
