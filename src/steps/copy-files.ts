// OFFLINE-5 / ONLINE-3: take the OS copy of every database file with the verified,
// resumable copier (sha256 while copying, manifest beside the copy); the file list and
// the copy's .st come from prostrct list (db-files.ts).
import { copyDatabaseFiles } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import { copiedFacts, withDatabaseFiles } from './db-files.js';
import { busyState } from './probes.js';
import { factText, failure, noCommands, type Step } from './step.js';

export const copyFiles = {
  id: 'copyFiles',
  title: 'Copy the database files (sha256 while copying)',
  kb: 'OFFLINE-5',
  effect: 'idempotent',
  commands: noCommands,
  async probe(env) {
    return { busy: env.ctx.input.procedure === 'offline-backup' ? await busyState(env, env.ctx.input.db) : null };
  },
  precheck: (p, env) =>
    p.busy === null || p.busy === 'not-in-use'
      ? null
      : failure(
          'invariant',
          'OEF-200',
          `${env.ctx.input.db} is in use (${p.busy}): refusing to copy a database that is in use offline`,
        ),
  async run(env) {
    const { input } = env.ctx;
    const snapshotCopy = env.ctx.facts.snapshot?.copyDir;
    if (typeof snapshotCopy === 'string')
      return {
        destination: snapshotCopy,
        bySnapshot: true,
        manifestDigest: factText(env.ctx.facts.snapshot?.manifestDigest),
      };
    return withDatabaseFiles(env, input.db, async (files) => {
      const report = await copyDatabaseFiles({
        sources: files.sources,
        destination: input.destination!,
        dbDir: dbPaths(input.db).dir,
        mode: input.procedure === 'offline-backup' ? 'offline' : 'quiesced',
        // Issue 9: under the quiet point only the copy runs: in the kernel, as `cp`, while the
        // source bytes are hashed at the same time; the re-read of the copy against those hashes
        // and the fsyncs are verifyCopy's, after the disable (a resume re-hashes every file it kept)
        ...(input.procedure === 'online-backup' ? { verifyAfterCopy: false, fsync: false, copyInKernel: true } : {}),
        signal: env.signal,
        onProgress: (p) => env.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.file }),
      });
      return copiedFacts(report, input.destination!, files.structure, 'copy');
    });
  },
} satisfies Step<{ busy: string | null }>;
