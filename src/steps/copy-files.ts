// OFFLINE-5 / ONLINE-3: take the OS copy of every database file; the file list and the
// copy's .st come from prostrct list (db-files.ts). Offline: the verified, resumable copier
// (sha256 while copying, manifest beside the copy). Online, under the quiet point: the kernel
// copy alone (src/copy/quiesced-copy.ts), sealed by verifyCopy after the disable.
import { copyDatabaseFiles, copyQuiesced, unsealedCopyFact, type CopyProgress } from '../copy/index.js';
import { dbPaths } from '../openedge/dlc.js';
import { copiedFacts, withDatabaseFiles } from './db-files.js';
import { factText, noCommands, type Step } from './step.js';

export const copyFiles = {
  id: 'copyFiles',
  title: 'Copy the database files (offline: sha256 while copying; online: the kernel copy, hashed after the disable)',
  kb: 'OFFLINE-5',
  effect: 'idempotent',
  commands: noCommands,
  // Offline, no `proutil -C busy` of its own (issue 9, docs/architecture.md §4 "Reads not
  // repeated"): verifyNotInUseBefore read busy, holder and the .lk just before (only aiSwitch's own
  // utilities ran since), and verifyNotInUseAfter, before the copy is verified or catalogued,
  // refuses (OEF-200) a database in use then or opened at any time since the shutdown (a session
  // begun in the .lg); the copier itself refuses a file that changed while it was copied (OEF-301).
  // An opener in between now fails the run after the copy instead of before it.
  probe: async () => null,
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
      const common = {
        destination: input.destination!,
        dbDir: dbPaths(input.db).dir,
        signal: env.signal,
        onProgress: (p: CopyProgress) =>
          env.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, message: p.file }),
      };
      if (input.procedure === 'online-backup') {
        // Issue 9: under the quiet point only the copy runs, in the kernel as `cp`; the copy is
        // hashed, fsynced and its manifest written by verifyCopy after the disable (docs/architecture.md,
        // "The online copy"). The listing it seals is this step's facts (the journal holds it).
        const copy = await copyQuiesced({ ...common, sources: files.sources });
        return {
          destination: input.destination!,
          files: copy.entries.length,
          bytesCopied: copy.bytesCopied,
          durationMs: copy.durationMs,
          structure: files.structure,
          copyMethod: 'copy',
          sealAfterDisable: unsealedCopyFact(copy),
        };
      }
      const report = await copyDatabaseFiles({ ...common, sources: files.sources, mode: 'offline' });
      return copiedFacts(report, input.destination!, files.structure, 'copy');
    });
  },
} satisfies Step<null>;
