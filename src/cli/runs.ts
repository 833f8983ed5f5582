// `oeflow runs | show | resume | resolve | backups`: inspect and continue runs.
// The engine, the machines (xstate), the audit and the diagrams are imported by the actions
// that need them, so `runs` and `show` load none of them (bench/README.md, cli-start).
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { isInterrupted } from '../engine/run-activity.js';
import { stateName } from '../engine/run-status.js';
import type { CheckpointVerification } from '../audit/checkpoint.js';
import { errorCodes, OeflowError } from '../errors.js';
import { backupBytes, inputOeflowVersion, snapshotFacts, type Store } from '../store/index.js';
import type { AppliedAiFile } from '../audit/ai-files-applied.js';
import { dlcFor, storeFor, withSignals } from './context.js';
import { dbArgument } from './db-argument.js';
import { emitResult, globalOptions, type CliIO, type GlobalOptions } from './io.js';
import type { CommandOutcome } from './program.js';
import { progressReporter } from './progress.js';
import { emitRun, exitCodeFor, renderRun, runResult } from './run-result.js';
import { journalLogProblem } from './command-log.js';
import { trackSteps } from './step-tracker.js';
import { backupFigures, renderFigures } from './backup-figures.js';
import { restoreNextStep } from './restore-next-step.js';
import { targetProtectedFigure } from '../app/restored-target.js';
import { writeOutputFile } from './output-file.js';
import { table } from './table.js';
import { localTime } from './local-time.js';
import { formatDuration } from './duration.js';
import { formatBytes } from '../copy/progress.js';
import { procedureName, stepTitle } from './progress.js';
import { notifySettingFor } from './db-setting.js';
import { paramsDbOfRun, utilityParamsFor, withUtilityParamOptions } from './utility-params.js';
import { fact } from '../steps/step-facts.js';

/** The machine's chart in the format the file extension names, with the run's visited states and current state highlighted. */
async function runDiagram(store: Store, runId: string, file: string): Promise<string> {
  const [{ collectEvidence }, { toDot }, { toMermaid }, { toSvg }] = await Promise.all([
    import('../audit/evidence.js'),
    import('../diagram/dot.js'),
    import('../diagram/mermaid.js'),
    import('../diagram/svg.js'),
  ]);
  const { machine, highlight } = collectEvidence(store, runId);
  if (file.endsWith('.mmd')) return toMermaid(machine, { highlight });
  if (file.endsWith('.dot')) return toDot(machine, { highlight });
  if (file.endsWith('.svg')) return toSvg(machine, { highlight });
  throw new OeflowError('OEF-001', `--diagram ${file}: use a .svg, .mmd or .dot file name`);
}

/** OEF-331 when a checkpoint does not prove the store's history; undefined when all do. */
function storeNotProven(
  stored: readonly CheckpointVerification[],
): { code: 'OEF-331'; message: string; hint: string } | undefined {
  const failed = stored.filter((c) => !c.ok);
  if (failed.length === 0) return undefined;
  return {
    code: 'OEF-331',
    message: `the store's history is not proven against ${failed.map((c) => c.file).join(', ')}: ${failed.flatMap((c) => c.problems).join('; ')}`,
    hint: errorCodes['OEF-331'].hint,
  };
}

function checkpointLines(c: CheckpointVerification): string[] {
  const sig = c.signature.signed
    ? `signed by ${c.signature.keyId?.slice(0, 16) ?? '?'}… (${c.signature.ok ? 'verifies' : 'does NOT verify'} against ${c.signature.checkedWith === 'public-key' ? 'the key(s) you passed' : 'the keys the store records'})`
    : 'unsigned';
  return [
    `  ${c.ok ? '✔' : '✖'} checkpoint ${c.file} (${c.at}, ${c.size} log entries, ${c.runsCovered} runs, ${sig})${c.ok ? ': nothing recorded before it was removed, cut or rewritten' : ''}`,
    ...c.problems.map((p) => `      ${p}`),
  ];
}

/** Final states: "failed in failed" says nothing a reader needs. */
const FINAL_STATES = new Set(['completed', 'failed', 'aborted']);

