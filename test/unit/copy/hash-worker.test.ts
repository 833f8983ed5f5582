// The hashing worker the copier verifies with: same digests as the main thread, fs errors with
// their code, a dead worker fails its jobs (never hangs them), and an abort stops a long read.
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { HashWorker, WORKER_CHUNK } from '../../../src/copy/hash-worker.js';
import { bytes, expectOeflowError } from './helpers.js';

let dir: string;
let worker: HashWorker | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oeflow-hashworker-'));
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('HashWorker', () => {
  it('returns the size and sha256 of each file, concurrent jobs answered each with its own file', async () => {
    const files = [0, 1, WORKER_CHUNK, WORKER_CHUNK + 1, 3 * WORKER_CHUNK - 7].map((n, i) => {
      const p = join(dir, `f${i}`);
      writeFileSync(p, bytes(n, i + 1));
      return p;
    });
    worker = new HashWorker();
    const got = await Promise.all(files.map((f) => worker!.hash(f)));
    expect(got).toEqual(files.map((f) => ({ size: readFileSync(f).length, sha256: sha(f) })));
  });

  it('fails a job on a missing file with its errno code and keeps serving the next jobs', async () => {
    worker = new HashWorker();
    const err: unknown = await worker.hash(join(dir, 'gone')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOENT' });
    writeFileSync(join(dir, 'here'), 'x');
    expect(await worker.hash(join(dir, 'here'))).toEqual({ size: 1, sha256: sha(join(dir, 'here')) });
  });

  it('fails the pending job with OEF-002 naming the file, and every later one, when the worker dies', async () => {
    writeFileSync(join(dir, 'a'), 'a');
    worker = new HashWorker(
      undefined,
      WORKER_CHUNK,
      "require('node:worker_threads').parentPort.on('message', () => process.exit(3));",
    );
    const err = await expectOeflowError(worker.hash(join(dir, 'a')), 'OEF-002', ExitCode.internal);
    expect(err.message).toContain(join(dir, 'a'));
    expect(err.message).toContain('exit code 3');
    await expectOeflowError(worker.hash(join(dir, 'a')), 'OEF-002', ExitCode.internal);
  });

  it('stops hashing a large file within a fraction of a second when the signal aborts', async () => {
    const big = join(dir, 'sparse');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 8 * 1024 ** 3); // 8 GiB of holes: seconds to hash, no disk used
    closeSync(fd);
    const ac = new AbortController();
    worker = new HashWorker(ac.signal);
    const job = worker.hash(big);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    ac.abort();
    await expectOeflowError(job, 'OEF-052', ExitCode.aborted);
    expect(performance.now() - t0).toBeLessThan(1000);
    await expectOeflowError(worker.hash(big), 'OEF-052', ExitCode.aborted);
  });
});
