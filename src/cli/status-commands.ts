// `oeflow info [db]` and `oeflow check [db...]`: the status of each database for people and
// for monitoring (docs/operations.md). Heavy modules load inside the actions.
import type { Command } from 'commander';
import { configFor } from './apply-config.js';
import { storeFor } from './context.js';
import { dbTargets, type DbTarget } from './db-targets.js';
import { emitResult, globalOptions, type CliIO, type GlobalOptions } from './io.js';
import { formatDuration } from './duration.js';
import { localTime } from './local-time.js';
import type { CommandOutcome } from './program.js';

async function optionalDlc(opts: GlobalOptions): Promise<string | undefined> {
  const { dlcFor } = await import('./context.js');
  try {
    return await dlcFor(opts);
  } catch {
    return undefined;
  } // no OpenEdge here: the AI part is left out
}

async function statuses(opts: GlobalOptions, targets: DbTarget[], store: Parameters<typeof dbTargets>[2]) {
  const [{ dbStatus }, { paramsFromSettings }] = await Promise.all([
    import('../app/db-status.js'),
    import('./utility-params.js'),
  ]);
  const dlc = await optionalDlc(opts);
  return Promise.all(
    targets.map((t) =>
      dbStatus(store, t.db, {
        section: t.section,
        dlc,
        aiArchive: t.settings.get('ai-archive')?.value as string | undefined,
        params: paramsFromSettings(t.settings),
      }),
    ),
  );
}

export function registerStatusCommands(program: Command, io: CliIO, outcome: CommandOutcome): void {
  program
    .command('info [db]')
    .description(
      'Status of a database (or of every configured one): last good backup, AI archived since, open runs with the next command, last drill, store health',
    )
    .action(async (db: string | undefined, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const { storeHealth } = await import('../app/db-status.js');
      const { human } = await import('../app/check.js');
      const { formatBytes } = await import('../copy/index.js');
      const store = storeFor(opts, { existing: true });
      try {
        const dbs = await statuses(opts, dbTargets(command, db ? [db] : [], store), store);
        const result = { databases: dbs, store: storeHealth(store, store.path) };
        emitResult(io, opts, result, (r) =>
          [
            ...r.databases.flatMap((s) => [
              `${s.section ? `${s.section} (${s.db})` : s.db}`,
              s.lastBackup
                ? `  last backup  ${s.lastBackup.backupId} ${s.lastBackup.kind}, ${human(s.lastBackup.ageSeconds)} ago (${localTime(s.lastBackup.completedAt)}), ${s.lastBackup.bytes !== null ? formatBytes(s.lastBackup.bytes) : 'size unknown'}, took ${formatDuration(s.lastBackup.durationSeconds * 1000)}${s.lastBackup.quietSeconds !== null ? `, quiet point held ${formatDuration(s.lastBackup.quietSeconds * 1000)}` : ''}, AI sequence ${s.lastBackup.pairedAiSeq}\n               ${s.lastBackup.destination}`
                : '  last backup  none',
              `  AI           ${s.ai.extents ? `${s.ai.extents.empty} EMPTY, ${s.ai.extents.full} FULL, BUSY sequence ${s.ai.extents.busySeq ?? '?'}` : 'extents not read (no DLC)'}${s.ai.archive ? `; ${s.ai.filesSince ?? 0} archived since the backup in ${s.ai.archive}, chain ${s.ai.provable ? 'provable' : 'NOT provable'}` : '; no ai-archive configured'}`,
              ...s.ai.problems.map((p) => `               ${p}`),
              ...(s.openRuns.length
                ? s.openRuns.map(
                    (o) => `  open run     ${o.runId} ${o.status} in ${o.state}\n               next: ${o.next}`,
                  )
                : ['  open runs    none']),
              ...(s.quietPoint
                ? [
                    `  QUIET POINT  up for ${human(s.quietPoint.ageSeconds)} (since ${localTime(s.quietPoint.since)}): writes wait`,
                  ]
                : []),
              `  last drill   ${s.lastDrill ? `${s.lastDrill.status} ${human(s.lastDrill.ageSeconds)} ago${s.lastDrill.rtoSeconds !== null ? `, RTO ${s.lastDrill.rtoSeconds.toFixed(1)} s` : ''}${s.lastDrill.rpoSeconds !== null ? `, RPO ${s.lastDrill.rpoSeconds.toFixed(1)} s` : ''}` : 'none'}`,
            ]),
            ...(r.databases.length === 0 ? ['no database configured or recorded'] : []),
            `store ${r.store.path}: schema ${r.store.schemaVersion}, ${r.store.durable ? 'durable (WAL, synchronous=FULL)' : `NOT durable (journal_mode=${r.store.journalMode})`}`,
          ].join('\n'),
        );
      } finally {
        store.close();
      }
    });

  program
    .command('check [db...]')
    .description(
      'Monitoring probe (Nagios/Icinga convention: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one line with performance data)',
    )
    .option('--prometheus <file>', 'also write the metrics for the node_exporter textfile collector (atomic rename)')
    .action(async (dbs: string[], o: { prometheus?: string }, command: Command) => {
      const opts = globalOptions(command);
      const { judge, statusLine, prometheusText, CheckStatus, DEFAULT_THRESHOLDS } = await import('../app/check.js');
      const { parseDuration } = await import('./duration.js');
      try {
        configFor(command); // a bad configuration is UNKNOWN too
        const store = storeFor(opts, { existing: true });
        try {
          const targets = dbTargets(command, dbs, store);
          const all = await statuses(opts, targets, store);
          const seconds = (t: DbTarget, key: string, fallback: number | undefined) => {
            const v = t.settings.get(key)?.value;
            return typeof v === 'string' ? parseDuration(v) / 1000 : fallback;
          };
          const verdicts = all.map((s, i) =>
            judge(s, {
              backupAgeWarningS: seconds(targets[i]!, 'backup-age-warning', DEFAULT_THRESHOLDS.backupAgeWarningS)!,
              backupAgeCriticalS: seconds(targets[i]!, 'backup-age-critical', DEFAULT_THRESHOLDS.backupAgeCriticalS)!,
              drillAgeWarningS: seconds(targets[i]!, 'drill-age-warning', undefined),
              quietPointCriticalS: seconds(targets[i]!, 'max-quiet', DEFAULT_THRESHOLDS.quietPointCriticalS)!,
            }),
          );
          const { status, line } = statusLine(verdicts);
          if (o.prometheus) {
            const { writeFileSync, renameSync } = await import('node:fs');
            const tmp = `${o.prometheus}.${process.pid}.tmp`;
            writeFileSync(tmp, prometheusText(all, verdicts));
            renameSync(tmp, o.prometheus); // the collector never reads a half-written file
          }
          emitResult(
            io,
            opts,
            { status: ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][status], exitCode: status, line, databases: verdicts },
            (r) => r.line,
          );
          outcome.exitCode = status;
        } finally {
          store.close();
        }
      } catch (err) {
        // a probe that cannot look is UNKNOWN (3), never a crash the monitor misreads
        const message = err instanceof Error ? err.message : String(err);
        emitResult(
          io,
          opts,
          { status: 'UNKNOWN', exitCode: CheckStatus.unknown, line: `OEFLOW UNKNOWN - ${message}` },
          (r) => r.line,
        );
        outcome.exitCode = CheckStatus.unknown;
      }
    });
}
