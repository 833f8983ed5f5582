// AI extent file format: a JSON header line (what 1640–1643 and the 8019/831/832
// checks need), then one line per transaction note group, then, once a switch closed
// the extent, a trailer with the lstmod the next file expects. An EMPTY extent is a
// zero-length file. The header line has a fixed width so that a switch can rewrite it in
// place with the file's final length, as the real header records its last block: a copy
// cut short is then detectable (9333), and a note whose framing is broken is damage (1029).
import type { Extent } from './master-block.js';
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';

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
  /** Length of the closed file in bytes, written by the switch that closed it; absent while BUSY. */
  eofBytes?: number;
}

/** The header line's fixed width, newline included. */
export const AI_HEADER_BYTES = 512;

/**
 * One note group: a whole transaction (`tx`: begin, updates, end), the first part of a
 * transaction that is still active when the group is written (`begin`: begin + updates), the
 * rest of such a transaction (`end`: updates + end), or its backout (`undo`). Transactions
 * therefore span AI files (docs/openedge.md §4: 3785, 1636). `u` is the database's update
 * counter: every group carries the next one, so a group fits a database only when its `u`
 * follows the last one applied there (the 1028 check). `begin` is the transaction's begin
 * time, `end` the time the group was written.
 */
export interface TxNote {
  t: NotePart;
  u: number;
  trid: number;
  begin: number;
  end: number;
  ops: [string, string][];
}

export type NotePart = 'tx' | 'begin' | 'end' | 'undo';
const PARTS: readonly string[] = ['tx', 'begin', 'end', 'undo'];

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

/** Why a readable AI file cannot be rolled forward completely. */
export type AiDefect =
  | { kind: 'truncated'; expectedBlocks: number; gotBlocks: number }
  /** `goodTxs` = the transactions before the first broken note. */
  | { kind: 'damaged'; goodTxs: number };

/** `defect` is null for a complete file; with a defect, `file.txs` holds the notes before it. */
export type AiRead =
  { kind: 'ok'; file: AiFile; defect: AiDefect | null } | { kind: 'missing' } | { kind: 'empty' } | { kind: 'invalid' };

/** Notes a group counts for: one per update, plus its begin and/or end note. */
export function notesOf(tx: TxNote): number {
  return tx.ops.length + (tx.t === 'tx' ? 2 : 1);
}

/** The text line a transaction occupies in the extent. */
export function txLine(tx: TxNote): string {
  return `${JSON.stringify(tx)}\n`;
}

function headerLine(header: AiHeader): string {
  const json = JSON.stringify(header);
  if (json.length >= AI_HEADER_BYTES) throw new Error(`AI header longer than ${AI_HEADER_BYTES} bytes`);
  return `${json.padEnd(AI_HEADER_BYTES - 1)}\n`;
}

/**
 * The bytes a fixed extent is preallocated to (its size), 0 for a variable one. A fixed
 * extent's file always has its full size: the notes, then NUL padding (docs/simulator.md).
 */
export function preallocOf(extent: Pick<Extent, 'kind' | 'sizeKb'>): number {
  return extent.kind === 'fixed' ? extent.sizeKb * 1024 : 0;
}

/** Start a new AI file (the extent becomes BUSY); a fixed extent keeps its preallocated size. */
export function writeAiHeader(path: string, header: AiHeader, prealloc = 0): void {
  const line = Buffer.from(headerLine(header));
  writeFileSync(path, prealloc > line.length ? Buffer.concat([line, Buffer.alloc(prealloc - line.length)]) : line);
}

// Write `text` where the notes end: appended to a variable extent, over the padding of a fixed one.
function writeAtEnd(path: string, text: string, mayBePadded: boolean): void {
  const end = aiBytes(path, mayBePadded);
  if (end === fileSize(path)) {
    appendFileSync(path, text);
    return;
  }
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, text, end);
  } finally {
    closeSync(fd);
  }
}

/** Append one note group to the BUSY extent. */
export function appendAiTx(path: string, tx: TxNote, mayBePadded = true): void {
  writeAtEnd(path, txLine(tx), mayBePadded);
}

/** Close the extent at a switch: record the lstmod the next file expects. */
export function closeAiFile(path: string, closeLstmod: number): void {
  const note: CloseNote = { t: 'close', closeLstmod };
  writeAtEnd(path, `${JSON.stringify(note)}\n`, true);
  const eof = aiBytes(path);
  const fd = openSync(path, 'r+');
  try {
    const buf = Buffer.alloc(AI_HEADER_BYTES);
    readSync(fd, buf, 0, AI_HEADER_BYTES, 0);
    const header = JSON.parse(buf.toString('utf8')) as AiHeader;
    writeSync(fd, headerLine({ ...header, eofBytes: eof }), 0);
  } finally {
    closeSync(fd);
  }
}

