// Canonical JSON and the sha256 chain over journal rows. Pure: no SQL, no I/O.
// A row's hash covers the previous row's hash, so editing, inserting or removing a
// row anywhere but the tail breaks every later link. runs.head_hash / runs.last_seq catch a
// careless cut of the tail, but they live in the same file: an unkeyed chain cannot stop
// someone who rewrites the store (row signatures, audit/signing.ts, can).

import * as crypto from 'node:crypto';

/** prev_hash of the first row of every run. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One-shot hashing (`crypto.hash`, Node >= 20.12): no Hash object per call. A journal row takes
 * two to four hashes, and each Hash object is a native allocation and a handle: memory written
 * per row, which after every utility spawn costs a page fault per page (bench/HISTORY.md,
 * "Roll forward: the store's share and the fork's").
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** Hex sha256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  if (oneShot !== undefined) return oneShot('sha256', text, 'hex');
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON with object keys sorted and no whitespace, so equal values always give equal
 * text. Follows JSON.stringify for what JSON cannot hold (undefined members dropped,
 * undefined in arrays and non-finite numbers become null, toJSON honoured); Error
 * instances keep name/message/code; bigint becomes a decimal string; cycles throw.
 * `canonicalJson(JSON.parse(canonicalJson(x))) === canonicalJson(x)` for every x.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set<object>()) ?? 'null';
}

function write(value: unknown, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  const obj = value;
  if (seen.has(obj)) throw new TypeError('canonicalJson: value contains a cycle');
  seen.add(obj);
  try {
    if (obj instanceof Error && !hasToJSON(obj)) return write(errorToPlain(obj), seen);
    if (hasToJSON(obj)) return write(obj.toJSON(), seen);
    if (Array.isArray(obj)) {
      return `[${obj.map((item: unknown) => write(item, seen) ?? 'null').join(',')}]`;
    }
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const text = write(record[key], seen);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}

function hasToJSON(obj: object): obj is { toJSON: () => unknown } {
  return typeof (obj as { toJSON?: unknown }).toJSON === 'function';
}

function errorToPlain(err: Error): Record<string, unknown> {
  const plain: Record<string, unknown> = { ...(err as unknown as Record<string, unknown>) };
  plain['name'] = err.name;
  plain['message'] = err.message;
  if (err.cause !== undefined) plain['cause'] = err.cause;
  return plain;
}

/** The fields of a journal row that its hash covers. */
export interface HashedFields {
  runId: string;
  seq: number;
  at: string;
  kind: string;
  stepKey: string | null;
  attempt: number | null;
  data: unknown;
}

/** hash = sha256(prevHash + canonical JSON of {runId, seq, at, kind, stepKey, attempt, data}). */
export function journalHash(prevHash: string, fields: HashedFields): string {
  const { runId, seq, at, kind, stepKey, attempt, data } = fields;
  return sha256Hex(prevHash + canonicalJson({ runId, seq, at, kind, stepKey, attempt, data }));
}

/**
 * journalHash of a row whose data is already canonical JSON text (`canonicalJson(data)`, as the
 * store writes it): the same hash, without serialising the data a second time. The fields are
 * written in canonicalJson's key order (sorted: "at" before "attempt"); canonicalJson(JSON.parse(t)) === t for its own output
 * makes the data text what canonicalJson would write for the parsed value.
 */
export function journalHashOfText(prevHash: string, f: Omit<HashedFields, 'data'> & { dataJson: string }): string {
  const num = (n: number | null): string => (n === null ? 'null' : canonicalJson(n));
  const str = (t: string | null): string => (t === null ? 'null' : JSON.stringify(t));
  return sha256Hex(
    `${prevHash}{"at":${str(f.at)},"attempt":${num(f.attempt)},"data":${f.dataJson},"kind":${str(f.kind)},"runId":${str(f.runId)},"seq":${num(f.seq)},"stepKey":${str(f.stepKey)}}`,
  );
}

/** The fields of a store log entry its hash covers: which journal row it anchors, and that row's hash. */
export interface StoreLogFields {
  seq: number;
  at: string;
  kind: string;
  runId: string;
  runSeq: number;
  runHash: string;
}

/** hash = sha256(prevHash + canonical JSON of {seq, at, kind, runId, runSeq, runHash}). */
export function storeLogHash(prevHash: string, f: StoreLogFields): string {
  const { seq, at, kind, runId, runSeq, runHash } = f;
  return sha256Hex(prevHash + canonicalJson({ seq, at, kind, runId, runSeq, runHash }));
}