/**
 * Names a run's step in plain words beside its article id ("Switch to a new AI extent … (OFFLINE-4)"):
 * the step `stepKey` names, else the one the run stopped at (the failed one, not the restart
 * after it; else the last one: interrupted, aborted, in doubt).
 */
async function stepNamer(store: Store): Promise<(runId: string, stepKey?: string) => string | undefined> {
  const { steps } = await import('../steps/index.js'); // only when needed: `runs` of completed runs stays light
  return (runId, stepKey) => {
    const attempts = store
      .attempts(runId)
      .sort((a, b) => a.intentSeq - b.intentSeq)
      .filter((a) => stepKey === undefined || a.stepKey === stepKey);
    const last = attempts.filter((a) => a.outcome === 'error').at(-1) ?? attempts.at(-1);
    const step = last ? steps[last.stepId] : undefined;
    return last && step ? `${stepTitle({ title: step.title, stepKey: last.stepKey })} (${step.kb})` : undefined;
  };
}

/** The AI files a restore applied, one line each: sequence, file, size and sha256. */
function aiFilesLines(files: readonly AppliedAiFile[]): string[] {
  if (files.length === 0) return [];
  return [
    `  AI files applied (${files.length}):`,
    ...files.map(
      (a) =>
        `    seq ${String(a.aiSeq ?? '?').padEnd(6)} ${a.file}  ${a.bytes ?? '?'} bytes  sha256 ${a.sha256 ?? 'not recorded'}${a.retry ? '  (retry)' : ''}`,
    ),
  ];
}

const withStore = async <T>(opts: GlobalOptions, body: (store: Store) => Promise<T> | T): Promise<T> => {
  const store = storeFor(opts, { existing: true });
  try {
    return await body(store);
  } finally {
    store.close();
  }
};

