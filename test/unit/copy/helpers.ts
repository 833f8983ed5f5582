// Shared fixtures for the copier tests: a fake database directory with extents inside and
// AI files outside it, deterministic contents, and an exact OeflowError check.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { OeflowError, type ErrorCode } from '../../../src/errors.js';
import type { CopySource } from '../../../src/copy/index.js';

export interface FakeDb {
  root: string;
  dbDir: string;
  aiDir: string;
  sources: CopySource[];
  dest: string;
  cleanup: () => void;
}

/** Deterministic, non-repeating-looking bytes so that a flipped byte changes the hash. */
export function bytes(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A db dir with `.db`, `.st`, a BI and data extents (one in a subdirectory), and AI extents elsewhere. */
export function makeFakeDb(sizes: { data?: number[]; ai?: number[] } = {}): FakeDb {
  const root = mkdtempSync(join(tmpdir(), 'oeflow-copy-'));
  const dbDir = join(root, 'db');
  const aiDir = join(root, 'ai');
  mkdirSync(join(dbDir, 'area'), { recursive: true });
  mkdirSync(aiDir);
  const sources: CopySource[] = [];
  const add = (path: string, role: CopySource['role'], content: Buffer): void => {
    writeFileSync(path, content);
    sources.push({ path, role });
  };
  add(join(dbDir, 'sports.db'), 'control', bytes(4096, 1));
  add(
    join(dbDir, 'sports.st'),
    'structure',
    Buffer.from(`b ${dbDir}/sports.b1\nd "Schema Area":6,32;1 ${dbDir}/sports_6.d1\n`),
  );
  add(join(dbDir, 'sports.b1'), 'bi', bytes(64 * 1024, 2));
  (sizes.data ?? [200_000, 300_001]).forEach((n, i) =>
    add(join(dbDir, i === 0 ? 'sports_6.d1' : `area/sports_7.d${i}`), 'data', bytes(n, 10 + i)),
  );
  (sizes.ai ?? [50_000, 70_000]).forEach((n, i) => add(join(aiDir, `sports.a${i + 1}`), 'ai', bytes(n, 20 + i)));
  return {
    root,
    dbDir,
    aiDir,
    sources,
    dest: join(root, 'backup', 'copy1'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Expect `p` to reject with an OeflowError of exactly this code and exit code; returns it. */
export async function expectOeflowError(p: Promise<unknown>, code: ErrorCode, exitCode: number): Promise<OeflowError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OeflowError);
  const e = err as OeflowError;
  expect({ code: e.code, exitCode: e.exitCode }).toEqual({ code, exitCode });
  return e;
}
