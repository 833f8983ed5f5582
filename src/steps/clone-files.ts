// ONLINE-3 on a copy-on-write file system (issue 14): under the quiet point, clone every
// database file prostrct list named before it (AI extents included) into the staging
// directory. Constant time per file, whatever its size; hashing, the copy to the backup
// destination and its verification happen after the disable (transfer-clone.ts).
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cloneFile } from '../copy/index.js';
import { preparedFiles } from './db-files.js';
import { fail, factText, noCommands, type Step } from './step.js';

export const cloneFiles = {
  id: 'cloneFiles',
  title: 'Clone the database files (copy-on-write, under the quiet point)',
  kb: 'ONLINE-3',
  // a rerun replaces the whole staging directory: safe to run again under the same quiet point
  effect: 'idempotent',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const files = preparedFiles(env.ctx.facts);
    const stagingDir = factText(env.ctx.facts.prepareCopy?.stagingDir);
    if (files === null || stagingDir === '')
      fail('failed', 'OEF-002', 'cloneFiles ran without the file list and staging directory of prepareCopy');
    const started = performance.now();
    await rm(stagingDir, { recursive: true, force: true });
    const made = new Set<string>();
    for (const source of [files.control, ...files.extents]) {
      const dest = join(stagingDir, ...source.relPath!.split('/'));
      if (!made.has(dirname(dest))) {
        await mkdir(dirname(dest), { recursive: true });
        made.add(dirname(dest));
      }
      try {
        await cloneFile(source.path, dest);
      } catch (err) {
        fail('failed', 'OEF-307', `cloning ${source.path} into ${stagingDir} failed: ${(err as Error).message}`);
      }
    }
    return {
      stagingDir,
      files: files.extents.length + 1,
      clonedAt: new Date().toISOString(),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
  },
} satisfies Step<null>;
