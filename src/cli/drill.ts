// `oeflow drill <db> --scratch <dir>` and `oeflow drill --demo`: a DR rehearsal.
import type { Command } from 'commander';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DrillReport } from '../drill/drill.js';
import type { DrillEvidence } from '../drill/evidence.js';
import { generateSigningKey, loadRowSigner } from '../audit/signing.js';
import { OeflowError, ExitCode } from '../errors.js';
import { openStore } from '../store/index.js';
import { dlcFor, storeFor, storeOptionsFor, withSignals } from './context.js';
import { emitResult, globalOptions, type CliIO } from './io.js';
import { dbArgument } from './db-argument.js';
import type { CommandOutcome } from './program.js';
import { progressReporter } from './progress.js';
import { utilityParamsFor, withUtilityParamOptions } from './utility-params.js';
import type { UtilityParams } from '../openedge/utility-params.js';
import { journalLogProblem } from './command-log.js';
import { notifySettingFor } from './db-setting.js';

interface DrillOpts {
  scratch?: string;
  ai?: string[];
  aiArchive?: string;
  demo?: boolean;
  tx?: string;
  oplock?: boolean;
}

/** Background load of the demo; a named database gets none unless --tx asks for it. */
const DEMO_TX = 3000;

function renderEvidence(e: DrillEvidence): string {
  const one = (x: { verdict: string; authenticated: boolean }) =>
    `${x.verdict.toUpperCase()}${x.authenticated ? ' (authenticated)' : ''}`;
  return [
    `  evidence backup ${one(e.backup)}${e.restore ? `, restore ${one(e.restore)}` : ''}${e.keyId ? ` — rows signed with key ${e.keyId.slice(0, 16)}…` : ' — rows not signed'}`,
    ...(e.report ? [`  report   ${e.report}`] : []),
  ].join('\n');
}

function render(r: DrillReport): string {
  const lines = [
    `drill ${r.status.toUpperCase()} on ${r.db}`,
    `  backup   ${r.backup.runId} ${r.backup.status}${r.backup.backupId ? ` → ${r.backup.backupId}` : ''}`,
  ];
  if (r.restore)
    lines.push(
      `  restore  ${r.restore.runId} ${r.restore.status} → ${r.restore.targetDb} (${r.restore.aiFiles.length} AI files rolled forward${r.restore.targetProtected === undefined ? '' : `, with oplock: ${r.restore.targetProtected ? 'still protected' : 'protection lifted'}`})`,
    );
  if (r.comparison.method === 'digest')
    lines.push(
      `  digest   source ${r.comparison.source?.slice(0, 16)}… restored ${r.comparison.restored?.slice(0, 16)}… ${r.comparison.match ? 'MATCH' : 'DIFFER'}`,
    );
  else if (r.comparison.note) lines.push(`  compare  ${r.comparison.note}`);
  if (r.rtoSeconds !== undefined) lines.push(`  RTO      ${r.rtoSeconds.toFixed(1)} s (restore + roll forward)`);
  if (r.rpoSeconds !== undefined)
    lines.push(`  RPO      ${r.rpoSeconds.toFixed(1)} s (newest AI switch in the restore → end of drill)`);
  if (r.failure) lines.push(`  failure  ${r.failure}`);
  lines.push(`  scratch  ${r.scratch}`);
  return lines.join('\n');
}

function positiveTx(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new OeflowError('OEF-001', `--tx must be a positive integer (got "${text}")`);
  return n;
}

