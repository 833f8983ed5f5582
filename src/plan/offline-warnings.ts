// What an offline backup will do that the operator may not mean: restart production without
// its parameters (no -S port: remote clients cannot connect), or skip the article's OFFLINE-3
// check for scheduled jobs. Said in the plan and in the run's result; never silently.
import type { ProcedureInput } from '../../machines/contract.js';

/** Warnings for an offline backup's input (none for other procedures). */
export function offlineWarnings(input: ProcedureInput): string[] {
  if (input.procedure !== 'offline-backup') return [];
  const warnings: string[] = [];
  if (input.restart !== false && (input.proserveArgs ?? []).length === 0) {
    warnings.push(
      `OFFLINE-7 restarts the database with \`proserve ${input.db}\` and no parameters (no -S port, no -pf): pass --proserve-args with the ones it runs with (e.g. "-pf ${input.db}.pf"), or --no-restart`,
    );
  }
  if (input.jobsCheck === undefined)
    warnings.push('OFFLINE-3: no --jobs-check command, so scheduled jobs are not checked before the shutdown');
  return warnings;
}
