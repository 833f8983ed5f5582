// Deterministic transactions: the same seed and index always give the same updates,
// so two runs of a load (or a source and its rolled-forward copy) can be compared.
import type { DataTx } from './data-file.js';

export const KEY_SPACE = 200;

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = (n: number): string => `customer-${String(n).padStart(4, '0')}`;

/** The record updates of transaction `index` of a load seeded with `seed`. */
export function txOps(seed: number, index: number): [string, string][] {
  const rnd = prng((seed * 1_000_003 + index) | 0);
  const count = 1 + Math.floor(rnd() * 4);
  const ops: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const k = key(Math.floor(rnd() * KEY_SPACE));
    const v = `${Math.floor(rnd() * 0xffffffff).toString(16).padStart(8, '0')}-${seed}-${index}`;
    ops.push([k, v]);
  }
  return ops;
}

/** The records a new database starts with (so the digest is not trivial). */
export function seedRecords(count = 50): DataTx {
  const rnd = prng(20_240_913);
  const ops: [string, string][] = [];
  for (let i = 0; i < count; i++) ops.push([key(i), `initial-${Math.floor(rnd() * 1e9)}`]);
  return { trid: 0, ops };
}
