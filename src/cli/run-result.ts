// Turns a run outcome into the CLI result (`--json` fields runId, status, …) and its exit code.
import type { RunOutcome } from '../engine/run-driver.js';
import { ExitCode, errorCodes, type ErrorCode } from '../errors.js';

export interface RunResult {
  runId: string;
  status: string;
  state: string;
  resumable: boolean;
  backupId?: string;
  error?: { code: string; message: string; hint: string };
  facts?: Record<string, unknown>;
}

/** Exit code for a settled run: 0 completed, else the failure's code's exit code. */
export function exitCodeFor(o: RunOutcome): number {
  switch (o.status) {
    case 'completed': return ExitCode.ok;
    case 'aborted': return ExitCode.aborted;
    case 'needs-decision': return ExitCode.needsDecision;
    case 'running': return ExitCode.ok;
    case 'failed': {
      const entry = o.failure ? errorCodes[o.failure.code as ErrorCode] : undefined;
      return entry?.exitCode ?? ExitCode.failed;
    }
  }
}

/** The plain result object a run command prints. */
export function runResult(o: RunOutcome, extra: { backupId?: string } = {}): RunResult {
  const code = o.failure?.code as ErrorCode | undefined;
  return {
    runId: o.runId, status: o.status, state: o.state, resumable: o.resumable, ...extra,
    ...(o.failure ? { error: { code: o.failure.code, message: o.failure.message, hint: o.failure.hint ?? (code && errorCodes[code] ? errorCodes[code].hint : '') } } : {}),
    facts: o.facts,
  };
}

/** Human rendering of a run result. */
export function renderRun(r: RunResult): string {
  const lines = [`run ${r.runId}: ${r.status}${r.status !== 'completed' ? ` in ${r.state}` : ''}`];
  if (r.backupId) lines.push(`backup ${r.backupId}`);
  if (r.error) lines.push(`${r.error.code} ${r.error.message}`, `  next: ${r.error.hint}`);
  // a run waiting for a decision resumes only after `oeflow resolve` has recorded it
  if (r.status === 'needs-decision') lines.push(`decide with: oeflow resolve ${r.runId} --as done|not-done --reason "…"`, `then resume with: oeflow resume ${r.runId}`);
  else if (r.status === 'aborted' || (r.status === 'failed' && r.resumable)) lines.push(`resume with: oeflow resume ${r.runId}`);
  return lines.join('\n');
}
