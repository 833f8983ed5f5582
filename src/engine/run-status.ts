// Maps a machine snapshot to the run status the store and CLI report.
import type { AnyMachineSnapshot } from 'xstate';
import type { StateMeta } from '../../machines/contract.js';
import { decodeStepFailure, type StepFailure } from '../store/journal-entry.js';

export type RunStatus = 'running' | 'completed' | 'failed' | 'aborted' | 'needs-decision';

export interface Settled {
  status: RunStatus;
  /** failed runs that an operator may still continue (roll forward halted on an error exit). */
  resumable: boolean;
  failure: StepFailure | null;
}

/** The status a snapshot settles the run in, or null while the machine keeps working. */
export function settledStatus(snapshot: AnyMachineSnapshot): Settled | null {
  // a failed compensation (quiet point maybe still enabled) is what the operator must see first
  const context: unknown = snapshot.context;
  const original = decodeStepFailure(
    typeof context === 'object' && context !== null && 'failure' in context ? context.failure : null,
  );
  const compensation = decodeStepFailure(
    typeof context === 'object' && context !== null && 'compensationFailure' in context
      ? context.compensationFailure
      : null,
  );
  const failure: StepFailure | null = compensation
    ? {
        ...compensation,
        code: 'OEF-054',
        message: `${compensation.message}${original ? ` (after: ${original.code} ${original.message})` : ''}`,
      }
    : original;
  if (snapshot.status === 'done') {
    const completed = snapshot.matches('completed');
    return { status: completed ? 'completed' : 'failed', resumable: false, failure: completed ? null : failure };
  }
  for (const meta of Object.values(snapshot.getMeta() as Record<string, StateMeta | undefined>)) {
    // an awaiting-decision state (machines/decision-state.ts): why is the in-doubt step's failure
    if (meta?.status === 'needs-decision') {
      const why =
        typeof context === 'object' && context !== null && 'inDoubt' in context
          ? decodeStepFailure(context.inDoubt)
          : null;
      return { status: 'needs-decision', resumable: true, failure: why };
    }
    if (meta?.status === 'aborted') return { status: 'aborted', resumable: true, failure };
    if (meta?.status === 'halted') return { status: 'failed', resumable: true, failure };
  }
  return null;
}

/** Dotted name of the current (leaf) state, e.g. `quiesced.copyFiles`. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const [key, inner] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', ''];
    const rest = stateName(inner);
    return rest === '' ? key : `${key}.${rest}`;
  }
  return '';
}
