import { describe, expect, it } from 'vitest';
import { proveChain, ranges } from '../../../src/aichain/prove-chain.js';
import type { ScannedFile } from '../../../src/aichain/types.js';
import { BEGIN } from './fake-tools.js';

const f = (seqno: number, path = `/ai/x.a${seqno}`, explicit = true, aiBeginDate = BEGIN): ScannedFile => ({
  path,
  seqno,
  aiBeginDate,
  explicit,
});

describe('proveChain', () => {
  it('orders files by sequence and finds no problem when the chain is complete', () => {
    const p = proveChain([f(6), f(4), f(5)], 4, BEGIN);
    expect(p.files.map((x) => x.seqno)).toEqual([4, 5, 6]);
    expect(p.problems).toEqual([]);
  });

  it('names the exact missing sequence numbers when files are missing in the middle', () => {
    const p = proveChain([f(4), f(5), f(9), f(11)], 4, BEGIN);
    expect(p.problems.map((x) => [x.kind, x.seqnos])).toEqual([
      ['gap', [6, 7, 8]],
      ['gap', [10]],
    ]);
    expect(p.problems[0]?.message).toBe('sequence 6–8 missing between 5 and 9');
  });

  it('matches dates despite the double space of single-digit days', () => {
    expect(proveChain([f(1, '/a', true, 'Tue Feb  3 10:20:44 2009')], 1, 'Tue Feb 3 10:20:44 2009').problems).toEqual(
      [],
    );
  });

  it('skips directory files before the paired sequence but reports named ones', () => {
    const p = proveChain([f(2, '/dir/old', false), f(3, '/named/old', true), f(4)], 4, BEGIN);
    expect(p.skipped.map((s) => s.path)).toEqual(['/dir/old']);
    expect(p.problems).toMatchObject([{ kind: 'wrong-start', seqnos: [3], paths: ['/named/old'] }]);
  });

  it('names a truncated or damaged file of the chain with its sequence, once (not also as a gap), and leaves it out of the chain', () => {
    const cut: ScannedFile = {
      ...f(5, '/ai/cut.a5'),
      defect: { kind: 'truncated', detail: 'Incomplete ai file detected, expected 8, got 3. (9333)' },
    };
    const bad: ScannedFile = {
      ...f(6, '/ai/bad.a6'),
      defect: { kind: 'damaged', detail: "SYSTEM ERROR: Note leading and trailing counts don't match (1029)" },
    };
    const p = proveChain([f(4), cut, bad, f(7)], 4, BEGIN);
    expect(p.problems.map((x) => [x.kind, x.seqnos, x.paths])).toEqual([
      ['truncated', [5], ['/ai/cut.a5']],
      ['damaged', [6], ['/ai/bad.a6']],
    ]);
    expect(p.problems[0]?.message).toContain(
      '/ai/cut.a5 (sequence 5) is incomplete (cut short): Incomplete ai file detected, expected 8, got 3. (9333)',
    );
    expect(p.files.map((x) => x.seqno)).toEqual([4, 7]);
  });

  it('does not report a damaged file that precedes the paired sequence and was found in a directory', () => {
    const old: ScannedFile = { ...f(2, '/dir/old', false), defect: { kind: 'damaged', detail: '1029' } };
    expect(proveChain([old, f(4)], 4, BEGIN).problems).toEqual([]);
  });

  it('reports wrong-start when no file is given at all', () => {
    expect(proveChain([], 7, BEGIN).problems).toMatchObject([{ kind: 'wrong-start', seqnos: [7] }]);
  });
});

describe('ranges', () => {
  it('compresses consecutive numbers into ranges', () => {
    expect(ranges([3, 4, 5, 9, 11, 12])).toBe('3–5, 9, 11–12');
  });
});
