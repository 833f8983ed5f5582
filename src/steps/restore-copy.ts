// RF-1: restore the OS copy into the target directory (verified, resumable) and
// remove a copied .lk, which names a host/pid that may be alive on the source.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { copyDatabaseFiles, manifestDigest, readManifest } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import { fail, noCommands, type Step } from './step.js';

export const restoreCopy = {
  id: 'restoreCopy',
  title: 'Restore the OS copy into the target',
  kb: 'RF-1',
  effect: 'idempotent',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const { input } = env.ctx;
    const backupDir = input.backupDir!;
    const manifest = readManifest(backupDir);
    // the manifest must be the one the catalog recorded, and intact
    if (input.manifestDigest !== undefined && manifest.digest !== input.manifestDigest) {
      fail(
        'failed',
        'OEF-300',
        `the manifest in ${backupDir} (${manifest.digest.slice(0, 16)}…) is not the one the catalog recorded for this backup (${input.manifestDigest.slice(0, 16)}…): the directory was overwritten or replaced`,
      );
    }
    if (manifestDigest(manifest.entries) !== manifest.digest)
      fail('failed', 'OEF-300', `the manifest in ${backupDir} does not match its own digest: it was edited`);
    const target = dbPaths(input.db);
    const report = await copyDatabaseFiles({
      sources: manifest.entries.map((e) => ({ path: join(backupDir, e.relPath), role: e.role })),
      destination: target.dir,
      dbDir: backupDir,
      mode: 'offline',
      signal: env.signal,
      onProgress: (p) => env.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.file }),
    });
    // the copier hashed every byte it read from the backup: each must equal the manifest's
    const expected = new Map(manifest.entries.map((e) => [join(backupDir, e.relPath), e]));
    const bad = report.manifest.entries.filter(
      (r) => expected.get(r.source)?.sha256 !== r.sha256 || expected.get(r.source)?.size !== r.size,
    );
    if (bad.length > 0)
      fail(
        'failed',
        'OEF-300',
        `backup files differ from the backup's manifest: ${bad.map((b) => b.relPath).join(', ')}`,
      );
    await rm(target.lkFile, { force: true });
    return {
      restoredTo: target.dir,
      files: report.manifest.entries.length,
      bytesCopied: report.bytesCopied,
      backupManifestDigest: manifest.digest,
    };
  },
} satisfies Step<null>;
