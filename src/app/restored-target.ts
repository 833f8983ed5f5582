// Whether ROLL FORWARD OPLOCK still protects a restored target (docs/openedge.md §4.41), from a
// roll-forward run's facts: read by restore, resume, show and the drill, so it imports no more
// than the facts' reader (`show` starts fast).
import { fact, type FactsByStep } from '../steps/step-facts.js';

/**
 * With --oplock: whether the restored target is still protected after the last AI file (a
 * transaction open at the end of it keeps the protection: docs/openedge.md §4.41), from the
 * last roll forward or retry that ran; undefined without --oplock or before any file.
 */
export function targetLeftProtected(facts: FactsByStep): boolean | undefined {
  const plain = fact(facts, 'rollForward', 'index');
  const retry = fact(facts, 'rollForwardRetry', 'index');
  // a retry runs after the roll forward of the same file: on a tie it is the later one
  const last = retry !== undefined && (plain === undefined || retry >= plain) ? 'rollForwardRetry' : 'rollForward';
  return fact(facts, last, 'targetProtected');
}

/** The `targetProtected` member of a command's result: present only after a restore with --oplock. */
export function targetProtectedFigure(facts: FactsByStep): { targetProtected?: boolean } {
  const targetProtected = targetLeftProtected(facts);
  return targetProtected === undefined ? {} : { targetProtected };
}
