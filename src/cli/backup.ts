// `oeflow backup offline|online`: start a backup run and print its result.
import { Option, type Command } from 'commander';
import { basename, join, resolve } from 'node:path';
import { backupIdFor, newRunId } from '../engine/run-ids.js';
import { ExitCode, OeflowError } from '../errors.js';
import { ON_OPEN_RUN, type OnOpenRun } from '../config/keys.js';
import { backupFigures } from './backup-figures.js';
import { journalLogProblem } from './command-log.js';
import { trackSteps } from './step-tracker.js';
import { dlcFor, storeFor, withSignals } from './context.js';
import { parseMaxQuiet } from './duration.js';
import { emitResult, globalOptions, type CliIO } from './io.js';
import { dbArgument } from './db-argument.js';
import { offlineWarnings } from '../plan/offline-warnings.js';
import type { CommandOutcome } from './program.js';
import { progressReporter } from './progress.js';
import { utilityParamsFor, withUtilityParamOptions } from './utility-params.js';
import { emitRun, exitCodeFor, renderRun, runResult } from './run-result.js';
import { fact, type FactsByStep } from '../steps/step-facts.js';

interface BackupOpts {
  plan?: boolean;
  to?: string;
  repo?: string;
  onOpenRun?: OnOpenRun;
  notify?: string;
  jobsCheck?: string;
  restart: boolean;
  proserveArgs?: string;
  snapshotCmd?: string;
  maxQuiet?: string;
  copyMethod?: string;
  stagingDir?: string;
}

const COPY_METHODS = ['auto', 'clone', 'copy'] as const;

