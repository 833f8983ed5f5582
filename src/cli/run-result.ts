// Turns a run outcome into the CLI result (`--json` fields runId, status, …) and its exit code,
// and renders it for people: what ran on which database, how it ended (at which step, in plain
// words beside the article id), size, duration, quiet-point time, and the next step. The
// reason and next action of a run that did not complete go to stderr (renderRunProblem), so
// cron's `>/dev/null` keeps them.
import type { RunOutcome } from '../engine/run-driver.js';
import { ExitCode, errorCodes } from '../errors.js';
import { formatBytes } from '../copy/progress.js';
import { fact } from '../steps/step-facts.js';
import { concreteHint } from './concrete-hint.js';
import { formatDuration } from './duration.js';
import { procedureName, stepTitle } from './progress.js';
import type { StepRef } from './step-tracker.js';
import { emitResult, type CliIO, type GlobalOptions } from './io.js';
import type { CommandOutcome } from './program.js';

export interface RunResult {
  runId: string;
  status: string;
  state: string;
  resumable: boolean;
  backupId?: string;
  error?: { code: string; message: string; hint: string };
  facts?: Record<string, unknown>;
  // added for people (text) and scripts alike
  /** The procedure (machine id) and the database it ran on. */
  procedure?: string;
  db?: string;
  /** The step the run failed in, or was stopped in (aborted, needs-decision). */
  step?: StepRef;
  durationMs?: number;
  /** Bytes and files copied (backup) or restored (restore). */
  bytes?: number;
  files?: number;
  quietWindowMs?: number;
  copyMethod?: string;
}

/** Exit code for a settled run: 0 completed, else the failure's code's exit code. */
export function exitCodeFor(o: RunOutcome): number {
  switch (o.status) {
    case 'completed':
      return ExitCode.ok;
    case 'aborted':
      return ExitCode.aborted;
    case 'needs-decision':
      return ExitCode.needsDecision;
    case 'running':
      return ExitCode.ok;
    case 'failed': {
      const entry = o.failure ? errorCodes[o.failure.code] : undefined;
      return entry?.exitCode ?? ExitCode.failed;
    }
  }
}

/** What the copy step learned: bytes and files (offline/online copy, clone transfer, restore). */
function copied(facts: Record<string, unknown>): { bytes?: number; files?: number } {
  for (const step of ['transferClone', 'copyFiles', 'restoreCopy'] as const) {
    const bytes = fact(facts, step, 'bytesCopied');
    const files = fact(facts, step, 'files');
    if (bytes !== undefined) return { bytes, ...(files !== undefined ? { files } : {}) };
  }
  return {};
}

export interface RunContext {
  backupId?: string | undefined;
  procedure?: string | undefined;
  db?: string | undefined;
  step?: StepRef | undefined;
  durationMs?: number | undefined;
}

