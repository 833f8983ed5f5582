// The data area extent (`<db>_7.d1`): append-only transaction lines; the current
// records are the replay. Also the BI extent, which gets one note per transaction.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

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

/** The highest transaction id in the data extent (0 when none). */
export function lastTrid(path: string): number {
  return readData(path).reduce((max, tx) => Math.max(max, tx.trid), 0);
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
