// When may an operator ask for `roll forward retry` after an error exit? The vendor allows
// retry only after a power or system failure: retry skips the timestamp check and "will ignore
// system errors" (docs/openedge.md §4, KB P39426, KB 000046795). So retry is refused when the failed roll
// forward reported a sequence or timestamp mismatch or a system error, and when the target was
// opened since the roll forward began (its transactions were backed out: only a new restore helps).
import { readFileSync } from 'node:fs';
import { dbPaths } from '../openedge/dlc.js';
import { parseLg } from '../openedge/parse-lg.js';
import { failure, type RunRecord, type StepFailure } from './step.js';

/** 8019 wrong sequence; 831–833 (+11014) wrong file for this database; 1028/1029/4554 system errors while applying. */
export const NO_RETRY_AFTER: readonly number[] = [8019, 831, 832, 833, 1028, 1029, 4554];
/** A session began on the target: 333 multi-user (docs/openedge.md §1); 451 single-user (not in docs/openedge.md: as real .lg files show it, unverified here). */
const SESSION_BEGIN: readonly number[] = [333, 451];

/** Why retry must not run after this failure, or null: from the failed command's messages and the target's log. */
export function unsafeRetryReason(
  failedMessages: readonly number[],
  sessionBeginsSinceRollForward: readonly number[],
): string | null {
  const blocking = failedMessages.filter((n) => NO_RETRY_AFTER.includes(n));
  if (blocking.length > 0)
    return `the roll forward failed with ${blocking.join(', ')}: the file does not belong at this point or the database rejected it, and retry would skip that check`;
  if (sessionBeginsSinceRollForward.length > 0)
    return `the target was opened since the roll forward began (log messages ${[...new Set(sessionBeginsSinceRollForward)].join(', ')}): its transactions were backed out`;
  return null;
}

/**
 * The roll forward steps' answer to `resume --retry` of a run they halted (Step.refuseOperatorRetry):
 * OEF-214 when retry could corrupt the target, null when the operator may retry.
 */
export function refuseUnsafeRetry(record: RunRecord): StepFailure | null {
  const rollForwards = record.attempts.filter((a) => a.stepId === 'rollForward' || a.stepId === 'rollForwardRetry');
  const first = rollForwards[0];
  if (first === undefined) return null;
  const failed = record.commands.filter((c) => c.stepKey === rollForwards.at(-1)?.stepKey).at(-1);
  const numbers = (failed === undefined ? [] : failed.messages).map((m) => m.number);
  const began = Date.parse(first.at ?? '');
  let lg = '';
  try {
    lg = readFileSync(dbPaths(record.db).lgFile, 'utf8');
  } catch {
    // no log: nothing says the target was opened
  }
  const sessions = parseLg(lg)
    .filter((e) => e.epochMs >= began && e.number !== null && SESSION_BEGIN.includes(e.number))
    .map((e) => e.number!);
  const why = unsafeRetryReason(numbers, sessions);
  return why === null
    ? null
    : failure('failed', 'OEF-214', `roll forward retry refused for run ${record.runId}: ${why}`);
}
