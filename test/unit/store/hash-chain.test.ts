import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, journalHash, type Store } from '../../../src/store/index.js';
import { journalHashOfText } from '../../../src/store/hash-chain.js';
import { expectOeflowError, sampleRun, tempStore } from './helpers.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members when serialising objects', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"z":1}]},"b":1}',
    );
  });

  it('follows JSON for values JSON cannot hold when given NaN, undefined in arrays, Dates and bigints', () => {
    expect(canonicalJson([undefined, Number.NaN, -0, new Date(0), 10n])).toBe(
      '[null,null,0,"1970-01-01T00:00:00.000Z","10"]',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('keeps name and message when given an Error', () => {
    const err = Object.assign(new TypeError('bad'), { code: 'E1' });
    expect(JSON.parse(canonicalJson(err))).toEqual({ name: 'TypeError', message: 'bad', code: 'E1' });
  });

  it('is a fixed point when its output is parsed and serialised again', () => {
    const value = { z: [1.5, 'é\u2028', { b: true, a: [] }], a: { '': 0, ä: -1e21 } };
    const once = canonicalJson(value);
    expect(canonicalJson(JSON.parse(once))).toBe(once);
  });

  it('throws when the value has a cycle', () => {
    const o: Record<string, unknown> = {};
    o['self'] = o;
    expect(() => canonicalJson(o)).toThrow(/cycle/);
  });
});

describe('journalHash', () => {
  it('changes when the previous hash or any covered field changes', () => {
    const f = {
      runId: 'r',
      seq: 1,
      at: '2025-01-01T00:00:00.000Z',
      kind: 'note',
      stepKey: null,
      attempt: null,
      data: { a: 1 },
    };
    const h = journalHash(GENESIS_HASH, f);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(journalHash(GENESIS_HASH, { ...f, data: { a: 1 } })).toBe(h);
    expect(journalHash('1'.repeat(64), f)).not.toBe(h);
    expect(journalHash(GENESIS_HASH, { ...f, seq: 2 })).not.toBe(h);
    expect(journalHash(GENESIS_HASH, { ...f, data: { a: 2 } })).not.toBe(h);
    expect(journalHash(GENESIS_HASH, { ...f, attempt: 1 })).not.toBe(h);
  });

  it('gives the same hash from the canonical data text as from the value (the store hashes the text it writes)', () => {
    const rows = [
      { runId: 'r', seq: 1, at: '2025-01-01T00:00:00.000Z', kind: 'note', stepKey: null, attempt: null, data: null },
      {
        runId: 'run-"quoted"\\',
        seq: 12,
        at: '2025-01-01T00:00:00.000Z',
        kind: 'command',
        stepKey: 'rollForward#3',
        attempt: 2,
        data: { z: [1, 'é', { b: true, a: null }], a: 1.5, s: 'line\nbreak', u: undefined, big: 10n },
      },
    ];
    for (const r of rows) {
      const { data, ...rest } = r;
      expect(journalHashOfText('ab'.repeat(32), { ...rest, dataJson: canonicalJson(data) })).toBe(
        journalHash('ab'.repeat(32), { ...rest, data: JSON.parse(canonicalJson(data)) as unknown }),
      );
    }
  });
});

describe('Store.verifyChain', () => {
  let store: Store;
  let raw: Database.Database;
  let cleanup: () => void;

  beforeEach(() => {
    ({ store, raw, cleanup } = tempStore());
    store.createRun(sampleRun);
    store.recordTransition('run-1', { event: { type: 'START' }, from: 'idle', to: 'a', snapshot: { value: 'a' } });
    store.recordIntent('run-1', { stepKey: 'a', stepId: 'a', attempt: 1, data: { probe: 1 } });
    store.recordResult('run-1', { stepKey: 'a', attempt: 1, outcome: 'ok', output: { facts: {} } });
    store.appendJournal('run-1', { kind: 'note', data: { text: 'last' } });
  });
  afterEach(() => cleanup());

  it('reports ok with the row count when nothing was altered', () => {
    expect(store.verifyChain('run-1')).toEqual({ ok: true, rows: 5 });
    const rows = store.journal('run-1');
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prevHash).toBe(rows[i - 1]?.hash);
  });

  it('refuses UPDATE and DELETE on journal rows when the append-only triggers are in place', () => {
    expect(() => raw.prepare(`UPDATE journal SET data_json = '{}' WHERE run_id = 'run-1' AND seq = 3`).run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare(`DELETE FROM journal WHERE run_id = 'run-1'`).run()).toThrow(/append-only/);
    expect(store.verifyChain('run-1')).toEqual({ ok: true, rows: 5 });
  });

  it('reports the tampered seq when a row is edited with raw SQL', () => {
    raw.exec('DROP TRIGGER journal_no_update');
    raw.prepare(`UPDATE journal SET data_json = '{"probe":2}' WHERE run_id = 'run-1' AND seq = 3`).run();
    expect(store.verifyChain('run-1')).toEqual({ ok: false, brokenAtSeq: 3, reason: 'hash does not match the row' });
  });

  it('reports the next seq when a row is edited and its own hash recomputed', () => {
    raw.exec('DROP TRIGGER journal_no_update');
    const row = store.journal('run-1')[2];
    if (row === undefined) throw new Error('fixture: row 3 missing');
    const forged = journalHash(row.prevHash, {
      runId: 'run-1',
      seq: 3,
      at: row.at,
      kind: row.kind,
      stepKey: row.stepKey,
      attempt: row.attempt,
      data: { probe: 2 },
    });
    raw
      .prepare(`UPDATE journal SET data_json = '{"probe":2}', hash = ? WHERE run_id = 'run-1' AND seq = 3`)
      .run(forged);
    expect(store.verifyChain('run-1')).toMatchObject({ ok: false, brokenAtSeq: 4 });
  });

  it('reports the missing seq when a middle row is deleted', () => {
    raw.exec('DROP TRIGGER journal_no_delete');
    raw.prepare(`DELETE FROM journal WHERE run_id = 'run-1' AND seq = 2`).run();
    expect(store.verifyChain('run-1')).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });

  it('reports the removed tail when the last row is deleted', () => {
    raw.exec('DROP TRIGGER journal_no_delete');
    raw.prepare(`DELETE FROM journal WHERE run_id = 'run-1' AND seq = 5`).run();
    expect(store.verifyChain('run-1')).toMatchObject({ ok: false, brokenAtSeq: 5 });
  });

  it('reports a non-canonical row when data_json is reformatted without changing its value', () => {
    raw.exec('DROP TRIGGER journal_no_update');
    raw.prepare(`UPDATE journal SET data_json = '{ "probe": 1 }' WHERE run_id = 'run-1' AND seq = 3`).run();
    expect(store.verifyChain('run-1')).toEqual({ ok: false, brokenAtSeq: 3, reason: 'data_json is not canonical' });
  });

  it('throws OEF-030 when the run does not exist', () => {
    expectOeflowError(() => store.verifyChain('ghost'), 'OEF-030');
  });
});
