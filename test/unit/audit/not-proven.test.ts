// A verification that did not prove its run carries OEF-330, naming the failed checks and
// the next action that fits them.
import { describe, expect, it } from 'vitest';
import { notProvenError } from '../../../src/audit/not-proven.js';
import type { Verification } from '../../../src/audit/verify.js';

const proven: Verification = {
  runId: 'r-1',
  machineId: 'online-backup',
  status: 'completed',
  chain: { ok: true, rows: 10 },
  definition: {
    sameAsNow: true,
    available: true,
    recorded: 'a'.repeat(64),
    current: 'a'.repeat(64),
    replayedWith: 'current',
    shippedIn: ['0.1.0'],
  },
  replay: { ok: true, transitions: [] },
  ordering: { ok: true, problems: [] },
  record: { ok: true, problems: [] },
  authenticity: { checkedWith: 'none', rows: 10, signedRows: 0, keyIds: [], ok: false, problems: [] },
  authenticated: false,
  limits: [],
  visited: [],
  verdict: 'proven',
  integrity: { verdict: 'PROVEN', signed: false, authenticated: false },
  outcome: { verdict: 'COMPLETED', summary: 'COMPLETED' },
  headline: 'PROVEN (unsigned) — COMPLETED',
};

describe('notProvenError', () => {
  it('is undefined when the run is proven, unsigned rows included', () => {
    expect(notProvenError(proven)).toBeUndefined();
  });

  it('sends the auditor to the oeflow version that shipped the definition when this oeflow does not carry it', () => {
    const definition = {
      sameAsNow: false,
      available: false,
      recorded: 'b'.repeat(64),
      current: 'a'.repeat(64),
      replayedWith: 'none' as const,
      shippedIn: ['0.0.9'],
    };
    const e = notProvenError({
      ...proven,
      definition,
      replay: { ok: false, transitions: [], problem: 'no definition' },
      verdict: 'not-proven',
    });
    expect(e).toEqual({
      code: 'OEF-330',
      message: 'run r-1 is not proven: the machine definition the run ran under is not in this oeflow',
      hint: expect.stringMatching(/^Verify with oeflow 0\.0\.9 \(definition b{16}…\)/) as unknown,
    });
  });

  it('names every failed check and keeps the store for investigation when the journal was altered', () => {
    const e = notProvenError({
      ...proven,
      chain: { ok: false, rows: 10, brokenAtSeq: 4, reason: 'hash' },
      ordering: { ok: false, problems: ['x'] },
      verdict: 'not-proven',
    });
    expect(e?.message).toBe('run r-1 is not proven: journal hash chain broken at seq 4; step results out of order');
    expect(e?.hint).toContain('keep the store unchanged for investigation');
  });
});
