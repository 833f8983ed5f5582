// AI extent file format: a JSON header line (what 1640–1643 and the 8019/831/832
// checks need), then one line per transaction note group, then, once a switch closed
// the extent, a trailer with the lstmod the next file expects. An EMPTY extent is a
// zero-length file.
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';

export interface AiHeader {
  kind: 'oeflow-sim-ai';
  dbIdentity: string;
  aiBeginDate: number;
  lastAimageNew: number | null;
  seqno: number;
  /** The database lstmod when this extent became BUSY. */
  expectedLstmod: number;
  blockSize: number;
  openedAt: number;
}

/** One committed transaction: trid, begin/end time and its record updates. */
export interface TxNote {
  t: 'tx';
  trid: number;
  begin: number;
  end: number;
  ops: [string, string][];
}

interface CloseNote {
  t: 'close';
  closeLstmod: number;
}

export interface AiFile {
  header: AiHeader;
  txs: TxNote[];
  /** Set when a switch closed the extent: the lstmod the next file expects. */
  closeLstmod: number | null;
}

export type AiRead = { kind: 'ok'; file: AiFile } | { kind: 'missing' } | { kind: 'empty' } | { kind: 'invalid' };

/** Notes a transaction counts for (begin + one per update + end). */
export function notesOf(tx: TxNote): number {
  return tx.ops.length + 2;
}

/** The text line a transaction occupies in the extent. */
export function txLine(tx: TxNote): string {
  return `${JSON.stringify(tx)}\n`;
}

/** Start a new AI file (the extent becomes BUSY). */
export function writeAiHeader(path: string, header: AiHeader): void {
  writeFileSync(path, `${JSON.stringify(header)}\n`);
}

/** Append one transaction to the BUSY extent. */
export function appendAiTx(path: string, tx: TxNote): void {
  appendFileSync(path, txLine(tx));
}

/** Close the extent at a switch: record the lstmod the next file expects. */
export function closeAiFile(path: string, closeLstmod: number): void {
  const note: CloseNote = { t: 'close', closeLstmod };
  appendFileSync(path, `${JSON.stringify(note)}\n`);
}

/** Empty an extent (FULL → EMPTY, aimage begin/end): zero length. */
export function emptyAiFile(path: string): void {
  if (existsSync(path)) truncateSync(path, 0);
  else writeFileSync(path, '');
}

/** Bytes in the extent; 0 when missing. */
export function aiBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** "Used" of `aimage list`: bytes / 1024 rounded up. */
export function aiUsedKb(path: string): number {
  return Math.ceil(aiBytes(path) / 1024);
}

function isHeader(v: unknown): v is AiHeader {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'oeflow-sim-ai';
}

/** Read and parse an AI file; complete lines only (a write in progress is ignored). */
export function readAiFile(path: string): AiRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { kind: 'missing' };
  }
  if (text.length === 0) return { kind: 'empty' };
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline is incomplete or ''
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    return { kind: 'invalid' };
  }
  if (!isHeader(header)) return { kind: 'invalid' };
  const txs: TxNote[] = [];
  let closeLstmod: number | null = null;
  for (const line of lines.slice(1)) {
    const note = JSON.parse(line) as TxNote | CloseNote;
    if (note.t === 'tx') txs.push(note);
    else closeLstmod = note.closeLstmod;
  }
  return { kind: 'ok', file: { header, txs, closeLstmod } };
}
