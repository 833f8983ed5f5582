// `oeflow restore <backup-id|dir> --into <dir> --ai <file|dir>...`: prove the AI chain,
// then run the roll-forward procedure (RF-1..5) on a fresh copy.
import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ExitCode, OeflowError } from '../errors.js';
import { dlcFor, storeFor, withSignals } from './context.js';
import { preRunSignal } from './early-signals.js';
import { emitResult, globalOptions, type CliIO } from './io.js';
import type { CommandOutcome } from './program.js';
import { progressReporter } from './progress.js';
import { utilityParamsFor, withUtilityParamOptions } from './utility-params.js';
import { notifySettingFor, oplockFor } from './db-setting.js';
import { fact } from '../steps/step-facts.js';
import { emitRun, exitCodeFor, renderRun, runResult } from './run-result.js';
import { journalLogProblem } from './command-log.js';
import { trackSteps } from './step-tracker.js';
import { restoreNextStep } from './restore-next-step.js';

/** Inside --into, beside the restored database: where compressed AI archives are decompressed. */
export const AI_SCRATCH_DIR = '.oeflow-ai';

interface RestoreOpts {
  into: string;
  ai: string[];
  until?: string;
  plan?: boolean;
  oplock?: boolean;
}

export function registerRestoreCommand(program: Command, io: CliIO, outcome: CommandOutcome): void {
  withUtilityParamOptions(program.command('restore <backup>'))
    .description(
      'RF-1..5: restore an OS copy, repair its structure, sequence, and roll the AI files forward in proven order',
    )
    .requiredOption('--into <dir>', 'directory to restore the database into (empty or new)')
    .requiredOption('--ai <file|dir...>', 'AI files and/or directories of archived AI files')
    .option('--until <time>', 'stop the roll forward at this time (roll forward endtime)')
    .option('--plan', 'prove the AI chain and print the commands, change nothing')
    .option(
      '--oplock',
      'roll forward with OPLOCK: nothing that would run crash recovery (proserve, truncate bi, idxbuild) can open the target between AI files (releases whose rfutil has ROLL FORWARD OPLOCK)',
    )
    .action(async (ref: string, o: RestoreOpts, command: Command) => {
      const opts = globalOptions(command);
      // loaded here, not at start: `--help` and the read-only commands never need them
      const [
        { assertChainProven, decompressedNotes, endtimeZone, planAiChain, toEndtime },
        { startRun },
        { planRestore, renderPlan },
        { chainScanner, restoreInput },
        { findBackup },
      ] = await Promise.all([
        import('../aichain/index.js'),
        import('../engine/engine.js'),
        import('../plan/plan.js'),
        import('../app/restore-from-backup.js'),
        import('../engine/catalog.js'),
      ]);
      const dlc = await dlcFor(opts);
      const store = storeFor(opts);
      try {
        const backup = findBackup(store, ref);
        const into = resolve(o.into);
        // nothing is ever restored over existing files (a resumed restore continues with `oeflow resume`)
        if (existsSync(into) && readdirSync(into).length > 0) {
          throw new OeflowError('OEF-212', `--into ${into} is not empty`, {
            hint: 'Pass an empty or new directory; to continue an interrupted restore, use `oeflow resume --db <target db>`.',
          });
        }
        const targetDb = join(into, basename(backup.db));
        // the copy is the source's: encrypted with its passphrase, in its codepages
        const utilityParams = utilityParamsFor(command, backup.db);
        const scanner = chainScanner(backup, { dlc, params: utilityParams });
        if (o.until !== undefined && o.until.trim() === '')
          throw new OeflowError(
            'OEF-001',
            '--until is empty: give the time to stop the roll forward at, or leave --until out to roll to the end of the chain',
          );
        const endtime = o.until !== undefined ? toEndtime(o.until) : undefined;
        // compressed archives are decompressed into the restore's scratch space beside the target
        // (a plan uses a temporary directory and removes it); both files are hashed and journaled
        const scratch = join(into, AI_SCRATCH_DIR);
        // a chain that does not prove, or an archive that does not decompress, leaves nothing behind
        const intoWasNew = !existsSync(into);
        const undo = async () => {
          await rm(intoWasNew ? into : scratch, { recursive: true, force: true });
        };
        const plan = await planAiChain({
          tools: scanner.tools,
          db: scanner.db,
          inputs: o.ai.map((p) => resolve(p)),
          pairedSeq: backup.pairedAiSeq,
          aiBeginDate: backup.aiBeginDate ?? '',
          ...(endtime ? { until: endtime } : {}),
          cache: store, // a restore after `--plan` (or a second plan) does not scan the files again
          signal: preRunSignal(), // a signal during the scans stops them (early-signals.ts)
          ...(o.plan ? {} : { decompressInto: scratch }),
        }).catch(async (err: unknown) => {
          if (!o.plan) await undo();
          throw err;
        });
        if (!o.plan && !plan.ok) await undo();
        const input = restoreInput(
          backup,
          targetDb,
          plan.files.map((f) => f.path),
          endtime,
          // the section of the backup's database counts too (its argument is a backup, not a database)
          oplockFor(command, backup.db),
        );
        if (o.plan) {
          // the plan decompressed into a temporary directory: show where the run will put each file
          const runPath = (f: { path: string; compressed?: string }) =>
            f.compressed ? join(scratch, basename(f.path)) : f.path;
          const dry = planRestore({ ...input, aiFiles: plan.files.map(runPath) }, plan);
          for (const [i, f] of plan.files.entries()) {
            const cmd = dry.commands.filter((c) => c.kb === 'RF-5')[i];
            if (cmd && f.compressed)
              cmd.note = [`decompressed from ${f.compressed} first`, cmd.note].filter(Boolean).join('; ');
          }
          emitResult(
            io,
            opts,
            {
              ...dry,
              backupId: backup.backupId,
              chainProblems: plan.problems,
              decompressed: plan.decompressed.map(({ file, ...d }) => ({ ...d, file: join(scratch, basename(file)) })),
              ...(endtime ? { endtime, endtimeZone: endtimeZone() } : {}),
            },
            renderPlan,
          );
          outcome.exitCode = dry.ready ? ExitCode.ok : ExitCode.verification;
          return;
        }
        assertChainProven(plan); // nothing destructive starts unless the chain is proven
        const tracker = trackSteps(progressReporter(io, opts.json || opts.quiet === true, outcome.log));
        const started = Date.now();
        const result = await withSignals((abortSignal) =>
          startRun(
            { store, dlc, utilityParams, reporter: tracker.reporter, abortSignal },
            {
              machineId: 'roll-forward',
              kind: 'restore',
              lockDb: targetDb,
              input,
              notes: decompressedNotes(plan.decompressed),
            },
          ),
        );
        journalLogProblem(outcome.log, store, result.runId);
        const durationMs = Date.now() - started;
        const { notifyOutcome } = await import('../app/start-procedure.js');
        const { targetProtectedFigure } = await import('../app/restored-target.js');
        await notifyOutcome(notifySettingFor(command, backup.db), store, result, {
          db: targetDb,
          machineId: 'roll-forward',
        });
        // rfutil says 17923 in the file that holds the endtime; never seen = the AI files end before it
        const located = fact(result.facts, 'rollForward', 'endtimeLocated') === true;
        const warnings =
          endtime && result.status === 'completed' && !located
            ? [
                `--until ${endtime} (${endtimeZone()}) lies after the last AI file: the database is at the end of the AI chain, not at the time asked for`,
              ]
            : [];
        const printed = {
          ...runResult(result, {
            procedure: 'roll-forward',
            db: targetDb,
            step: tracker.failed() ?? tracker.last(),
            durationMs,
          }),
          backupId: backup.backupId,
          targetDb,
          aiFiles: input.aiFiles,
          decompressed: plan.decompressed,
          ...(endtime ? { endtime, endtimeZone: endtimeZone() } : {}),
          ...targetProtectedFigure(result.facts),
          warnings,
        };
        emitRun(io, opts, outcome, printed, (r) =>
          [
            renderRun(r, {
              lines: [
                `AI files     ${r.aiFiles.length} rolled forward${r.endtime ? `, up to ${r.endtime} (${r.endtimeZone ?? ''})` : ''}`,
              ],
              next: restoreNextStep(targetDb, r.targetProtected),
            }),
            ...r.warnings.map((w) => `warning: ${w}`),
          ].join('\n'),
        );
        outcome.exitCode = exitCodeFor(result);
      } finally {
        store.close();
      }
    });
}
