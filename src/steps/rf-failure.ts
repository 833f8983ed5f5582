// How a roll forward that exited with an error is reported: which code, and the exact next
// action. A file cut short (9333) is the one error exit that retry is made for: rfutil
// applied what the file held, left the target partially rolled forward (DBROLL_PARTIAL) and
// kept its AI sequence "so if the user happens to find the correct, full ai file they can
// retry" (docs/openedge.md §4). A transaction table mismatch (4554) after a failed `-i` roll
// forward allows no retry at all (OEF-214). Every other error exit halts for an operator (OEF-053).
import { Msg } from '../openedge/messages.js';
import type { ToolResult } from '../openedge/types.js';
import { failure } from './step.js';
import type { StepFailure } from './step.js';

/** The failure to halt with after `roll forward [retry]` of `file` exited non-zero. */
export function rollForwardFailure(o: {
  runId: string;
  file: string;
  retry: boolean;
  result: ToolResult;
  summary: string;
}): StepFailure {
  const what = `roll forward${o.retry ? ' retry' : ''} of ${o.file}`;
  const incomplete = o.result.messages.find((m) => m.number === Msg.incompleteAiFile);
  if (incomplete !== undefined) {
    return failure(
      'rf-error',
      'OEF-216',
      `${what} stopped: the AI file is incomplete (${incomplete.text} (9333)); the target is partially rolled forward and its AI sequence did not advance`,
      `Put the complete copy of this AI file at the same path (${o.file}), then run \`oeflow resume ${o.runId} --retry\`: roll forward retry continues on the same file.`,
    );
  }
  // a roll forward with -i (no integrity) failed on this target before: its transaction table
  // matches no AI file any more, so neither retry nor the next file can go on (KB P61656)
  const mismatch = o.result.messages.find((m) => m.number === Msg.transactionTableMismatch);
  if (mismatch !== undefined) {
    return failure(
      'rf-error',
      'OEF-214',
      `${what} refused: ${mismatch.text} (4554): an earlier roll forward with -i (no integrity) failed or was killed on this target, so it cannot be recovered, retried or rolled further`,
      'Restore the copy again (oeflow restore <backup-id> --into <new dir>) and roll forward without -i.',
    );
  }
  const numbers = o.result.messages.map((m) => m.number);
  return failure(
    'rf-error',
    'OEF-053',
    `${what} failed (${numbers.join(', ') || `exit ${o.result.exitCode ?? o.result.signal}`}): ${o.summary}`,
  );
}
