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
    const v = `${Math.floor(rnd() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')}-${seed}-${index}`;
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

// Transactions that stay active while others commit, so that some span an AI switch
// (docs/openedge.md §4, 3785/1636): every LONG_EVERY-th transaction (index ≡ LONG_AT)
// writes its first updates when it begins and the rest, with its end, LONG_SPAN groups later.
// The windows overlap, so from the fourth transaction of a load on one is always active and
// every switch a load causes splits one.
export const LONG_EVERY = 4;
const LONG_AT = 3;
export const LONG_SPAN = 6;

/** One note group of a load, in the order the load writes them. */
export interface LoadEvent {
  part: 'tx' | 'begin' | 'end';
  /** The transaction's index in the load. */
  index: number;
  ops: [string, string][];
}

const isLong = (index: number): boolean => index % LONG_EVERY === LONG_AT;

// A long transaction updates its own records (`order-<index>-<n>`), which no other
// transaction of the load touches while it is active: as if it held their record locks.
function longOps(seed: number, index: number): { first: [string, string][]; rest: [string, string][] } {
  const ops = txOps(seed, index).map(([, v], n): [string, string] => [
    `order-${String(index % 500).padStart(4, '0')}-${n}`,
    v,
  ]);
  const half = Math.ceil(ops.length / 2);
  return { first: ops.slice(0, half), rest: ops.slice(half) };
}

/** The note groups of a load of `count` transactions: the same seed and count always give the same groups in the same order. */
export function* loadEvents(seed: number, count: number): Generator<LoadEvent> {
  for (let i = 0; i < count; i++) {
    yield isLong(i)
      ? { part: 'begin', index: i, ops: longOps(seed, i).first }
      : { part: 'tx', index: i, ops: txOps(seed, i) };
    const j = i - LONG_SPAN;
    if (j >= 0 && isLong(j)) yield { part: 'end', index: j, ops: longOps(seed, j).rest };
  }
  for (let j = Math.max(0, count - LONG_SPAN); j < count; j++)
    if (isLong(j)) yield { part: 'end', index: j, ops: longOps(seed, j).rest };
}
