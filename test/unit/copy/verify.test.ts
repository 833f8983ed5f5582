import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { copyDatabaseFiles, MANIFEST_FILE, readManifest, verifyCopy } from '../../../src/copy/index.js';
import { expectOeflowError, makeFakeDb, type FakeDb } from './helpers.js';

let db: FakeDb;
afterEach(() => db.cleanup());

async function copied(): Promise<FakeDb> {
  db = makeFakeDb();
  await copyDatabaseFiles({ sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' });
  return db;
}

describe('verifyCopy', () => {
  it('reports ok with no problems when the copy matches its manifest', async () => {
    await copied();
    expect(await verifyCopy(db.dest)).toEqual({ ok: true, problems: [] });
  });

  it('names the corrupted, deleted and truncated files with their kind when three copied files are damaged', async () => {
    await copied();
    const m = readManifest(db.dest);
    const corrupt = join(db.dest, 'sports_6.d1');
    const buf = readFileSync(corrupt);
    buf[1234] = buf[1234]! ^ 0x01;
    writeFileSync(corrupt, buf);
    rmSync(join(db.dest, 'extents', '5-sports.a1'));
    truncateSync(join(db.dest, 'area', 'sports_7.d1'), 1000);
    const byRel = (rel: string) => m.entries.find((e) => e.relPath === rel)!;
    const r = await verifyCopy(db.dest);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      {
        relPath: 'sports_6.d1',
        kind: 'hash',
        expected: byRel('sports_6.d1').sha256,
        actual: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      },
      { relPath: 'area/sports_7.d1', kind: 'size', expected: byRel('area/sports_7.d1').size, actual: 1000 },
      { relPath: 'extents/5-sports.a1', kind: 'missing', expected: byRel('extents/5-sports.a1').size },
    ]);
    expect(r.problems[0]!.actual).not.toBe(byRel('sports_6.d1').sha256);
  });

  it('reports a manifest error when an entry of the manifest was edited', async () => {
    await copied();
    const path = join(db.dest, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(path, 'utf8')) as { entries: { role: string }[] };
    m.entries[1]!.role = 'data';
    writeFileSync(path, JSON.stringify(m));
    const r = await verifyCopy(db.dest);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.relPath, p.kind])).toEqual([['oeflow-manifest.json', 'extra-manifest-error']]);
  });

  it('throws OEF-300 when the manifest is missing or not JSON', async () => {
    await copied();
    const path = join(db.dest, MANIFEST_FILE);
    writeFileSync(path, '{"version":1,');
    expect((await expectOeflowError(verifyCopy(db.dest), 'OEF-300', ExitCode.verification)).message).toContain(
      'not valid JSON',
    );
    rmSync(path);
    expect((await expectOeflowError(verifyCopy(db.dest), 'OEF-300', ExitCode.verification)).message).toContain(
      'is missing',
    );
  });

  it('reports byte progress up to the total when a listener is given', async () => {
    await copied();
    const total = readManifest(db.dest).entries.reduce((n, e) => n + e.size, 0);
    const last: { bytesDone?: number; filesDone?: number } = {};
    await verifyCopy(db.dest, { onProgress: (p) => Object.assign(last, p) });
    expect(last).toMatchObject({ bytesDone: total, filesDone: 7, bytesTotal: total });
  });
});