export function registerBackupCommands(program: Command, io: CliIO, outcome: CommandOutcome): void {
  const backup = program
    .command('backup')
    .description('Take an OS backup with after-imaging enabled (vendor procedure)');

  const run = async (command: Command, procedure: 'offline-backup' | 'online-backup', dbArg: string, o: BackupOpts) => {
    const opts = globalOptions(command);
    // --to names the directory; else the repository names it <repo>/<db name>/<backup-id>/
    if (!o.to && !o.repo)
      throw new OeflowError(
        'OEF-001',
        "name the backup's directory with --to <dir>, or a repository with --repo <dir> (or `repo` in the configuration)",
        {
          hint: `Run \`oeflow backup ${procedure === 'online-backup' ? 'online' : 'offline'} --help\` for the syntax.`,
        },
      );
    // bad values are refused before anything is opened; an empty one is never taken as "not given"
    if (o.to !== undefined && o.to.trim() === '')
      throw new OeflowError('OEF-001', '--to is empty: name the destination directory of the copy');
    const maxQuietMs = o.maxQuiet !== undefined ? parseMaxQuiet(o.maxQuiet) : undefined;
    // the passphrase file is read (and refused if others can read it) before anything is opened
    const utilityParams = utilityParamsFor(command, dbArgument(dbArg));
    const dlc = await dlcFor(opts);
    const store = storeFor(opts);
    try {
      const db = dbArgument(dbArg);
      const runId = newRunId();
      const destination = o.to ? resolve(o.to) : join(resolve(o.repo!), basename(db), backupIdFor(runId));
      const copyMethod = o.copyMethod ?? 'auto';
      if (!(COPY_METHODS as readonly string[]).includes(copyMethod))
        throw new OeflowError('OEF-001', `--copy-method ${copyMethod}: expected auto, clone or copy`);
      const input = {
        procedure,
        db,
        destination,
        ...(o.jobsCheck ? { jobsCheck: o.jobsCheck } : {}),
        ...(procedure === 'offline-backup'
          ? { restart: o.restart, proserveArgs: o.proserveArgs ? o.proserveArgs.split(/\s+/).filter(Boolean) : [] }
          : {}),
        ...(o.snapshotCmd ? { snapshotCmd: o.snapshotCmd } : {}),
        ...(procedure === 'online-backup'
          ? {
              copyMethod: copyMethod as (typeof COPY_METHODS)[number],
              ...(o.stagingDir ? { stagingDir: resolve(o.stagingDir) } : {}),
            }
          : {}),
      };
      if (o.plan) {
        // loaded here, not at start: read-only commands stay cheap to start
        const [{ createTools }, { planBackup, renderPlan }] = await Promise.all([
          import('../openedge/create-tools.js'),
          import('../plan/plan.js'),
        ]);
        const planned = await planBackup(createTools({ dlc, params: utilityParams }), input);
        // an open run refuses the backup as surely as a precondition does
        const open = store.openRunForDb(db);
        const { openRunError } = await import('../app/open-run.js');
        const plan = open
          ? {
              ...planned,
              ready: false,
              preconditions: [
                ...planned.preconditions,
                {
                  check: 'no open run on the database',
                  ok: false,
                  detail: `${openRunError(store, open).message}; next: ${openRunError(store, open).hint}`,
                },
              ],
            }
          : planned;
        emitResult(io, opts, plan, renderPlan);
        outcome.exitCode = plan.ready ? ExitCode.ok : ExitCode.invariant;
        return;
      }
      const { startProcedure } = await import('../app/start-procedure.js');
      const tracker = trackSteps(progressReporter(io, opts.json || opts.quiet === true, outcome.log));
      const started = Date.now();
      const { outcome: result, openRun } = await withSignals((abortSignal) =>
        startProcedure(
          { store, dlc, utilityParams, reporter: tracker.reporter, abortSignal },
          {
            machineId: procedure,
            kind: procedure,
            lockDb: db,
            input,
            runId,
            ...(maxQuietMs !== undefined ? { maxQuietMs } : {}),
          },
          { onOpenRun: o.onOpenRun ?? 'fail', notify: o.notify },
        ),
      );
      journalLogProblem(outcome.log, store, result.runId);
      const backupId = result.status === 'completed' ? backupIdFor(result.runId) : undefined;
      const printed = {
        ...runResult(result, {
          backupId,
          procedure,
          db,
          step: tracker.failed() ?? tracker.last(),
          durationMs: Date.now() - started,
        }),
        ...backupFigures(result.facts),
        ...(openRun ? { openRun } : {}),
        warnings: [...offlineWarnings(input), ...structureWarnings(result.facts)],
      };
      const paired = fact(result.facts, 'recordBackup', 'pairedAiSeq');
      emitRun(io, opts, outcome, printed, (r) =>
        [
          renderRun(r, {
            lines: [
              ...(r.openRun ? [`open run    ${r.openRun.runId} ${r.openRun.action} first (--on-open-run)`] : []),
              ...(backupId ? [`stored in    ${destination}`] : []),
              ...(paired !== undefined
                ? [`AI sequence  ${paired}: the first AI file a restore of this backup rolls forward`]
                : []),
            ],
            next: `keep the AI files from sequence ${paired ?? '?'} on; to restore: oeflow restore ${backupId ?? '<backup-id>'} --into <empty dir> --ai <archived AI files>`,
          }),
          ...r.warnings.map((w) => `warning: ${w}`),
        ].join('\n'),
      );
      outcome.exitCode = exitCodeFor(result);
    } finally {
      store.close();
    }
  };

  withBackupOptions(backup.command('offline <db>'))
    .description('OFFLINE-1..7: shut down, truncate BI, switch AI, copy + verify, mark backed up, restart')
    .option('--jobs-check <cmd>', 'site command that exits 0 when no scheduled job is running (OFFLINE-3)')
    .option('--no-restart', 'leave the database shut down after the copy (OFFLINE-7 skipped)')
    .option('--proserve-args <args>', 'parameters for proserve at OFFLINE-7')
    .option('--plan', 'print the commands and preconditions, change nothing')
    .action(async (db: string, o: BackupOpts, command: Command) => run(command, 'offline-backup', db, o));

  withBackupOptions(backup.command('online <db>'))
    .description(
      'ONLINE-1..4: quiet point (forces an AI switch), snapshot and/or copy + verify, disable the quiet point',
    )
    .option('--snapshot-cmd <cmd>', 'split-mirror / LVM / ZFS / SAN snapshot command run during the quiet point')
    .option('--max-quiet <duration>', 'longest the quiet point may be held (default 5m)')
    .addOption(
      new Option(
        '--copy-method <method>',
        'auto (default): clone the files under the quiet point when their file system can (XFS reflink, btrfs), else copy; clone: refuse (OEF-307) where it cannot; copy: always copy',
      ).choices(COPY_METHODS),
    )
    .option(
      '--staging-dir <dir>',
      "where clones are staged: on the database's file system, outside its directory (default: .oeflow-staging beside the database directory)",
    )
    .option('--plan', 'print the commands and preconditions, change nothing')
    .action(async (db: string, o: BackupOpts, command: Command) => run(command, 'online-backup', db, o));
}

/** The options both backup procedures take: utility parameters, destination, open-run policy, notify. */
function withBackupOptions(command: Command): Command {
  return withUtilityParamOptions(command)
    .option('--to <dir>', 'destination directory of the copy (new or empty)')
    .option(
      '--repo <dir>',
      'backup repository: the copy goes to <repo>/<db name>/<backup-id>/ (default: `repo` in the configuration)',
    )
    .addOption(
      new Option(
        '--on-open-run <policy>',
        'when the database has an open run: fail (default), resume it instead, or abandon it if safe',
      ).choices(ON_OPEN_RUN),
    )
    .option('--notify <cmd>', 'command run with the result as JSON on stdin when the run ends');
}

// A stale on-disk .st does not fail the backup (the copy follows prostrct list), but is said.
function structureWarnings(facts: FactsByStep): string[] {
  const clone = fact(facts, 'prepareCopy', 'warning');
  return [
    ...new Set(
      (['snapshot', 'copyFiles', 'transferClone'] as const).flatMap((step) => {
        const warning = fact(facts, step, 'structure');
        return warning !== undefined ? [warning] : [];
      }),
    ),
    ...(clone !== undefined ? [clone] : []),
  ];
}