export function registerDrillCommand(program: Command, io: CliIO, outcome: CommandOutcome): void {
  withUtilityParamOptions(program.command('drill [db]'))
    .description(
      'DR rehearsal: online backup → restore into scratch → roll forward archived AI → compare; --demo on a fresh simulated database under load',
    )
    .option('--scratch <dir>', 'scratch directory for the backup, the AI archive and the restored copy')
    .option(
      '--ai <dir...>',
      'directories of archived AI files, read only (on a real installation: this or --ai-archive)',
    )
    .option(
      '--ai-archive <dir>',
      "the database's AI archive directory (default: ai-archive in the configuration); on the simulator the drill archives FULL extents into it, as the site would",
    )
    .option('--demo', 'create a simulated database, serve it, and rehearse on it under load')
    .option('--oplock', "roll forward with OPLOCK, as the site's restores do (oeflow restore --oplock)")
    .option(
      '--tx <n>',
      `simulator only: transactions of background load during the backup (default: none on a named database, ${DEMO_TX} with --demo)`,
    )
    .action(async (dbArg: string | undefined, o: DrillOpts, command: Command) => {
      const opts = globalOptions(command);
      // loaded here, not at start: `--help` and the read-only commands never need them
      const [{ runDrill }, { drillEvidence }, { simJson }, { createTools }] = await Promise.all([
        import('../drill/drill.js'),
        import('../drill/evidence.js'),
        import('../drill/sim-cli.js'),
        import('../openedge/create-tools.js'),
      ]);
      const reporter = progressReporter(io, opts.json || opts.quiet === true, outcome.log);
      if (!o.demo && (!dbArg || !o.scratch))
        throw new OeflowError('OEF-001', 'name a database and --scratch <dir>, or use --demo');
      const scratch = o.scratch ? resolve(o.scratch) : await mkdtemp(join(tmpdir(), 'oeflow-drill-'));
      let db: string;
      let dlc: string;
      let utilityParams: UtilityParams = {};
      // the demo database lives in the scratch directory, so its archive may too
      let aiArchive = o.aiArchive ? resolve(o.aiArchive) : undefined;
      if (o.demo) {
        aiArchive ??= join(scratch, 'ai-archive');
        reporter({ type: 'notice', runId: 'drill', message: `creating a simulated database in ${scratch}/sim` });
        const made = await simJson<{ dlc: string; db: string }>([
          'init',
          join(scratch, 'sim'),
          '--name',
          'sports',
          '--ai-extents',
          '8',
          '--serve',
        ]);
        ({ db, dlc } = made);
      } else {
        db = dbArgument(dbArg!);
        utilityParams = utilityParamsFor(command, db);
        dlc = await dlcFor(opts);
      }
      // the demo signs its journal with a key of its own (unless one is configured), to show
      // the whole proof: signed rows, verified against the public key
      let storeOptions = storeOptionsFor(opts);
      if (o.demo && storeOptions.signer === undefined) {
        const key = generateSigningKey(join(scratch, 'oeflow-demo.key'));
        storeOptions = { signer: loadRowSigner(key.privateKeyPath) };
      }
      const store =
        o.demo && !opts.state && !process.env.OEFLOW_STATE
          ? openStore(join(scratch, 'oeflow.db'), storeOptions)
          : storeFor(opts, { storeOptions }); // the demo's own key signs there too
      const { notify } = await import('../app/notify.js');
      const hook = notifySettingFor(command, db);
      try {
        let report: DrillReport;
        try {
          report = await withSignals((abortSignal) =>
            runDrill({
              store,
              dlc,
              db,
              scratch,
              reporter,
              abortSignal,
              utilityParams,
              ...(o.ai ? { aiDirs: o.ai.map((d) => resolve(d)) } : {}),
              ...(aiArchive ? { aiArchive } : {}),
              ...(o.oplock === true ? { oplock: true } : {}),
              ...(o.tx !== undefined || o.demo ? { loadTx: positiveTx(o.tx ?? String(DEMO_TX)) } : {}),
            }),
          );
        } catch (err) {
          // a drill that could not even finish (e.g. the AI chain is not provable) is a failure the hook hears of
          if (err instanceof OeflowError)
            await notify(hook, {
              event: 'failed',
              kind: 'drill',
              db,
              status: 'failed',
              error: { code: err.code, message: err.message, hint: err.hint },
            });
          throw err;
        }
        const evidence = await drillEvidence(
          store,
          { backup: report.backup.runId, ...(report.restore ? { restore: report.restore.runId } : {}) },
          scratch,
          storeOptions.signer,
        );
        const runId = report.restore?.runId ?? report.backup.runId; // the restore run carries the drill's evidence in its journal
        journalLogProblem(outcome.log, store, runId);
        const aborted = report.backup.status === 'aborted' || report.restore?.status === 'aborted';
        const undecided = report.backup.status === 'needs-decision' || report.restore?.status === 'needs-decision';
        const proven = evidence.backup.verdict === 'proven' && evidence.restore?.verdict !== 'not-proven';
        const passed = report.status === 'passed' && proven;
        await notify(
          hook,
          {
            event: passed ? 'completed' : aborted ? 'aborted' : undecided ? 'needs-decision' : 'failed',
            kind: 'drill',
            runId,
            db,
            status: passed ? 'passed' : 'failed',
            ...(report.backup.backupId ? { backupId: report.backup.backupId } : {}),
            rtoSeconds: report.rtoSeconds ?? null,
            rpoSeconds: report.rpoSeconds ?? null,
            evidence: {
              backup: evidence.backup.verdict,
              ...(evidence.restore ? { restore: evidence.restore.verdict } : {}),
            },
            ...(passed
              ? {}
              : {
                  failure:
                    report.failure ??
                    (proven
                      ? 'the restored data differs from the source'
                      : 'a run of the drill is not proven (oeflow verify)'),
                }),
          },
          store,
          runId,
        );
        emitResult(io, opts, { runId, ...report, evidence, store: store.path }, (r) =>
          [render(r), renderEvidence(r.evidence)].join('\n'),
        );
        if (!passed && !opts.json)
          io.err(
            `oeflow: drill FAILED on ${db}${report.failure ? `: ${report.failure}` : ''}\n  next: oeflow show ${runId}\n`,
          );
        outcome.exitCode = passed ? ExitCode.ok : aborted ? ExitCode.aborted : ExitCode.verification;
      } finally {
        store.close();
        if (o.demo)
          await createTools({ dlc })
            .proshut(db, 'by')
            .catch(() => undefined);
      }
    });
}
