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

const MAX_SEQS = 8;

/** Check every row's signature against `trusted` keys, or the store's own keys when none are given. */
export function checkSignatures(
  rows: readonly JournalRow[],
  storeKeys: ReadonlyMap<string, string>,
  trusted?: readonly KeyObject[],
): Authenticity {
  const signedRows = rows.filter((r) => r.signature !== null).length;
  const keyIds = [...new Set(rows.flatMap((r) => (r.sigKeyId === null ? [] : [r.sigKeyId])))];
  if (trusted === undefined && signedRows === 0)
    return { checkedWith: 'none', rows: rows.length, signedRows, keyIds, ok: false, problems: [] };
  const keys = new Map<string, KeyObject>();
  if (trusted !== undefined) for (const k of trusted) keys.set(keyIdOf(k), k);
  else for (const [id, pem] of storeKeys) keys.set(id, createPublicKey(pem));
  // One line per kind of problem, with the count of rows and the first seqs: a wrong key
  // is one problem, not one sentence per row.
  const grouped = new Map<string, number[]>();
  const note = (problem: string, seq: number): void => {
    grouped.set(problem, [...(grouped.get(problem) ?? []), seq]);
  };
  for (const row of rows) {
    if (row.signature === null || row.sigKeyId === null) note('not signed', row.seq);
    else {
      const key = keys.get(row.sigKeyId);
      if (key === undefined)
        note(
          `signed by key ${row.sigKeyId.slice(0, 16)}…, ${trusted === undefined ? 'which the store does not record' : 'which is not a key you passed'}`,
          row.seq,
        );
      else if (!rowSignatureValid(key, row.hash, row.signature))
        note('signature does not verify for the row hash', row.seq);
    }
  }
  const problems =
    rows.length === 0
      ? ['no journal rows to check']
      : [...grouped].map(
          ([problem, seqs]) =>
            `${seqs.length} of ${rows.length} rows ${problem} (seq ${seqs.slice(0, MAX_SEQS).join(', ')}${seqs.length > MAX_SEQS ? ', …' : ''})`,
        );
  return {
    checkedWith: trusted === undefined ? 'store-keys' : 'public-key',
    rows: rows.length,
    signedRows,
    keyIds,
    ok: problems.length === 0,
    problems,
  };
}