/** Empty an extent (FULL → EMPTY, aimage begin/end): a variable one to zero length, a fixed one to its size of NULs. */
export function emptyAiFile(path: string, prealloc = 0): void {
  if (prealloc > 0) writeFileSync(path, Buffer.alloc(prealloc));
  else if (existsSync(path)) truncateSync(path, 0);
  else writeFileSync(path, '');
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Bytes of notes in the extent (0 when missing or empty): the file size, or for a fixed
 * extent where its NUL padding begins (notes never hold a NUL, so a binary search finds it).
 */
export function aiBytes(path: string, mayBePadded = true): number {
  const size = fileSize(path);
  if (size === 0 || !mayBePadded) return size; // a variable extent: no padding to look for (the commit path)
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(1);
    const nulAt = (pos: number): boolean => {
      readSync(fd, b, 0, 1, pos);
      return b[0] === 0;
    };
    if (!nulAt(size - 1)) return size;
    let lo = 0;
    let hi = size - 1; // the first NUL is in [lo, hi]
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (nulAt(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  } finally {
    closeSync(fd);
  }
}

/** "Used" of `aimage list`: bytes / 1024 rounded up. */
export function aiUsedKb(path: string): number {
  return Math.ceil(aiBytes(path) / 1024);
}

function isHeader(v: unknown): v is AiHeader {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'oeflow-sim-ai';
}

function isPair(v: unknown): v is [string, string] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
}

// A note line is whole when it parses to a note with every field of its kind; anything else
// (garbage written over it, a line spliced from two) is a broken note (1029).
function parseNote(line: string): TxNote | CloseNote | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const n = v as Record<string, unknown>;
  if (n['t'] === 'close') return typeof n['closeLstmod'] === 'number' ? (v as CloseNote) : null;
  const ok =
    PARTS.includes(n['t'] as string) &&
    Number.isInteger(n['u']) &&
    Number.isInteger(n['trid']) &&
    typeof n['begin'] === 'number' &&
    typeof n['end'] === 'number' &&
    Array.isArray(n['ops']) &&
    n['ops'].every(isPair);
  return ok ? (v as TxNote) : null;
}

/** Blocks of `bytes` in AI blocks of `blockSize` (a partial block counts for `expected`, not for `got`). */
function blocks(bytes: number, blockSize: number, whole: boolean): number {
  return whole ? Math.floor(bytes / blockSize) : Math.ceil(bytes / blockSize);
}

/**
 * Read and parse an AI file. A BUSY file (no recorded length) yields its complete lines (a
 * write in progress is ignored); a closed file shorter than its recorded length is
 * `truncated`, and a note that does not parse is `damaged`: the notes before it are returned.
 */
export function readAiFile(path: string): AiRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { kind: 'missing' };
  }
  text = text.replace(/\0+$/, ''); // a fixed extent's padding
  if (text.length === 0) return { kind: 'empty' };
  const size = Buffer.byteLength(text);
  const lines = text.split('\n');
  const tail = lines.pop() ?? ''; // the part after the last newline is incomplete or ''
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    return { kind: 'invalid' };
  }
  if (!isHeader(header)) return { kind: 'invalid' };
  const txs: TxNote[] = [];
  let closeLstmod: number | null = null;
  let defect: AiDefect | null = null;
  for (const line of lines.slice(1)) {
    const note = parseNote(line);
    if (note === null) {
      defect = { kind: 'damaged', goodTxs: txs.length };
      break;
    }
    if (note.t !== 'close') txs.push(note);
    else closeLstmod = note.closeLstmod;
  }
  const eof = header.eofBytes;
  if (defect === null && eof !== undefined && (size < eof || tail.length > 0 || closeLstmod === null)) {
    defect =
      size < eof || closeLstmod === null
        ? {
            kind: 'truncated',
            expectedBlocks: blocks(eof, header.blockSize, false),
            gotBlocks: blocks(Math.min(size, eof), header.blockSize, true),
          }
        : { kind: 'damaged', goodTxs: txs.length };
  }
  return { kind: 'ok', file: { header, txs, closeLstmod: defect === null ? closeLstmod : null }, defect };
}
