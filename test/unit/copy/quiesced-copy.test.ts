// The online copy path (src/copy/quiesced-copy.ts): the kernel copy under the quiet point,
// sealed after the disable by hashing the copy and writing its manifest.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { readJournal } from '../../../src/copy/manifest.js';
import {
  copyQuiesced,
  destinationProblem,
  JOURNAL_FILE,
  MANIFEST_FILE,
  readManifest,
  decodeUnsealedCopy,
  sealCopy,
  unsealedCopyFact,
  verifyCopy,
} from '../../../src/copy/index.js';
import { expectOeflowError, makeFakeDb, type FakeDb } from './helpers.js';

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
let db: FakeDb;
afterEach(() => db.cleanup());

describe('copyQuiesced and sealCopy', () => {
  it("copies every source in the kernel and writes no manifest; the seal then hashes the copy into a manifest holding the sources' bytes", async () => {
    db = makeFakeDb({ data: [300_000, 10] });
    const copy = await copyQuiesced({ sources: db.sources, destination: db.dest, dbDir: db.dbDir });
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
    expect(copy.entries.map((e) => e.relPath)).toEqual([
      'sports.db',
      'sports.st',
      'sports.b1',
      'sports_6.d1',
      'area/sports_7.d1',
      'extents/5-sports.a1',
      'extents/6-sports.a2',
    ]);
    for (const [i, e] of copy.entries.entries()) {
      const st = statSync(db.sources[i]!.path);
      expect(e).toEqual({
        source: db.sources[i]!.path,
        relPath: e.relPath,
        role: db.sources[i]!.role,
        size: st.size,
        mtimeMs: st.mtimeMs,
      });
    }
    expect(copy.bytesCopied).toBe(db.sources.reduce((n, s) => n + statSync(s.path).size, 0));

    const sealed = await sealCopy(db.dest, copy);
    if (!sealed.ok) throw new Error(JSON.stringify(sealed.problems));
    const manifest = readManifest(db.dest);
    expect(manifest.digest).toBe(sealed.manifest.digest);
    expect(manifest.entries.map((e) => e.sha256)).toEqual(db.sources.map((s) => sha(s.path)));
    expect(await verifyCopy(db.dest)).toEqual({ ok: true, problems: [] });
  });

  it("removes an earlier attempt's manifest and marks the directory as an unfinished copy with an empty journal until the seal", async () => {
    db = makeFakeDb();
    const copy = await copyQuiesced({ sources: db.sources, destination: db.dest, dbDir: db.dbDir });
    writeFileSync(join(db.dest, MANIFEST_FILE), '{"version":1}');
    await copyQuiesced({ sources: db.sources, destination: db.dest, dbDir: db.dbDir });
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
    // a killed quiesced copy's directory is the run's own to copy into again (copy/destination.ts), with nothing to keep
    expect(readJournal(db.dest, copy.sourceDbDir).size).toBe(0);
    expect(await destinationProblem(db.dest, db.dbDir, false)).toBeNull();
    await sealCopy(db.dest, copy);
    expect([existsSync(join(db.dest, MANIFEST_FILE)), existsSync(join(db.dest, JOURNAL_FILE))]).toEqual([true, false]);
  });

  it('fails with OEF-301 when a source moves while the files are copied', async () => {
    db = makeFakeDb();
    const first = db.sources[0]!.path;
    let touched = false;
    await expectOeflowError(
      copyQuiesced({
        sources: db.sources,
        destination: db.dest,
        dbDir: db.dbDir,
        progressIntervalMs: 0,
        onProgress: (p) => {
          // the first file is copied: a write to it now is a write under the quiet point
          if (!touched && p.filesDone === 1) {
            touched = true;
            utimesSync(first, new Date(), new Date(Date.now() + 5_000));
          }
        },
      }),
      'OEF-301',
      ExitCode.verification,
    );
    expect(touched).toBe(true);
  });

  it('seals nothing when a copied file is missing or has another size than its source had', async () => {
    db = makeFakeDb();
    const copy = await copyQuiesced({ sources: db.sources, destination: db.dest, dbDir: db.dbDir });
    truncateSync(join(db.dest, 'sports.b1'), 10);
    const sealed = await sealCopy(db.dest, {
      ...copy,
      entries: [...copy.entries, { ...copy.entries[0]!, relPath: 'gone.d9' }],
    });
    expect(sealed).toEqual({
      ok: false,
      problems: [
        { relPath: 'sports.b1', kind: 'size', expected: 64 * 1024, actual: 10 },
        { relPath: 'gone.d9', kind: 'missing', expected: 4096 },
      ],
    });
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);
  });

  it('seals nothing (OEF-311) when the host restarted after the copy was written: its unsynced bytes may be lost', async () => {
    db = makeFakeDb();
    const copy = await copyQuiesced({ sources: db.sources, destination: db.dest, dbDir: db.dbDir });
    // the copy's time goes through the journal fact the seal is given after a resume
    const listed = decodeUnsealedCopy(unsealedCopyFact(copy));
    expect(listed?.copiedAtMs).toBe(copy.copiedAtMs);
    const e = await expectOeflowError(
      sealCopy(db.dest, listed!, { hostBootedAtMs: copy.copiedAtMs! + 1 }),
      'OEF-311',
      ExitCode.verification,
    );
    expect(e.details).toEqual({
      copiedAt: new Date(copy.copiedAtMs!).toISOString(),
      hostBootedAt: new Date(copy.copiedAtMs! + 1).toISOString(),
    });
    expect(existsSync(join(db.dest, MANIFEST_FILE))).toBe(false);

    // same boot: sealed; a listing journaled before the copy's time was recorded seals as before
    const { copiedAtMs: _, ...older } = listed!;
    expect(decodeUnsealedCopy(unsealedCopyFact(older))).toEqual(older);
    expect((await sealCopy(db.dest, older, { hostBootedAtMs: copy.copiedAtMs! + 1 })).ok).toBe(true);
    expect((await sealCopy(db.dest, listed!, { hostBootedAtMs: copy.copiedAtMs! })).ok).toBe(true);
  });
});
