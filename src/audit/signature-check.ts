// Are the journal rows signed, and by whom? With --public-key the auditor names the keys they
// trust; without it the keys recorded in the store are used, which shows the signatures are
// consistent but not who made them (an attacker with the store could have added their own key).
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JournalRow } from '../store/index.js';
import { keyIdOf, rowSignatureValid } from './signing.js';

export interface Authenticity {
  /** 'public-key': checked against keys the auditor passed; 'store-keys': against keys the store records; 'none': no row is signed and no key was passed. */
  checkedWith: 'public-key' | 'store-keys' | 'none';
  rows: number;
  signedRows: number;
  keyIds: string[];
  ok: boolean;
  problems: string[];
}

const MAX_PROBLEMS = 20;

/** Check every row's signature against `trusted` keys, or the store's own keys when none are given. */
export function checkSignatures(rows: readonly JournalRow[], storeKeys: ReadonlyMap<string, string>, trusted?: readonly KeyObject[]): Authenticity {
  const signedRows = rows.filter((r) => r.signature !== null).length;
  const keyIds = [...new Set(rows.flatMap((r) => (r.sigKeyId === null ? [] : [r.sigKeyId])))];
  if (trusted === undefined && signedRows === 0) return { checkedWith: 'none', rows: rows.length, signedRows, keyIds, ok: false, problems: [] };
  const keys = new Map<string, KeyObject>();
  if (trusted !== undefined) for (const k of trusted) keys.set(keyIdOf(k), k);
  else for (const [id, pem] of storeKeys) keys.set(id, createPublicKey(pem));
  const problems: string[] = [];
  if (rows.length === 0) problems.push('no journal rows to check');
  for (const row of rows) {
    if (problems.length >= MAX_PROBLEMS) {
      problems.push('… (further rows not listed)');
      break;
    }
    if (row.signature === null || row.sigKeyId === null) {
      problems.push(`seq ${row.seq} (${row.kind}) is not signed`);
      continue;
    }
    const key = keys.get(row.sigKeyId);
    if (key === undefined) problems.push(`seq ${row.seq} is signed by key ${row.sigKeyId.slice(0, 16)}…, ${trusted === undefined ? 'which the store does not record' : 'which is not a key you passed'}`);
    else if (!rowSignatureValid(key, row.hash, row.signature)) problems.push(`seq ${row.seq}: the signature does not verify for its row hash`);
  }
  return { checkedWith: trusted === undefined ? 'store-keys' : 'public-key', rows: rows.length, signedRows, keyIds, ok: problems.length === 0, problems };
}
