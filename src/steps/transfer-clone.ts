// ONLINE-3, after the quiet point (issue 14): hash the clone, copy it to the backup
// destination with the verified copier, and remove it. Nothing writes the clone after the
// disable, so its hashes are the manifest's. A kill here is never resumed from the clone:
// the run takes a new clone under a new quiet point (the machine routes OEF-308 there), and
// prepareCopy removes this one.
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneTransfer, copyDatabaseFiles, JOURNAL_FILE, MANIFEST_FILE, type CopySource } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import { copiedFacts, preparedFiles } from './db-files.js';
import { fail, factText, failure, noCommands, type Step } from './step.js';

/** The failure a transfer interrupted by a crash reconciles to: the machine goes back for a new clone. */
export const CLONE_INTERRUPTED = 'OEF-308';

export const transferClone = {
  id: 'transferClone',
  title: 'Copy the clone to the destination (sha256 of the clone while copying) and remove it',
  kb: 'ONLINE-3',
  effect: 'idempotent',
  commands: noCommands,
  probe: async () => null,
  async run(env) {
    const { input, facts } = env.ctx;
    const files = preparedFiles(facts);
    const stagingDir = factText(facts.cloneFiles?.stagingDir);
    if (files === null || stagingDir === '') fail('failed', 'OEF-002', 'transferClone ran without a clone');
    const inStaging = (s: CopySource): CopySource => ({
      path: join(stagingDir, ...s.relPath!.split('/')),
      role: s.role,
      relPath: s.relPath!,
      origin: s.path,
    });
    try {
      // a new clone is a new moment: nothing an earlier transfer left may be kept (the copier would resume from it)
      for (const f of [JOURNAL_FILE, MANIFEST_FILE]) await rm(join(input.destination!, f), { force: true });
      // the listed .st is written beside the clone, after the disable
      const st = join(stagingDir, files.st.relPath);
      await writeFile(st, files.st.text);
      const transfer = cloneTransfer();
      const report = await copyDatabaseFiles({
        sources: [
          inStaging(files.control),
          { path: st, role: 'structure', relPath: files.st.relPath },
          ...files.extents.map(inStaging),
        ],
        destination: input.destination!,
        dbDir: dbPaths(input.db).dir,
        mode: 'clone',
        // As the copy path under its quiet point (issue 14): where the destination cannot share
        // blocks with the clone, the clone is copied in the kernel (as `cp`) while the same clone
        // bytes are read ahead and hashed; where it can (the database's own reflink file system)
        // the copy is a real one, never a reflink of production's blocks (src/copy/clone.ts,
        // cloneTransfer). Nothing writes the clone, so those hashes are the manifest's. The
        // re-read of the copy against them and the fsyncs are verifyCopy's, the next step, as
        // on the copy path.
        copyFile: transfer.copyFile,
        verifyAfterCopy: false,
        fsync: false,
        signal: env.signal,
        onProgress: (p) => env.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.file }),
      });
      return {
        ...copiedFacts(report, input.destination!, files.structure, 'clone'),
        // kernel: copied inside the kernel to another file system; own-blocks: a real copy, the destination could have shared the clone's blocks
        transfer: transfer.destinationCanShareBlocks === true ? 'own-blocks' : 'kernel',
        cloneRemoved: true,
      };
    } finally {
      await rm(stagingDir, { recursive: true, force: true });
    }
  },
  // docs/architecture.md §5.3: a transfer cut by a crash is not continued from a clone nobody verified.
  reconcile: () => ({
    verdict: 'failed',
    failure: failure(
      'failed',
      CLONE_INTERRUPTED,
      'the transfer of the clone was interrupted: a new clone is taken under a new quiet point',
    ),
  }),
} satisfies Step<null>;
