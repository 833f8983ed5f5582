// ONLINE-3 after the quiet point (issue 14): transferClone copies the clone (not the database
// files, which production writes again after the disable) to the destination, in the kernel
// while hashing the clone's bytes; the manifest holds those hashes under the database files'
// names, verifyCopy re-reads the copy against them, and the clone is removed.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../../src/copy/index.js';
import type { StepEnv } from '../../../src/steps/step.js';
import type { ListedFiles } from '../../../src/steps/db-files.js';
import { fakeStepEnv } from '../../helpers/step-env.js';
import { transferClone } from '../../../src/steps/transfer-clone.js';
import { verifyCopy } from '../../../src/steps/verify-copy.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/**
 * A database directory whose files production changed after the disable, and the staging
 * directory holding their clones as they were under the quiet point.
 */
function cloned(): { env: StepEnv; db: string; stagingDir: string; destination: string; clones: Map<string, Buffer> } {
  const root = mkdtempSync(join(tmpdir(), 'oeflow-transfer-clone-'));
  dirs.push(root);
  const dbDir = join(root, 'db');
  const stagingDir = join(root, '.oeflow-staging', 'sports-0000-run');
  const destination = join(root, 'bk');
  mkdirSync(dbDir);
  mkdirSync(stagingDir, { recursive: true });
  const db = join(dbDir, 'sports');
  const files: [string, ListedFiles['control']['role'], number][] = [
    ['sports.db', 'control', 65_536],
    ['sports.d1', 'data', 9 * 1024 * 1024 + 123], // more than two 4 MiB chunks
    ['sports.b1', 'bi', 131_072],
    ['sports.a1', 'ai', 0], // an empty AI extent
  ];
  const clones = new Map<string, Buffer>();
  for (const [name, , size] of files) {
    const clone = randomBytes(size);
    clones.set(name, clone);
    writeFileSync(join(stagingDir, name), clone);
    writeFileSync(join(dbDir, name), randomBytes(size + 4096));
  }
  const source = ([name, role]: (typeof files)[number]) => ({ path: join(dbDir, name), role, relPath: name });
  const listed: ListedFiles = {
    control: source(files[0]!),
    extents: files.slice(1).map(source),
    st: { text: 'd "Schema Area" ./sports.d1\n', relPath: 'sports.st' },
    onDiskSt: null,
    structure: { from: 'prostrct list' },
  };
  const env = fakeStepEnv({
    stepKey: 'transferClone',
    input: { procedure: 'online-backup', db, destination },
    facts: {
      prepareCopy: { copyMethod: 'clone', stagingDir, files: listed as never },
      cloneFiles: { stagingDir, files: 4 },
    },
  });
  return { env, db, stagingDir, destination, clones };
}

describe('transferClone', () => {
  it("copies and hashes the clone, not the database files written since, names the database's files, and removes the clone", async () => {
    const { env, db, stagingDir, destination, clones } = cloned();
    const facts: Record<string, unknown> = await transferClone.run(env);
    expect(facts).toMatchObject({ copyMethod: 'clone', cloneRemoved: true, files: 5, destination });
    expect(existsSync(stagingDir)).toBe(false);

    const manifest = readManifest(destination);
    expect(facts['manifestDigest']).toBe(manifest.digest);
    for (const [name, clone] of clones) {
      const entry = manifest.entries.find((e) => e.relPath === name);
      expect(entry, name).toMatchObject({ source: join(db.replace(/sports$/, ''), name), size: clone.length });
      expect(entry?.sha256, name).toBe(sha(clone));
      expect(sha(readFileSync(join(destination, name))), name).toBe(sha(clone));
    }
    expect(manifest.entries.find((e) => e.relPath === 'sports.st')).toMatchObject({
      role: 'structure',
      sha256: sha('d "Schema Area" ./sports.d1\n'),
    });

    // the next step re-reads the copy against the clone's hashes
    const verified = await verifyCopy.run({
      ...env,
      stepKey: 'verifyCopy',
      ctx: { ...env.ctx, facts: { ...env.ctx.facts, transferClone: facts as never } },
    });
    expect(verified).toMatchObject({ verified: true });
  });

  it('removes the clone and keeps no manifest when the copy fails (a clone that is not all there)', async () => {
    const { env, stagingDir, destination } = cloned();
    rmSync(join(stagingDir, 'sports.b1'));
    await expect(transferClone.run(env)).rejects.toMatchObject({ code: 'OEF-300' });
    expect(existsSync(stagingDir)).toBe(false);
    expect(existsSync(join(destination, 'oeflow-manifest.json'))).toBe(false);
  });
});
