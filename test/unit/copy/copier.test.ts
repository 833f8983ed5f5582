import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import {
  copyDatabaseFiles,
  JOURNAL_FILE,
  MANIFEST_FILE,
  manifestDigest,
  readManifest,
  verifyCopy,
  type CopyProgress,
} from '../../../src/copy/index.js';
import { copyFileInKernelHashing } from '../../../src/copy/stream.js';
import { expectOeflowError, makeFakeDb, type FakeDb } from './helpers.js';

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const size = (p: string): number => statSync(p).size;
let db: FakeDb;
afterEach(() => db.cleanup());

describe('copyDatabaseFiles', () => {
  it('copies every source with the documented layout and writes a matching manifest when the destination is new', async () => {
    db = makeFakeDb();
    const seen: CopyProgress[] = [];
    const r = await copyDatabaseFiles({
      sources: db.sources,
      destination: db.dest,
      dbDir: db.dbDir,
      mode: 'offline',
      onProgress: (p) => seen.push(p),
      progressIntervalMs: 0,
      chunkSize: 64 * 1024,
    });
    const total = db.sources.reduce((n, s) => n + size(s.path), 0);
    expect(r.manifest.entries.map((e) => e.relPath)).toEqual([
      'sports.db',
      'sports.st',
      'sports.b1',
      'sports_6.d1',
      'area/sports_7.d1',
      'extents/5-sports.a1',
      'extents/6-sports.a2',
    ]);
    for (const [i, e] of r.manifest.entries.entries()) {
      const src = db.sources[i]!.path;
      expect(e).toMatchObject({
        source: src,
        role: db.sources[i]!.role,
        size: size(src),
        mtimeMs: statSync(src).mtimeMs,
        sha256: sha(src),
      });
      expect(sha(join(db.dest, e.relPath))).toBe(e.sha256);
    }
    expect({
      bytesCopied: r.bytesCopied,
      filesCopied: r.filesCopied,
      filesSkipped: r.filesSkipped,
      bytesReverified: r.bytesReverified,
    }).toEqual({ bytesCopied: total, filesCopied: 7, filesSkipped: 0, bytesReverified: 0 });
    expect(r.manifestPath).toBe(join(db.dest, MANIFEST_FILE));
    expect(readManifest(db.dest)).toEqual(r.manifest);
    expect(r.manifest.digest).toBe(manifestDigest(r.manifest.entries));
    expect(existsSync(join(db.dest, JOURNAL_FILE))).toBe(false);
    expect(seen.at(-1)).toMatchObject({ bytesDone: total, bytesTotal: total, filesDone: 7, filesTotal: 7 });
  });

  it('copies only the missing or wrong files when an earlier copy was aborted half way', async () => {
    db = makeFakeDb();
    const ac = new AbortController();
    const first = copyDatabaseFiles({
      sources: db.sources,
      destination: db.dest,
      dbDir: db.dbDir,
      mode: 'offline',
      signal: ac.signal,
      progressIntervalMs: 0,
      chunkSize: 16 * 1024,
      onProgress: (p) => {
        if (p.filesDone >= 4 && p.fileBytes > 0) ac.abort();
      },
    });
    await expectOeflowError(first, 'OEF-052', ExitCode.aborted);
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
    const journaled = readFileSync(join(db.dest, JOURNAL_FILE), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => (JSON.parse(l) as { relPath: string }).relPath);
    // Files 1-3 were journaled before the 5th started; the 4th only if its verification (in the
    // worker, while the 5th was copied) finished before the abort reached it.
    const order = [
      'sports.db',
      'sports.st',
      'sports.b1',
      'sports_6.d1',
      'area/sports_7.d1',
      'extents/5-sports.a1',
      'extents/6-sports.a2',
    ];
    expect([order.slice(0, 3), order.slice(0, 4)]).toContainEqual(journaled);
    // Damage one completed file without changing its size: only its hash can tell.
    const damaged = join(db.dest, 'sports.b1');
    const buf = readFileSync(damaged);
    buf[100] = buf[100]! ^ 0xff;
    writeFileSync(damaged, buf);

    const r = await copyDatabaseFiles({ sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' });
    const redo = order.filter((rel) => rel === 'sports.b1' || !journaled.includes(rel));
    const sizeOf = (rels: string[]): number =>
      rels.map((rel) => r.manifest.entries.find((e) => e.relPath === rel)!.size).reduce((a, b) => a + b, 0);
    expect({
      filesCopied: r.filesCopied,
      filesSkipped: r.filesSkipped,
      bytesCopied: r.bytesCopied,
      bytesReverified: r.bytesReverified,
      restarted: r.restarted,
    }).toEqual({
      filesCopied: redo.length,
      filesSkipped: 7 - redo.length,
      bytesCopied: sizeOf(redo),
      bytesReverified: sizeOf(journaled),
      restarted: false,
    });
    for (const e of r.manifest.entries) expect(sha(join(db.dest, e.relPath))).toBe(sha(e.source));
  });

  it('copies nothing and re-verifies every file when it runs again over a finished copy', async () => {
    db = makeFakeDb();
    const o = { sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' as const };
    const a = await copyDatabaseFiles(o);
    const b = await copyDatabaseFiles(o);
    expect({
      filesCopied: b.filesCopied,
      bytesCopied: b.bytesCopied,
      filesSkipped: b.filesSkipped,
      bytesReverified: b.bytesReverified,
    }).toEqual({ filesCopied: 0, bytesCopied: 0, filesSkipped: 7, bytesReverified: a.bytesCopied });
    expect(b.manifest.digest).toBe(a.manifest.digest);
  });

  it('starts over and copies every file when a source changed since the interrupted copy', async () => {
    db = makeFakeDb();
    const o = { sources: db.sources, destination: db.dest, dbDir: db.dbDir, mode: 'offline' as const };
    const a = await copyDatabaseFiles(o);
    appendFileSync(db.sources[6]!.path, 'more AI notes');
    const b = await copyDatabaseFiles(o);
    expect({ restarted: b.restarted, filesCopied: b.filesCopied, bytesCopied: b.bytesCopied }).toEqual({
      restarted: true,
      filesCopied: 7,
      bytesCopied: a.bytesCopied + 13,
    });
  });

  it('refuses with OEF-303 and writes nothing when the destination is inside the database directory', async () => {
    db = makeFakeDb();
    const err = await expectOeflowError(
      copyDatabaseFiles({
        sources: db.sources,
        destination: join(db.dbDir, 'area', 'bak'),
        dbDir: db.dbDir,
        mode: 'offline',
      }),
      'OEF-303',
      ExitCode.usage,
    );
    expect(err.message).toContain(join(db.dbDir, 'area', 'bak'));
    expect(existsSync(join(db.dbDir, 'area', 'bak'))).toBe(false);
  });

  it('refuses with OEF-303 when the destination reaches the database directory through a symlink', async () => {
    db = makeFakeDb();
    symlinkSync(db.dbDir, join(db.root, 'link'));
    await expectOeflowError(
      copyDatabaseFiles({
        sources: db.sources,
        destination: join(db.root, 'link', 'new', 'bak'),
        dbDir: db.dbDir,
        mode: 'offline',
      }),
      'OEF-303',
      ExitCode.usage,
    );
    await expectOeflowError(
      copyDatabaseFiles({ sources: db.sources, destination: join(db.root, 'link'), dbDir: db.dbDir, mode: 'offline' }),
      'OEF-303',
      ExitCode.usage,
    );
  });

  it('refuses with OEF-302 naming needed and available bytes when the file system lacks the copy size plus 1%', async () => {
    db = makeFakeDb();
    const total = db.sources.reduce((n, s) => n + size(s.path), 0);
    const needed = Math.ceil(total * 1.01);
    const statfs = (avail: number) => async () => ({ bavail: avail, bsize: 1 });
    const err = await expectOeflowError(
      copyDatabaseFiles({
        sources: db.sources,
        destination: db.dest,
        dbDir: db.dbDir,
        mode: 'offline',
        statfs: statfs(needed - 1),
      }),
      'OEF-302',
      ExitCode.invariant,
    );
    expect(err.details).toEqual({ destination: db.dest, needed, available: needed - 1 });
    expect(existsSync(db.dest)).toBe(false);
    const r = await copyDatabaseFiles({
      sources: db.sources,
      destination: db.dest,
      dbDir: db.dbDir,
      mode: 'offline',
      statfs: statfs(needed),
    });
    expect(r.filesCopied).toBe(7);
  });

  it('refuses with OEF-300 naming the file when a source is missing', async () => {
    db = makeFakeDb();
    const gone = join(db.aiDir, 'sports.a9');
    const err = await expectOeflowError(
      copyDatabaseFiles({
        sources: [...db.sources, { path: gone, role: 'ai' }],
        destination: db.dest,
        dbDir: db.dbDir,
        mode: 'offline',
      }),
      'OEF-300',
      ExitCode.verification,
    );
    expect(err.details).toEqual({ missing: [gone] });
    expect(existsSync(db.dest)).toBe(false);
  });

  it.each(['offline', 'quiesced'] as const)(
    'fails with OEF-301 naming the file and writes no manifest when a source changes during a %s copy',
    async (mode) => {
      db = makeFakeDb();
      const victim = db.sources[3]!.path; // sports_6.d1, copied after the BI file
      let touched = false;
      const err = await expectOeflowError(
        copyDatabaseFiles({
          sources: db.sources,
          destination: db.dest,
          dbDir: db.dbDir,
          mode,
          progressIntervalMs: 0,
          chunkSize: 16 * 1024,
          onProgress: (p) => {
            if (!touched && p.file === db.sources[2]!.path) {
              touched = true;
              utimesSync(victim, new Date(), new Date(Date.now() + 5000));
            }
          },
        }),
        'OEF-301',
        ExitCode.verification,
      );
      expect((err.details['files'] as { path: string }[]).map((f) => f.path)).toEqual([victim]);
      expect(err.message).toContain(victim);
      expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
      expect(existsSync(join(db.dest, JOURNAL_FILE))).toBe(true);
    },
  );

  it('fails with OEF-301 when the file being copied grows while it is read', async () => {
    db = makeFakeDb({ data: [400_000, 10] });
    const victim = db.sources[3]!.path;
    let grown = false;
    await expectOeflowError(
      copyDatabaseFiles({
        sources: db.sources,
        destination: db.dest,
        dbDir: db.dbDir,
        mode: 'offline',
        progressIntervalMs: 0,
        chunkSize: 16 * 1024,
        onProgress: (p) => {
          if (!grown && p.file === victim && p.fileBytes > 0) {
            grown = true;
            appendFileSync(victim, Buffer.alloc(50_000, 1));
          }
        },
      }),
      'OEF-301',
      ExitCode.verification,
    );
  });

  it("copies in the kernel with the sources hashed at the same time (copyFileInKernelHashing): the manifest holds the sources' hashes and the copy verifies", async () => {
    db = makeFakeDb({ data: [300_000, 10] });
    const r = await copyDatabaseFiles({
      sources: db.sources,
      destination: db.dest,
      dbDir: db.dbDir,
      mode: 'quiesced',
      copyFile: copyFileInKernelHashing,
      verifyAfterCopy: false,
      fsync: false,
      chunkSize: 16 * 1024,
    });
    for (const [i, e] of r.manifest.entries.entries()) {
      expect(e.sha256).toBe(sha(db.sources[i]!.path));
      expect(sha(join(db.dest, e.relPath))).toBe(e.sha256);
    }
    expect(await verifyCopy(db.dest)).toEqual({ ok: true, problems: [] });
  });

  it('fails with OEF-301 when a source grows during a kernel copy (copyFileInKernelHashing)', async () => {
    db = makeFakeDb({ data: [400_000, 10] });
    const victim = db.sources[3]!.path;
    let grown = false;
    await expectOeflowError(
      copyDatabaseFiles({
        sources: db.sources,
        destination: db.dest,
        dbDir: db.dbDir,
        mode: 'quiesced',
        copyFile: copyFileInKernelHashing,
        verifyAfterCopy: false,
        fsync: false,
        progressIntervalMs: 0,
        chunkSize: 16 * 1024,
        onProgress: (p) => {
          if (!grown && p.file === victim && p.fileBytes > 0) {
            grown = true;
            appendFileSync(victim, Buffer.alloc(50_000, 1));
          }
        },
      }),
      'OEF-301',
      ExitCode.verification,
    );
  });
});
