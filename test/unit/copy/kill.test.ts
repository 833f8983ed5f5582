import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDatabaseFiles, JOURNAL_FILE, MANIFEST_FILE, verifyCopy } from '../../../src/copy/index.js';
import { makeFakeDb, type FakeDb } from './helpers.js';

const repo = resolve(import.meta.dirname, '../../..');
let outDir: string;
let db: FakeDb | undefined;

// The child process needs JavaScript: compile src/copy (and what it imports) into a temp dir,
// independent of the state of the rest of the tree and of dist/. The compiler named by its path
// (TypeScript 7, package.json): both TypeScript packages call their command `tsc`.
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'oeflow-copy-build-'));
  await execa(
    process.execPath,
    [
      join(repo, 'node_modules/typescript-native/bin/tsc'),
      '--ignoreConfig',
      '--noCheck',
      '--outDir',
      outDir,
      '--rootDir',
      repo,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
      join(repo, 'src/copy/index.ts'),
    ],
    { cwd: repo },
  );
  symlinkSync(join(repo, 'node_modules'), join(outDir, 'node_modules')); // so the compiled code finds execa
}, 120_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  db?.cleanup();
});

function journalEntries(dest: string): { relPath: string; size: number }[] {
  if (!existsSync(join(dest, JOURNAL_FILE))) return [];
  return readFileSync(join(dest, JOURNAL_FILE), 'utf8')
    .split('\n')
    .slice(1)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { relPath: string; size: number }];
      } catch {
        return [];
      }
    });
}

describe('copyDatabaseFiles after SIGKILL', () => {
  it('copies only the files not yet complete when a copying process was killed half way', async () => {
    db = makeFakeDb({ data: [2 << 20, 2 << 20], ai: [2 << 20, 2 << 20] });
    const dest = db.dest;
    const options = {
      sources: db.sources,
      destination: dest,
      dbDir: db.dbDir,
      mode: 'offline',
      chunkSize: 256 * 1024,
      sleepMs: 25,
    };
    const child = execa(
      'node',
      [
        join(repo, 'test/unit/copy/fixtures/copy-child.mjs'),
        join(outDir, 'src/copy/index.js'),
        JSON.stringify(options),
      ],
      { reject: false },
    );
    let exited = false;
    void child.then(() => {
      exited = true;
    });
    const deadline = Date.now() + 30_000;
    while (!exited && journalEntries(dest).length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    const exit = await child;
    expect({ signal: exit.signal, stderr: exit.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    expect(exit.stdout).not.toContain('finished');
    expect(existsSync(join(dest, MANIFEST_FILE))).toBe(false);

    const done = journalEntries(dest);
    const doneRel = new Set(done.map((e) => e.relPath));
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(db.sources.length);
    const r = await copyDatabaseFiles({ sources: db.sources, destination: dest, dbDir: db.dbDir, mode: 'offline' });
    const missing = r.manifest.entries.filter((e) => !doneRel.has(e.relPath));
    expect({
      filesCopied: r.filesCopied,
      filesSkipped: r.filesSkipped,
      bytesCopied: r.bytesCopied,
      bytesReverified: r.bytesReverified,
    }).toEqual({
      filesCopied: missing.length,
      filesSkipped: done.length,
      bytesCopied: missing.reduce((n, e) => n + statSync(e.source).size, 0),
      bytesReverified: done.reduce((n, e) => n + e.size, 0),
    });
    expect(await verifyCopy(dest)).toEqual({ ok: true, problems: [] });
  });
});
