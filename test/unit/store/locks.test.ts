import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type LockRow, type Store } from '../../../src/store/index.js';
import { expectOeflowError, sampleRun, tempDir, tempStore, transpiledStore } from './helpers.js';

const me = { db: '/db/sports', runId: 'run-1', host: 'host-a', pid: 100 };
const other = { db: '/db/sports', runId: 'run-2', host: 'host-a', pid: 200 };

describe('Store locks', () => {
  let store: Store;
  let cleanup: () => void;
  beforeEach(() => {
    ({ store, cleanup } = tempStore());
    store.createRun(sampleRun);
    store.createRun({ ...sampleRun, runId: 'run-2' });
  });
  afterEach(() => cleanup());

  it('grants a free lock and refuses a second holder with the holder row', () => {
    expect(store.tryAcquireLock(me)).toEqual({ acquired: true });
    const second = store.tryAcquireLock(other);
    expect(second.acquired).toBe(false);
    expect(second.acquired ? undefined : second.holder).toMatchObject({
      db: '/db/sports',
      runId: 'run-1',
      host: 'host-a',
      pid: 100,
    });
    expect(store.getLock('/db/sports')?.runId).toBe('run-1');
  });

  it('grants the lock again when the same run, host and pid ask twice', () => {
    expect(store.tryAcquireLock(me)).toEqual({ acquired: true });
    expect(store.tryAcquireLock(me)).toEqual({ acquired: true });
    expect(store.tryAcquireLock({ ...me, pid: 101 }).acquired).toBe(false);
  });

  it('keeps locks per database when two databases are locked', () => {
    expect(store.tryAcquireLock(me)).toEqual({ acquired: true });
    expect(store.tryAcquireLock({ ...other, db: '/db/other' })).toEqual({ acquired: true });
  });

  it('swaps the holder and journals the takeover on the new run when expected matches', () => {
    store.tryAcquireLock(me);
    const holder = store.getLock('/db/sports') as LockRow;
    expect(store.takeOverLock({ ...other, expected: holder })).toBe(true);
    expect(store.getLock('/db/sports')).toMatchObject({ runId: 'run-2', pid: 200 });
    const last = store.journal('run-2').at(-1);
    expect(last).toMatchObject({
      kind: 'lock-takeover',
      data: { db: '/db/sports', previous: { runId: 'run-1', pid: 100, host: 'host-a' }, pid: 200 },
    });
    expect(store.journal('run-1').map((r) => r.kind)).toEqual(['run-started']);
    expect(store.verifyChain('run-2')).toEqual({ ok: true, rows: 2 });
  });

  it('returns false and changes nothing when expected no longer matches the holder', () => {
    store.tryAcquireLock(me);
    const holder = store.getLock('/db/sports') as LockRow;
    expect(store.takeOverLock({ ...other, expected: { ...holder, pid: 999 } })).toBe(false);
    expect(store.takeOverLock({ ...other, expected: { ...holder, runId: 'run-x' } })).toBe(false);
    expect(store.takeOverLock({ ...other, expected: { ...holder, host: 'host-b' } })).toBe(false);
    expect(store.getLock('/db/sports')).toEqual(holder);
    expect(store.journal('run-2').map((r) => r.kind)).toEqual(['run-started']);
  });

  it('returns false when the lock was released before the takeover', () => {
    store.tryAcquireLock(me);
    const holder = store.getLock('/db/sports') as LockRow;
    store.releaseLock('/db/sports', 'run-1');
    expect(store.takeOverLock({ ...other, expected: holder })).toBe(false);
    expect(store.getLock('/db/sports')).toBeUndefined();
  });

  it('leaves the lock untouched and throws OEF-030 when the new run does not exist', () => {
    store.tryAcquireLock(me);
    const holder = store.getLock('/db/sports') as LockRow;
    expectOeflowError(() => store.takeOverLock({ ...other, runId: 'ghost', expected: holder }), 'OEF-030');
    expect(store.getLock('/db/sports')).toEqual(holder);
  });

  it('refreshes the heartbeat only for the holder and releases only the holder', () => {
    let t = Date.parse('2025-01-01T00:00:00.000Z');
    const clocked = tempStore({ now: () => new Date((t += 1000)) });
    try {
      clocked.store.createRun(sampleRun);
      clocked.store.tryAcquireLock(me);
      const before = clocked.store.getLock('/db/sports') as LockRow;
      expect(clocked.store.heartbeat('/db/sports', 'run-1')).toBe(true);
      const after = clocked.store.getLock('/db/sports') as LockRow;
      expect(after.heartbeatAt > before.heartbeatAt).toBe(true);
      expect(after.acquiredAt).toBe(before.acquiredAt);
      expect(clocked.store.heartbeat('/db/sports', 'run-2')).toBe(false);
      expect(clocked.store.releaseLock('/db/sports', 'run-2')).toBe(false);
      expect(clocked.store.getLock('/db/sports')).toBeDefined();
      expect(clocked.store.releaseLock('/db/sports', 'run-1')).toBe(true);
      expect(clocked.store.getLock('/db/sports')).toBeUndefined();
    } finally {
      clocked.cleanup();
    }
  });
});

describe('Store locks across processes', () => {
  let build: ReturnType<typeof transpiledStore>;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    build = transpiledStore();
    dir = tempDir();
  });
  afterAll(() => {
    build.cleanup();
    dir.cleanup();
  });

  // Each child opens the store, spins until a shared instant, then races the others for
  // every one of many databases in turn: many contended transactions, not one.
  const child = `
    const { openStore } = await import(process.argv[1]);
    const [path, prefix, runId, startAt, count] = process.argv.slice(2);
    const store = openStore(path);
    while (Date.now() < Number(startAt)) {}
    const out = [];
    for (let i = 0; i < Number(count); i++) {
      const got = store.tryAcquireLock({ db: prefix + i, runId, host: 'host-a', pid: process.pid });
      out.push(got.acquired ? runId : 'lost-to:' + got.holder.runId);
    }
    store.close();
    console.log(JSON.stringify(out));
  `;

  it('grants each lock to exactly one of four processes racing for it', async () => {
    const path = join(dir.dir, 'oeflow.db');
    openStore(path).close();
    const count = 300;
    const runs = ['run-a', 'run-b', 'run-c', 'run-d'];
    const startAt = Date.now() + 1500;
    const results = await Promise.all(
      runs.map((runId) =>
        execa(process.execPath, [
          '--input-type=module',
          '-e',
          child,
          build.indexUrl,
          path,
          '/db/race-',
          runId,
          String(startAt),
          String(count),
        ]),
      ),
    );
    const perChild = results.map((r) => JSON.parse(r.stdout) as string[]);
    const store = openStore(path);
    try {
      for (let i = 0; i < count; i++) {
        const holder = store.getLock(`/db/race-${i}`)?.runId;
        const outcomes = perChild.map((o) => o[i]);
        expect(
          outcomes.filter((o) => o === holder),
          `db ${i}: ${outcomes.join(',')}`,
        ).toHaveLength(1);
        expect(
          outcomes.filter((o) => o !== holder),
          `db ${i}`,
        ).toEqual(Array(runs.length - 1).fill(`lost-to:${holder}`));
      }
    } finally {
      store.close();
    }
  });
});
