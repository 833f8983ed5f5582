// copyDatabaseFiles with a hashing worker that misbehaves (the worker's code swapped through a
// module mock): a wrong read-back, a dead worker and a slow verification during an abort.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { copyDatabaseFiles, JOURNAL_FILE, MANIFEST_FILE } from '../../../src/copy/index.js';
import { expectOeflowError, makeFakeDb, type FakeDb } from './helpers.js';

const swap = vi.hoisted(() => ({ source: (real: string): string => real }));
vi.mock('../../../src/copy/hash-worker.js', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../../src/copy/hash-worker.js')>();
  class SwappedWorker extends mod.HashWorker {
    constructor(signal?: AbortSignal) {
      super(signal, 16 * 1024, swap.source(mod.WORKER_SOURCE));
    }
  }
  return { ...mod, HashWorker: SwappedWorker };
});

let db: FakeDb;
afterEach(() => {
  db.cleanup();
  swap.source = (real) => real;
});

const journaled = (dest: string): string[] =>
  readFileSync(join(dest, JOURNAL_FILE), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => (JSON.parse(l) as { relPath: string }).relPath);

describe('copyDatabaseFiles verifying in a worker', () => {
  it('fails with OEF-300 naming the file and journals none of it when the copy of the BI file reads back differently', async () => {
    db = makeFakeDb();
    // The worker reads byte 0 of the BI copy as flipped: what a bad disk or a bad write would show.
    swap.source = (real) =>
      real.replace(
        'hash.update(buf.subarray(0, n));',
        "if (pos === 0 && path.endsWith('sports.b1')) buf[0] ^= 1; hash.update(buf.subarray(0, n));",
      );
    const err = await expectOeflowError(
      copyDatabaseFiles({ sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' }),
      'OEF-300',
      ExitCode.verification,
    );
    expect(err.message).toContain(db.sources[2]!.path);
    expect(err.details['problems']).toMatchObject([{ relPath: 'sports.b1', kind: 'hash' }]);
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
    expect(journaled(db.dest)).toEqual(['sports.db', 'sports.st']);
  });

  it('fails with OEF-002 instead of hanging when the worker dies, keeping the journal for a resume', async () => {
    db = makeFakeDb();
    swap.source = () => "require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });";
    const err = await expectOeflowError(
      copyDatabaseFiles({ sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' }),
      'OEF-002',
      ExitCode.internal,
    );
    expect(err.message).toContain('boom');
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
    expect(journaled(db.dest)).toEqual([]);
    swap.source = (real) => real;
    const r = await copyDatabaseFiles({ sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' });
    expect(r.filesCopied).toBe(7);
  });

  it('stops promptly with OEF-052 when aborted while a slow verification of an earlier file is running', async () => {
    db = makeFakeDb({ data: [4 << 20, 300_000] });
    // 20 ms per 16 KiB read: verifying the 4 MiB extent would take about 5 s.
    swap.source = (real) =>
      real.replace('hash.update(', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); hash.update(');
    const ac = new AbortController();
    let abortedAt = 0;
    const err = await expectOeflowError(
      copyDatabaseFiles({
        sources: db.sources,
        destination: db.dest,
        dbDir: db.dbDir,
        mode: 'offline',
        signal: ac.signal,
        progressIntervalMs: 0,
        chunkSize: 64 * 1024,
        onProgress: (p) => {
          if (abortedAt === 0 && p.file === db.sources[4]!.path && p.fileBytes > 0) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      }),
      'OEF-052',
      ExitCode.aborted,
    );
    expect(err.code).toBe('OEF-052');
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(journaled(db.dest)).not.toContain('sports_6.d1');
  });
});
