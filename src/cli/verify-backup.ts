// `oeflow verify-backup <backup-id>`: re-read a stored backup and compare every file with its
// manifest (and the manifest with the digest the catalog recorded). Exit 8 names what differs.
import type { Command } from 'commander';
import { emitResult, globalOptions, type CliIO } from './io.js';
import type { CommandOutcome } from './program.js';

export function registerVerifyBackupCommand(program: Command, io: CliIO, outcome: CommandOutcome): void {
  program
    .command('verify-backup <backupId>')
    .description('Re-hash a stored backup against its manifest (exit 8 and the damaged files named)')
    .action(async (backupId: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const { storeFor } = await import('./context.js');
      const { findBackup } = await import('../engine/catalog.js');
      const { verifyCopy, readManifest } = await import('../copy/index.js');
      const { OeflowError, ExitCode } = await import('../errors.js');
      const store = storeFor(opts, { existing: true });
      try {
        const backup = findBackup(store, backupId);
        const manifest = readManifest(backup.destination);
        const v = await verifyCopy(backup.destination);
        const problems: { file: string; kind: string; expected: unknown; actual: unknown }[] = v.problems.map((p) => ({
          file: p.relPath,
          kind: p.kind,
          expected: p.expected ?? null,
          actual: p.actual ?? null,
        }));
        const recorded = backup.manifestDigest;
        if (recorded !== null && recorded !== manifest.digest)
          problems.push({
            file: 'oeflow-manifest.json',
            kind: 'catalog-digest',
            expected: recorded,
            actual: manifest.digest,
          });
        const error = problems.length
          ? new OeflowError(
              'OEF-300',
              `backup ${backup.backupId} is damaged: ${problems.map((p) => `${p.file} (${p.kind})`).join(', ')}`,
              {
                hint: `Do not restore from it; take a new backup (and find what changed ${backup.destination}).`,
                details: { backupId: backup.backupId, problems },
              },
            ).toJSON()
          : undefined;
        emitResult(
          io,
          opts,
          {
            backupId: backup.backupId,
            destination: backup.destination,
            files: manifest.entries.length,
            ok: problems.length === 0,
            problems,
            ...(error ? { error } : {}),
          },
          (r) =>
            r.ok
              ? `backup ${r.backupId}: ${r.files} files match the manifest (${r.destination})`
              : [
                  `backup ${r.backupId}: DAMAGED`,
                  ...r.problems.map((p) => `  ✖ ${p.file}: ${p.kind}`),
                  `${r.error!.code} ${r.error!.message}`,
                  `  next: ${r.error!.hint}`,
                ].join('\n'),
        );
        if (problems.length) outcome.exitCode = ExitCode.verification;
      } finally {
        store.close();
      }
    });
}
