// RF-1: restore the OS copy into the target directory (verified, resumable) and
// remove a copied .lk, which names a host/pid that may be alive on the source.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { copyDatabaseFiles, readManifest } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import type { Step } from './step.js';

export const restoreCopy = {
  id: 'restoreCopy',
  title: 'Restore the OS copy into the target',
  kb: 'RF-1',
  effect: 'idempotent',
  probe: async () => null,
  async run(env) {
    const { input } = env.ctx;
    const backupDir = input.backupDir!;
    const manifest = readManifest(backupDir);
    const target = dbPaths(input.db);
    const report = await copyDatabaseFiles({
      sources: manifest.entries.map((e) => ({ path: join(backupDir, e.relPath), role: e.role })),
      destination: target.dir,
      dbDir: backupDir,
      mode: 'offline',
      signal: env.signal,
      onProgress: (p) => env.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.file }),
    });
    await rm(target.lkFile, { force: true });
    return { restoredTo: target.dir, files: report.manifest.entries.length, bytesCopied: report.bytesCopied, backupManifestDigest: manifest.digest };
  },
} satisfies Step<null>;
