// The AI files a restore rolled forward, as an auditor checks them: file, AI sequence, sha256
// and size of the bytes applied, in the order they were applied. Read from the attempts of
// the roll-forward steps that ended done (ok, reconciled from the log, or declared done by an
// operator), whose facts the step recorded before running the command (src/steps/roll-forward.ts).
import { inputAiFiles, type AttemptOutcome, type DecodedAttempt } from '../store/index.js';
import { attemptFact } from '../steps/step-facts.js';

export interface AppliedAiFile {
  file: string;
  /** AI sequence of the file (the proven chain from the backup's paired sequence); null when not recorded. */
  aiSeq: number | null;
  /** sha256 (hex) and size of the file as it was applied; null for runs of an oeflow that did not record them. */
  sha256: string | null;
  bytes: number | null;
  stepKey: string;
  attempt: number;
  outcome: AttemptOutcome;
  /** Applied by `roll forward retry` (after a crash or an operator's --retry). */
  retry: boolean;
}

const ROLL_FORWARD_STEPS = new Set(['rollForward', 'rollForwardRetry']);
const DONE = new Set<AttemptOutcome>(['ok', 'reconciled-done', 'decided-done']);

/** Every AI file the run rolled forward, in order; [] for runs that are not restores. */
export function aiFilesApplied(attempts: readonly DecodedAttempt[], runInput: unknown): AppliedAiFile[] {
  const planned = inputAiFiles(runInput);
  const out: AppliedAiFile[] = [];
  for (const a of attempts) {
    if (!ROLL_FORWARD_STEPS.has(a.stepId) || a.outcome === null || !DONE.has(a.outcome)) continue;
    // a retry records the same facts as the roll forward it continues
    const recorded = <K extends 'file' | 'index' | 'aiSeq' | 'sha256' | 'bytes'>(key: K) =>
      attemptFact(a.output?.facts, 'rollForward', key) ?? null;
    // the stepKey carries the machine's aiIndex (`rollForward#3`): the planned file when the facts name none (an operator's decision)
    const index = recorded('index') ?? Number(a.stepKey.split('#')[1]);
    out.push({
      file: recorded('file') ?? planned[index] ?? '?',
      aiSeq: recorded('aiSeq'),
      sha256: recorded('sha256'),
      bytes: recorded('bytes'),
      stepKey: a.stepKey,
      attempt: a.attempt,
      outcome: a.outcome,
      retry: a.stepId === 'rollForwardRetry',
    });
  }
  return out;
}