/** The plain result object a run command prints. */
export function runResult(o: RunOutcome, extra: RunContext = {}): RunResult {
  const code = o.failure?.code;
  const hint = o.failure ? (o.failure.hint ?? (code && errorCodes[code] ? errorCodes[code].hint : '')) : '';
  const { backupId, procedure, db, step, durationMs } = extra;
  return {
    runId: o.runId,
    status: o.status,
    state: o.state,
    resumable: o.resumable,
    ...(backupId ? { backupId } : {}),
    ...(o.failure
      ? {
          error: {
            code: o.failure.code,
            message: o.failure.message,
            hint: concreteHint(hint, { runId: o.runId, db, backupId }),
          },
        }
      : {}),
    facts: o.facts,
    ...(procedure ? { procedure } : {}),
    ...(db ? { db } : {}),
    ...(step && o.status !== 'completed' ? { step } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...copied(o.facts),
  };
}

const VERDICT: Readonly<Record<string, string>> = {
  completed: 'COMPLETED',
  failed: 'FAILED',
  aborted: 'ABORTED',
  'needs-decision': 'NEEDS DECISION',
  running: 'STOPPED',
};

/** "Switch to a new AI extent (rfutil -C aimage new) (OFFLINE-4)". */
export function stepPhrase(s: StepRef): string {
  return `${stepTitle(s)} (${s.kb})`;
}

/** The first line: what ran where, how it ended, and at which step. */
function headline(r: RunResult): string {
  const what = r.procedure ? `${procedureName(r.procedure)}${r.db ? ` of ${r.db}` : ''}` : `run ${r.runId}`;
  const where =
    r.step && r.status !== 'completed' ? ` ${r.status === 'failed' ? 'at' : 'during'} ${stepPhrase(r.step)}` : '';
  const took =
    r.durationMs !== undefined ? ` ${r.status === 'completed' ? 'in' : 'after'} ${formatDuration(r.durationMs)}` : '';
  return `${what}: ${VERDICT[r.status] ?? r.status.toUpperCase()}${where}${took}${r.procedure ? ` (run ${r.runId})` : ''}`;
}

/** Human rendering of a run result (stdout): headline, figures, the next step of a completed run. */
export function renderRun(r: RunResult, more: { lines?: string[]; next?: string } = {}): string {
  const row = (label: string, value: string) => `  ${label.padEnd(12)} ${value}`;
  const lines = [headline(r)];
  if (r.backupId) lines.push(row('backup', r.backupId));
  if (r.bytes !== undefined)
    lines.push(row('size', `${formatBytes(r.bytes)}${r.files !== undefined ? `, ${r.files} files` : ''}`));
  if (r.durationMs !== undefined) lines.push(row('duration', formatDuration(r.durationMs)));
  if (r.quietWindowMs !== undefined)
    lines.push(
      row(
        'quiet point',
        `held ${formatDuration(r.quietWindowMs)}${r.copyMethod ? ` (copy method: ${r.copyMethod})` : ''}`,
      ),
    );
  else if (r.copyMethod) lines.push(row('copy method', r.copyMethod));
  lines.push(...(more.lines ?? []).map((l) => `  ${l}`));
  if (r.status === 'completed' && more.next) lines.push(`next: ${more.next}`);
  return lines.join('\n');
}

/** The reason and the next action of a run that did not complete (stderr), or null when it completed. */
export function renderRunProblem(r: RunResult): string | null {
  if (r.status === 'completed' || r.status === 'running') return null;
  const lines = [
    `oeflow: run ${r.runId} ${VERDICT[r.status] ?? r.status}${r.step ? ` ${r.status === 'failed' ? 'at' : 'during'} ${stepPhrase(r.step)}` : ''}${r.error ? `: ${r.error.code} ${r.error.message}` : ''}`,
  ];
  if (r.error?.hint) lines.push(`  next: ${r.error.hint}`);
  // a run waiting for a decision resumes only after `oeflow resolve` has recorded it
  if (r.status === 'needs-decision')
    lines.push(
      `  decide with: oeflow resolve ${r.runId} --as done|not-done --reason "…"`,
      `  then resume with: oeflow resume ${r.runId}`,
    );
  else if (r.status === 'aborted' || (r.status === 'failed' && r.resumable))
    lines.push(`  resume with: oeflow resume ${r.runId}`);
  return lines.join('\n');
}

/** Print a run's result: stdout as emitResult does, and (without --json) the reason and next action of a run that did not complete on stderr, even with --quiet. */
export function emitRun<T extends RunResult>(
  io: CliIO,
  opts: GlobalOptions,
  outcome: CommandOutcome,
  result: T,
  human: (r: T) => string,
): void {
  if (result.error) outcome.failure = { code: result.error.code, message: result.error.message }; // the log's last line names it
  emitResult(io, opts, result, human);
  if (opts.json) return;
  const problem = renderRunProblem(result);
  if (problem) io.err(`${problem}\n`);
}
