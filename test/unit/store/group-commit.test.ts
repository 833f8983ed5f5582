// Group commit (src/store/group-commit.ts): a 'with-next' write is committed and visible at once,
// owes its fsync until the next durable journal row or sync(), and leaves the connection FULL;
// createTools calls beforeSpawn before every utility starts (the engine syncs there, but before
// the quiet point's disable: docs/architecture.md §5.9, test/unit/engine/spawn-durability.test.ts).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTools } from '../../../src/openedge/create-tools.js';
import { GroupCommit } from '../../../src/store/group-commit.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { fakeDlc } from '../openedge/helpers.js';
import { tempDir, tempStore } from './helpers.js';

function withRun(store: Store): void {
  store.createRun({
    runId: 'run-1',
    machineId: 'offline-backup',
    machineHash: 'h',
    db: '/db/x',
    kind: 'offline-backup',
    input: { procedure: 'offline-backup', db: '/db/x' },
    host: 'h',
    pid: 1,
  });
}

const transition = (to: string) => ({
  event: { type: 'NEXT' },
  from: null,
  to,
  snapshot: { value: to, status: 'active', context: {} },
});

describe('Store group commit', () => {
  it("commits a 'with-next' row visibly, owes its fsync, and reports synchronous=FULL", () => {
    const t = tempStore();
    try {
      withRun(t.store);
      expect(t.store.syncPending).toBe(false);
      const row = t.store.recordTransition('run-1', transition('a'), { durable: 'with-next' });
      expect(t.store.syncPending).toBe(true);
      // committed: another connection reads it before any fsync
      const seen = t.raw.prepare('SELECT seq FROM journal WHERE run_id = ? AND kind = ?').all('run-1', 'transition');
      expect(seen).toEqual([{ seq: row.seq }]);
      expect(t.store.pragmas().synchronous).toBe(2);
    } finally {
      t.cleanup();
    }
  });

  it('a durable journal row or sync() pays what is owed', () => {
    const t = tempStore();
    try {
      withRun(t.store);
      t.store.appendJournal('run-1', { kind: 'note', data: { a: 1 } }, { durable: 'with-next' });
      expect(t.store.syncPending).toBe(true);
      t.store.appendJournal('run-1', { kind: 'note', data: { b: 2 } }); // durable: fsyncs the WAL
      expect(t.store.syncPending).toBe(false);
      t.store.recordTransition('run-1', transition('b'), { durable: 'with-next' });
      t.store.sync();
      expect(t.store.syncPending).toBe(false);
      t.store.sync(); // nothing owed: no-op
      expect(t.store.syncPending).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('the AI scan cache never waits for an fsync of its own (not evidence)', () => {
    const t = tempStore();
    try {
      const id = { dev: '1', ino: '2', size: 3, mtimeNs: '4', ctimeNs: '5' };
      t.store.rememberScan(id, 'ab'.repeat(32), { seqno: 7, aiBeginDate: 'x' });
      expect(t.store.syncPending).toBe(true);
      expect(t.store.scanByIdentity(id)).toEqual({ seqno: 7, aiBeginDate: 'x' });
    } finally {
      t.cleanup();
    }
  });

  it("the lock's heartbeat never waits for an fsync of its own (nothing decides from it)", () => {
    const t = tempStore();
    try {
      withRun(t.store);
      expect(t.store.tryAcquireLock({ db: '/db/x', runId: 'run-1', host: 'h', pid: 1 })).toEqual({ acquired: true });
      t.store.sync();
      expect(t.store.syncPending).toBe(false);
      expect(t.store.heartbeat('/db/x', 'run-1')).toBe(true);
      expect(t.store.syncPending).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('close() makes owed rows durable; a reopened store has them and the hash chain holds', () => {
    const t = tempStore();
    try {
      withRun(t.store);
      t.store.recordTransition('run-1', transition('c'), { durable: 'with-next' });
      t.store.close();
      const again = openStore(t.path);
      try {
        expect(again.journal('run-1').map((r) => r.kind)).toEqual(['run-started', 'transition']);
        expect(again.getRun('run-1')?.stateValue).toBe('c');
      } finally {
        again.close();
      }
    } finally {
      t.cleanup();
    }
  });

  it("switches to NORMAL once for a run of 'with-next' writes, and every durable write and sync() runs FULL", () => {
    const d = tempDir();
    const db = new Database(join(d.dir, 'g.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE t (x)');
      const group = new GroupCommit(db, join(d.dir, 'g.db'));
      const modeInside = (write: (fn: () => number) => number): number =>
        write(() => {
          db.prepare('INSERT INTO t VALUES (1)').run();
          return Number(db.pragma('synchronous', { simple: true }));
        });
      expect(modeInside((fn) => group.withNext(fn))).toBe(1);
      expect(modeInside((fn) => group.withNext(fn))).toBe(1);
      expect(group.pending).toBe(true);
      expect(modeInside((fn) => group.durable(fn))).toBe(2);
      expect(modeInside((fn) => group.withNext(fn))).toBe(1);
      group.sync();
      expect(group.pending).toBe(false);
      expect(Number(db.pragma('synchronous', { simple: true }))).toBe(2);
      group.close();
    } finally {
      db.close();
      d.cleanup();
    }
  });

  it('an in-memory store owes nothing', () => {
    const store = openStore(':memory:');
    try {
      withRun(store);
      store.recordTransition('run-1', transition('d'), { durable: 'with-next' });
      expect(store.syncPending).toBe(false);
    } finally {
      store.close();
    }
  });

  it('createTools calls beforeSpawn before the utility starts, for every call', async () => {
    const { dlc, calls } = fakeDlc({ proutil: { stdout: 'The database /db/x is not in use. (90028)' } });
    const order: string[] = [];
    const tools = createTools({
      dlc,
      beforeSpawn: () => order.push(`sync with ${calls().length} calls made`),
      onSpawn: () => order.push('spawned'),
    });
    await tools.busy('/db/x');
    await tools.busy('/db/x');
    expect(order).toEqual(['sync with 0 calls made', 'spawned', 'sync with 1 calls made', 'spawned']);
  });
});
