import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { MANIFEST_FILE, readManifest, runSnapshotCommand, verifyCopy } from '../../../src/copy/index.js';
import { expectOeflowError, makeFakeDb, type FakeDb } from './helpers.js';

let db: FakeDb;
afterEach(() => db.cleanup());

const base = (command: string) => ({
  command,
  sources: db.sources,
  db: join(db.dbDir, 'sports'),
  facts: { aiSequence: '7', 'ai-extent': `${db.aiDir}/sports.a2` },
  destination: db.dest,
});
// Copies every listed file flat into the destination, as a site script might.
const cpAll = 'mkdir -p "$OEFLOW_DEST" && while IFS= read -r f; do cp "$f" "$OEFLOW_DEST/"; done < "$OEFLOW_FILE_LIST"';

describe('runSnapshotCommand', () => {
  it('passes the file list and the database facts in the environment when it runs the command', async () => {
    db = makeFakeDb();
    const out = join(db.root, 'env.txt');
    const r = await runSnapshotCommand(
      base(
        `printf '%s|%s|%s|%s|%s\\n' "$OEFLOW_DB" "$OEFLOW_DB_DIR" "$OEFLOW_DEST" "$OEFLOW_FACT_AISEQUENCE" "$OEFLOW_FACT_AI_EXTENT" > ${out}; printf '%s' "$OEFLOW_FILES" > ${out}.files; cat "$OEFLOW_FILE_LIST" > ${out}.list; echo done`,
      ),
    );
    expect(r).toEqual({ exitCode: 0, stdout: 'done', stderr: '' });
    expect(readFileSync(out, 'utf8')).toBe(
      `${join(db.dbDir, 'sports')}|${db.dbDir}|${db.dest}|7|${db.aiDir}/sports.a2\n`,
    );
    const paths = db.sources.map((s) => s.path);
    expect(readFileSync(`${out}.files`, 'utf8')).toBe(paths.join('\n'));
    expect(readFileSync(`${out}.list`, 'utf8')).toBe(`${paths.join('\n')}\n`);
  });

  it('verifies the copy and writes a manifest when the command leaves a copy in the destination', async () => {
    db = makeFakeDb();
    const r = await runSnapshotCommand(base(cpAll));
    expect(r.copyDir).toBe(db.dest);
    expect(r.report?.manifest.entries.map((e) => e.relPath)).toEqual([
      'sports.db',
      'sports.st',
      'sports.b1',
      'sports_6.d1',
      'sports_7.d1',
      'sports.a1',
      'sports.a2',
    ]);
    expect(r.report?.manifestPath).toBe(join(db.dest, MANIFEST_FILE));
    expect(readManifest(db.dest).digest).toBe(r.report?.manifest.digest);
    expect(await verifyCopy(db.dest)).toEqual({ ok: true, problems: [] });
  });

  it('fails with OEF-304 carrying stderr when the command exits 3', async () => {
    db = makeFakeDb();
    const err = await expectOeflowError(
      runSnapshotCommand(base('echo "lvcreate: snapshot failed" >&2; exit 3')),
      'OEF-304',
      ExitCode.failed,
    );
    expect(err.message).toContain('exited with 3');
    expect(err.message).toContain('lvcreate: snapshot failed');
    expect(err.details).toMatchObject({ exitCode: 3, stderr: 'lvcreate: snapshot failed' });
  });

  it('fails with OEF-300 naming each bad file and writes no manifest when the command produces a corrupt copy', async () => {
    db = makeFakeDb();
    const bad = `${cpAll} && printf 'X' | dd of="$OEFLOW_DEST/sports.b1" bs=1 seek=10 conv=notrunc 2>/dev/null && rm "$OEFLOW_DEST/sports.a2"`;
    const err = await expectOeflowError(runSnapshotCommand(base(bad)), 'OEF-300', ExitCode.verification);
    expect((err.details['problems'] as { relPath: string; kind: string }[]).map((p) => [p.relPath, p.kind])).toEqual([
      ['sports.b1', 'hash'],
      ['extents/6-sports.a2', 'missing'],
    ]);
    expect(() => readManifest(db.dest)).toThrow(/missing/);
  });

  it('refuses with OEF-303 before running anything when the destination is inside the database directory', async () => {
    db = makeFakeDb();
    const marker = join(db.root, 'ran');
    await expectOeflowError(
      runSnapshotCommand({ ...base(`touch ${marker}`), destination: join(db.dbDir, 'snap') }),
      'OEF-303',
      ExitCode.usage,
    );
    expect(() => readFileSync(marker)).toThrow();
  });

  it('never starts the command when the signal aborts before it is spawned (OEF-052)', async () => {
    db = makeFakeDb();
    const marker = join(db.root, 'ran');
    const ac = new AbortController();
    const running = runSnapshotCommand({ ...base(`touch ${marker}`), signal: ac.signal });
    ac.abort(); // while it awaits its checks and loads execa, before the spawn
    await expectOeflowError(running, 'OEF-052', ExitCode.aborted);
    expect(() => readFileSync(marker)).toThrow();
  });

  it('stops the command with OEF-052 when the signal aborts it', async () => {
    db = makeFakeDb();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await expectOeflowError(
      runSnapshotCommand({ ...base('sleep 20'), signal: ac.signal }),
      'OEF-052',
      ExitCode.aborted,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('fails with OEF-304 and stops the command when it runs longer than the timeout', async () => {
    db = makeFakeDb();
    const t0 = Date.now();
    const err = await expectOeflowError(
      runSnapshotCommand({ ...base('sleep 20'), timeoutMs: 100 }),
      'OEF-304',
      ExitCode.failed,
    );
    expect(err.message).toContain('timed out');
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
