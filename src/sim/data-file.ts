// The data area extent (`<db>_7.d1`): append-only transaction lines; the current
// records are the replay. Also the BI extent, which gets one note per transaction.
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';

export interface DataTx {
  trid: number;
  ops: [string, string][];
}

/** Append one committed transaction to the data extent. */
export function appendData(path: string, tx: DataTx): void {
  appendFileSync(path, `${JSON.stringify({ trid: tx.trid, ops: tx.ops })}\n`);
}

/** Write an initial data extent holding `txs`. */
export function writeData(path: string, txs: readonly DataTx[]): void {
  writeFileSync(path, txs.map((tx) => `${JSON.stringify(tx)}\n`).join(''));
}

/** Every complete transaction line of the data extent, in order. */
export function readData(path: string): DataTx[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  return lines.map((l) => JSON.parse(l) as DataTx);
}

const TAIL_BYTES = 64 * 1024;

/**
 * The highest transaction id in the data extent (0 when none). Lines are appended in trid
 * order, so the last complete line holds it: only the tail is read, which keeps a roll
 * forward's cost independent of the data already in the database.
 */
export function lastTrid(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n');
    lines.pop();
    const last = lines.at(-1);
    // a last line longer than the tail (or a file without lines): read it all
    if (last === undefined || (lines.length === 1 && len < size)) return readData(path).reduce((max, tx) => Math.max(max, tx.trid), 0);
    return (JSON.parse(last) as DataTx).trid;
  } finally {
    closeSync(fd);
  }
}

/** The current records: the replay of every transaction. */
export function currentRecords(path: string): Map<string, string> {
  const records = new Map<string, string>();
  for (const tx of readData(path)) for (const [k, v] of tx.ops) records.set(k, v);
  return records;
}

/** Canonical sha256 over the sorted current records, plus the record count. */
export function digestData(path: string): { digest: string; records: number } {
  const records = currentRecords(path);
  const h = createHash('sha256');
  for (const key of [...records.keys()].sort()) h.update(`${key}\t${records.get(key) ?? ''}\n`);
  h.update(`records=${records.size}\n`);
  return { digest: h.digest('hex'), records: records.size };
}

/** Append a BI note for a transaction. */
export function appendBi(path: string, trid: number, when: number): void {
  appendFileSync(path, `${JSON.stringify({ trid, when })}\n`);
}

/** Truncate the BI extent to nothing (proutil -C truncate bi). */
export function truncateBiFile(path: string): void {
  writeFileSync(path, '');
}
