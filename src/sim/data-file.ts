// The data area extent (`<db>_7.d1`): append-only note-group lines in update-counter
// order; the current records are the replay of the committed transactions. A group of a
// transaction that has not ended yet is in the blocks too (as in a real database), which is
// what crash recovery backs out when the database is opened. Also the BI extent, which gets
// one note per group.
import { crypto } from './builtins.js';
import { appendFileSync, closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import type { NotePart } from './ai-file.js';

export interface DataTx {
  trid: number;
  ops: [string, string][];
  /** Update counter of the group (absent in the seed line: 0). */
  u?: number;
  /** Absent or `tx`: a whole committed transaction; else the part (docs/simulator.md, Files). */
  p?: NotePart;
}

/** The update counter of a line (lines written before counters existed: their trid). */
export function counterOf(tx: DataTx): number {
  return tx.u ?? tx.trid;
}

/** Append one note group to the data extent. */
export function appendData(path: string, tx: DataTx): void {
  const part = tx.p === undefined || tx.p === 'tx' ? {} : { p: tx.p };
  appendFileSync(path, `${JSON.stringify({ trid: tx.trid, u: counterOf(tx), ops: tx.ops, ...part })}\n`);
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
 * The last line of the data extent (null when none). Lines are appended in update-counter
 * order, so only the tail is read, which keeps a roll forward's cost independent of the data
 * already in the database.
 */
export function lastLine(path: string): DataTx | null {
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
    if (last === undefined || (lines.length === 1 && len < size)) return readData(path).at(-1) ?? null;
    return JSON.parse(last) as DataTx;
  } finally {
    closeSync(fd);
  }
}

/** The update counter of the last group in the data extent (0 when none). */
export function lastCounter(path: string): number {
  const last = lastLine(path);
  return last === null ? 0 : counterOf(last);
}

/** Transactions the lines leave active: begun (`begin`) and neither ended nor backed out, in begin order. */
export function activeTrids(lines: readonly DataTx[]): number[] {
  const active = new Set<number>();
  for (const tx of lines) {
    if (tx.p === 'begin') active.add(tx.trid);
    else if (tx.p === 'end' || tx.p === 'undo') active.delete(tx.trid);
  }
  return [...active];
}

/** The highest transaction id in the lines (0 when none). */
export function maxTrid(lines: readonly DataTx[]): number {
  return lines.reduce((max, tx) => Math.max(max, tx.trid), 0);
}

/** The current records: the replay, in write order, of the groups of committed transactions only. */
export function currentRecords(path: string): Map<string, string> {
  const lines = readData(path);
  const committed = new Set(
    lines.filter((tx) => tx.p === undefined || tx.p === 'tx' || tx.p === 'end').map((tx) => tx.trid),
  );
  const records = new Map<string, string>();
  for (const tx of lines) if (committed.has(tx.trid)) for (const [k, v] of tx.ops) records.set(k, v);
  return records;
}

/** Canonical sha256 over the sorted current records, plus the record count. */
export function digestData(path: string): { digest: string; records: number } {
  const records = currentRecords(path);
  const h = crypto().createHash('sha256');
  for (const key of [...records.keys()].sort()) h.update(`${key}\t${records.get(key) ?? ''}\n`);
  h.update(`records=${records.size}\n`);
  return { digest: h.digest('hex'), records: records.size };
}

/** Append a BI note for a note group. */
export function appendBi(path: string, trid: number, when: number, part: NotePart = 'tx'): void {
  appendFileSync(path, `${JSON.stringify(part === 'tx' ? { trid, when } : { trid, when, p: part })}\n`);
}

/** Truncate the BI extent to nothing (proutil -C truncate bi). */
export function truncateBiFile(path: string): void {
  writeFileSync(path, '');
}
