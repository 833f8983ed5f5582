// A worker thread that hashes files (size + sha256) on the machine's other core, so that the
// copier can verify file N (re-read of the copy + sha256) while the main thread copies file N+1.
// The worker reads with plain blocking reads into one reused buffer; an abort is a flag in shared
// memory that it checks before every read, so it stops within one chunk.
import { Worker } from 'node:worker_threads';
import { OeflowError } from '../errors.js';
import type { HashResult } from './stream.js';
import { abortError, throwIfAborted } from './stream.js';

/** Read size of the worker: 1 MiB stays in cache between the read and the hashing (128 KiB–1 MiB measured alike, 4 MiB ~10% more CPU). */
export const WORKER_CHUNK = 1024 * 1024;

// The worker's code, evaluated as a CommonJS script (so it runs the same from src/ under vitest
// and from dist/). Messages in: { id, path }; out: { id, size, sha256 } | { id, aborted } | { id, error }.
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const abort = new Int32Array(workerData.abort);
const buf = Buffer.allocUnsafeSlow(workerData.chunkSize);
parentPort.on('message', ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    let pos = 0;
    for (;;) {
      if (Atomics.load(abort, 0) !== 0) return parentPort.postMessage({ id, aborted: true });
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      pos += n;
    }
    parentPort.postMessage({ id, size: pos, sha256: hash.digest('hex') });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message || err), code: err && err.code } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

type Reply =
  | { id: number; size: number; sha256: string }
  | { id: number; aborted: true }
  | { id: number; error: { message: string; code?: string } };

interface Pending {
  path: string;
  resolve: (r: HashResult) => void;
  reject: (e: unknown) => void;
}

/**
 * One hashing worker, started on the first `hash` and stopped by `close` (always call it).
 * A job fails with the worker's fs error (its `code` kept), with OEF-052 after an abort, and
 * with OEF-002 when the worker itself dies (every pending job fails then).
 * @example
 * const w = new HashWorker(signal);
 * try { const { size, sha256 } = await w.hash('/backup/sports.d1'); } finally { await w.close(); }
 */
export class HashWorker {
  private worker: Worker | undefined;
  private dead: Error | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly abortFlag = new Int32Array(new SharedArrayBuffer(4));
  private readonly onAbort = (): void => {
    Atomics.store(this.abortFlag, 0, 1);
  };

  constructor(
    private readonly signal?: AbortSignal,
    private readonly chunkSize = WORKER_CHUNK,
    private readonly source = WORKER_SOURCE,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted === true) this.onAbort();
  }

  /** Size and sha256 of the file at `path`, read and hashed by the worker. */
  async hash(path: string): Promise<HashResult> {
    throwIfAborted(this.signal);
    if (this.dead !== undefined) throw this.dead;
    const w = this.start();
    const id = this.nextId++;
    return new Promise<HashResult>((resolve, reject) => {
      this.pending.set(id, { path, resolve, reject });
      w.ref();
      w.postMessage({ id, path });
    });
  }

  /** Stop the worker (pending jobs fail). */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) {
      this.failAll(new OeflowError('OEF-002', 'The hashing worker was stopped before it answered.'));
      await w.terminate();
    }
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const w = new Worker(this.source, {
      eval: true,
      workerData: { abort: this.abortFlag.buffer, chunkSize: this.chunkSize },
    });
    w.on('message', (m: Reply) => this.settle(m));
    w.on('error', (err) => this.die(err));
    w.on('exit', (code) => this.die(new Error(`exit code ${code}`)));
    this.worker = w;
    return w;
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('error' in m)
      p.reject(Object.assign(new Error(m.error.message), m.error.code === undefined ? {} : { code: m.error.code }));
    else if ('aborted' in m) p.reject(abortError(this.signal));
    else p.resolve({ size: m.size, sha256: m.sha256 });
  }

  private die(cause: unknown): void {
    if (this.worker === undefined) return; // closed on purpose
    this.worker = undefined;
    const why = cause instanceof Error ? cause.message : String(cause);
    this.dead = new OeflowError('OEF-002', `The hashing worker died (${why}).`, { cause });
    for (const p of this.pending.values())
      p.reject(
        new OeflowError('OEF-002', `The hashing worker died (${why}) while it read ${p.path}.`, {
          cause,
          details: { path: p.path },
        }),
      );
    this.pending.clear();
  }

  private failAll(err: unknown): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