export function registerRunCommands(program: Command, io: CliIO, outcome: CommandOutcome): void {
  program
    .command('runs')
    .description('List runs (newest first)')
    .option('--db <db>', 'only runs on this database')
    .action(async (o: { db?: string }, command: Command) => {
      const opts = globalOptions(command);
      await withStore(opts, async (store) => {
        const runs = store.listRunSummaries(o.db ? { db: dbArgument(o.db) } : {}).map((r) => ({
          runId: r.runId,
          machineId: r.machineId,
          db: r.db,
          status: r.status,
          interrupted: isInterrupted(store, r),
          state: stateName(r.stateValue),
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
          endedAt: r.endedAt,
        }));
        const stepOf = runs.some((r) => r.status !== 'completed') ? await stepNamer(store) : undefined;
        emitResult(io, opts, { runs }, (x) =>
          x.runs.length === 0
            ? 'no runs'
            : table(
                ['RUN', 'STATUS', 'PROCEDURE', 'STARTED', 'DURATION', 'DATABASE', 'STOPPED AT'],
                x.runs.map((r) => {
                  const live = r.status === 'running' && !r.interrupted;
                  return [
                    r.runId,
                    r.interrupted ? 'interrupted' : r.status,
                    procedureName(r.machineId),
                    localTime(r.createdAt),
                    live ? 'running' : formatDuration(Date.parse(r.endedAt ?? r.updatedAt) - Date.parse(r.createdAt)),
                    r.db,
                    r.status === 'completed' ? '' : (stepOf?.(r.runId) ?? r.state),
                  ];
                }),
              ),
        );
      });
    });

  program
    .command('show <runId>')
    .description('Show a run: status, state and the step timeline with exit codes and messages')
    .option('--diagram <file>', "write the state chart with the run's path highlighted (.svg, .mmd or .dot)")
    .action(async (runId: string, o: { diagram?: string }, command: Command) => {
      const opts = globalOptions(command);
      await withStore(opts, async (store) => {
        const run = store.getRun(runId);
        if (!run) throw new OeflowError('OEF-030', `no run ${runId} in this store`);
        if (o.diagram) await writeOutputFile('--diagram', o.diagram, await runDiagram(store, runId, o.diagram));
        const interrupted = isInterrupted(store, run);
        // no machine loaded: the state names come from the build's definition index (state-names.ts)
        const [{ runEvidence, messageTexts }, { stateNamesFor }] = await Promise.all([
          import('../audit/run-evidence.js'),
          import('../audit/state-names.js'),
        ]);
        const evidence = runEvidence(store, runId, await stateNamesFor(run));
        const result = {
          runId,
          machineId: run.machineId,
          db: run.db,
          status: run.status,
          interrupted,
          ...(interrupted ? { next: `oeflow resume ${runId}` } : {}),
          state: stateName(run.stateValue),
          createdAt: run.createdAt,
          error: run.error,
          input: run.input,
          ...backupFigures(snapshotFacts(run.snapshot)),
          ...targetProtectedFigure(snapshotFacts(run.snapshot)),
          outcome: evidence.outcome,
          events: evidence.events,
          dlcVersion: evidence.facts.dlcVersion,
          aiFilesApplied: evidence.facts.aiFilesApplied,
          timeline: evidence.timeline,
          ...(o.diagram ? { diagram: resolve(o.diagram) } : {}),
        };
        emitResult(io, opts, result, (r) =>
          [
            `run ${r.runId}: ${procedureName(r.machineId)} of ${r.db}, started ${localTime(r.createdAt)}: ${r.interrupted ? 'interrupted (no process drives it)' : r.status}${FINAL_STATES.has(r.state) ? '' : ` in ${r.state}`} — ${r.outcome.summary}`,
            ...(inputOeflowVersion(r.input) !== null ? [`  made by oeflow ${inputOeflowVersion(r.input)}`] : []),
            ...(r.next ? [`next: ${r.next}`] : []),
            ...[renderFigures(r)].filter((l) => l !== null),
            ...(r.targetProtected === true ? [`  target still protected: ${restoreNextStep(r.db, true)}`] : []),
            ...r.events.map((e) => `  ! ${e.at.padEnd(24)} ${e.kind}: ${e.text}`),
            ...(r.dlcVersion !== null ? [`  DLC: ${r.dlcVersion}`] : []),
            ...aiFilesLines(r.aiFilesApplied),
            ...r.timeline.map((t) => {
              const cmds = t.commands
                .map(
                  (c) =>
                    `\n      $ ${c.argv.join(' ')}${c.stdin ? ` [${c.stdin}]` : ''} → ${c.reading} (${c.durationMs} ms)${messageTexts(
                      c,
                    )
                      .map((m) => `\n          ${m}`)
                      .join('')}`,
                )
                .join('');
              const decided = t.decision
                ? `\n      decided ${t.decision.as} by ${t.decision.operator} at ${t.decision.at}: ${t.decision.reason}`
                : '';
              return `  ${(t.startedAt ?? '').padEnd(24)} ${`${t.kb} ${t.stepKey}`.padEnd(32)} #${t.attempt} ${t.outcome.padEnd(20)} ${t.durationMs ?? '?'} ms  ${t.title}${cmds}${decided}`;
            }),
          ].join('\n'),
        );
      });
    });

  program
    .command('verify [runId]')
    .description(
      'Prove a run (hash chain, replay through the definition it ran under, results before transitions, stored record = journal, signatures) and/or the whole store against checkpoints',
    )
    .option(
      '--html <file>',
      'also write the evidence report (verdicts, facts, events, timeline, state chart) as printable HTML',
    )
    .option(
      '--public-key <file...>',
      'Ed25519 public key(s) you trust (the .pub from `oeflow key generate`): every row (and checkpoint) must be signed by one of them',
    )
    .option(
      '--checkpoint <file...>',
      'checkpoint(s) from `oeflow checkpoint`: prove nothing recorded before each was removed, cut or rewritten',
    )
    .action(
      async (
        runId: string | undefined,
        o: { html?: string; publicKey?: string[]; checkpoint?: string[] },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        if (!runId && !o.checkpoint)
          throw new OeflowError('OEF-001', 'name a run id, or --checkpoint <file> to verify the store');
        if (!runId && o.html) throw new OeflowError('OEF-001', "--html writes one run's evidence: name the run id");
        const [
          { collectEvidence },
          { evidenceHtml },
          { notProvenError },
          { loadPublicKey },
          { verificationLines },
          { verifyRun },
        ] = await Promise.all([
          import('../audit/evidence.js'),
          import('../audit/report-html.js'),
          import('../audit/not-proven.js'),
          import('../audit/signing.js'),
          import('../audit/verification-lines.js'),
          import('../audit/verify.js'),
        ]);
        const trusted = o.publicKey?.map(loadPublicKey);
        const { readCheckpoint, verifyCheckpoint } = await import('../audit/checkpoint.js');
        const checkpoints = (o.checkpoint ?? []).map((f) => ({ file: resolve(f), c: readCheckpoint(f) }));
        await withStore(opts, async (store) => {
          const stored = checkpoints.map(({ file, c }) => verifyCheckpoint(store, c, file, trusted));
          const storeError = storeNotProven(stored);
          if (!runId) {
            const proven = storeError === undefined;
            emitResult(
              io,
              opts,
              {
                checkpoints: stored,
                verdict: proven ? 'proven' : 'not-proven',
                integrity: { verdict: proven ? 'PROVEN' : 'NOT PROVEN' },
                ...(storeError ? { error: storeError } : {}),
              },
              (x) =>
                [
                  `store ${store.path}: ${x.integrity.verdict} against ${x.checkpoints.length} checkpoint(s)`,
                  ...x.checkpoints.flatMap(checkpointLines),
                  ...(x.error ? [`${x.error.code} ${x.error.message}`, `  next: ${x.error.hint}`] : []),
                ].join('\n'),
            );
            if (storeError) outcome.exitCode = errorCodes[storeError.code].exitCode;
            return;
          }
          const v = verifyRun(store, runId, trusted);
          const evidence = collectEvidence(store, runId);
          if (o.html) await writeOutputFile('--html', o.html, evidenceHtml(v, evidence));
          const error = notProvenError(v) ?? storeError;
          // the JSON evidence: both verdicts and what the HTML shows about who, where and what (DLC, backup, AI files applied)
          emitResult(
            io,
            opts,
            {
              ...v,
              evidence: evidence.facts,
              ...(o.html ? { report: resolve(o.html) } : {}),
              ...(stored.length ? { checkpoints: stored } : {}),
              ...(error ? { error } : {}),
            },
            (x) =>
              [
                `run ${x.runId}: ${x.headline}`,
                ...verificationLines(x).map(([ok, text]) => `  ${ok ? '✔' : '✖'} ${text}`),
                ...(x.checkpoints ?? []).flatMap(checkpointLines),
                ...x.limits.map((l) => `  note: ${l}`),
                ...(x.report ? [`  report: ${x.report}`] : []),
                ...(x.error ? [`${x.error.code} ${x.error.message}`, `  next: ${x.error.hint}`] : []),
              ].join('\n'),
          );
          if (error) outcome.exitCode = errorCodes[error.code].exitCode;
        });
      },
    );

  withUtilityParamOptions(program.command('resume [runId]'))
    .description('Resume a run from its last committed step; in-doubt steps are reconciled against the database')
    .option('--db <db>', 'resume the open run of this database')
    .option('--retry', 'after a roll forward error exit, run roll forward retry on the same file')
    .action(async (runId: string | undefined, o: { db?: string; retry?: boolean }, command: Command) => {
      const opts = globalOptions(command);
      if (!runId && !o.db) throw new OeflowError('OEF-001', 'name a run id or --db <db>');
      const { resumeRun } = await import('../engine/engine.js');
      const dlc = await dlcFor(opts);
      await withStore(opts, async (store) => {
        const utilityParams = utilityParamsFor(
          command,
          paramsDbOfRun(store, runId ? { runId } : { db: dbArgument(o.db!) }),
        );
        const tracker = trackSteps(progressReporter(io, opts.json || opts.quiet === true, outcome.log));
        const started = Date.now();
        const result = await withSignals((abortSignal) =>
          resumeRun(
            { store, dlc, utilityParams, reporter: tracker.reporter, abortSignal },
            {
              ...(runId ? { runId } : { db: dbArgument(o.db!) }),
              retry: Boolean(o.retry),
            },
          ),
        );
        journalLogProblem(outcome.log, store, result.runId);
        const backupId = fact(result.facts, 'recordBackup', 'backupId');
        const run = store.getRun(result.runId)!;
        const { notifyOutcome } = await import('../app/start-procedure.js');
        await notifyOutcome(notifySettingFor(command, run.db), store, result, { db: run.db, machineId: run.machineId });
        const restored = run.machineId === 'roll-forward' && result.status === 'completed';
        const printed = {
          ...runResult(result, {
            backupId,
            procedure: run.machineId,
            db: run.db,
            step: tracker.failed() ?? tracker.last(),
            durationMs: Date.now() - started,
          }),
          ...backupFigures(result.facts),
          ...targetProtectedFigure(result.facts),
        };
        emitRun(io, opts, outcome, printed, (r) =>
          renderRun(r, {
            next: backupId
              ? `to restore: oeflow restore ${backupId} --into <empty dir> --ai <archived AI files>`
              : restored
                ? restoreNextStep(run.db, r.targetProtected)
                : `oeflow verify ${r.runId} proves the run`,
          }),
        );
        outcome.exitCode = exitCodeFor(result);
      });
    });

  program
    .command('resolve <runId>')
    .description(
      'Record an operator decision for a step in doubt (journaled); it does not resume: `oeflow resume <runId>` then continues the run',
    )
    .requiredOption('--as <verdict>', 'done | not-done')
    .requiredOption('--reason <text>', 'why (kept in the journal)')
    .action(async (runId: string, o: { as: string; reason: string }, command: Command) => {
      const opts = globalOptions(command);
      if (o.as !== 'done' && o.as !== 'not-done')
        throw new OeflowError('OEF-001', `--as must be done or not-done, not ${o.as}`);
      const { findResumable, resolveRun } = await import('../engine/engine.js');
      await withStore(opts, async (store) => {
        findResumable(store, { runId });
        const r = resolveRun(store, {
          runId,
          as: o.as as 'done' | 'not-done',
          reason: o.reason,
          operator: userInfo().username,
        });
        const name = (await stepNamer(store))(runId, r.stepKey) ?? r.stepKey;
        emitResult(
          io,
          opts,
          { ...r, status: 'running', interrupted: true, next: `oeflow resume ${runId}` },
          (x) => `recorded: ${name}, attempt ${x.attempt}, is ${x.decision}\nnext: oeflow resume ${runId}`,
        );
      });
    });

  program
    .command('abandon <runId>')
    .description('Close an open run that will not be resumed (journaled operator decision), so a new run can start')
    .requiredOption('--reason <text>', 'why (kept in the journal)')
    .action(async (runId: string, o: { reason: string }, command: Command) => {
      const opts = globalOptions(command);
      const { abandonRun } = await import('../engine/engine.js');
      await withStore(opts, async (store) => {
        const r = abandonRun(store, { runId, reason: o.reason, operator: userInfo().username });
        const at = (await stepNamer(store))(runId);
        emitResult(
          io,
          opts,
          { ...r, status: 'failed' },
          (x) =>
            `run ${x.runId} abandoned${at ? ` at ${at}` : FINAL_STATES.has(x.state) ? '' : ` in ${x.state}`}${x.warning ? `\nwarning: ${x.warning}` : ''}`,
        );
      });
    });

  program
    .command('backups')
    .description('List the backup catalog')
    .option('--db <db>', 'only backups of this database')
    .action(async (o: { db?: string }, command: Command) => {
      const opts = globalOptions(command);
      await withStore(opts, (store) => {
        const backups = store.listBackups(o.db ? { db: dbArgument(o.db) } : {});
        emitResult(io, opts, { backups }, (x) =>
          x.backups.length === 0
            ? 'no backups'
            : table(
                ['BACKUP', 'KIND', 'TAKEN', 'SIZE', 'DURATION', 'AI SEQ', 'DATABASE', 'DESTINATION'],
                x.backups.map((b) => {
                  const bytes = backupBytes(b.details);
                  return [
                    b.backupId,
                    b.kind,
                    b.completedAt ? localTime(b.completedAt) : 'unfinished',
                    bytes === null ? '?' : formatBytes(bytes),
                    b.completedAt ? formatDuration(Date.parse(b.completedAt) - Date.parse(b.startedAt)) : '?',
                    String(b.pairedAiSeq),
                    b.db,
                    b.expiredAt ? `${b.destination} (expired ${localTime(b.expiredAt)})` : b.destination,
                  ];
                }),
              ),
        );
      });
    });
}

export { renderRun, runResult, exitCodeFor };
