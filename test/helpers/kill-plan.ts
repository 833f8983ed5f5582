// Where the crash tests kill oeflow, derived from the machines (docs/architecture.md §4): every
// step state on a machine's main path is killed while its command runs and again right after it
// returned. The command comes from the step's declaration, so a new step is crash-tested
// without anyone listing it here or in a test.
import type { PathStep } from '../../src/plan/main-path.js';

/** How to stop the process at a step: a hung utility (killed while running) or a crash point. */
export type KillAt =
  | { stepKey: string; hang: string; words: string[] } // OEFLOW_SIM_FAULTS entry; words identify the hung call
  | { stepKey: string; crashAt: 'after-intent' | 'after-command' };

/** A step visit as the kill plan needs it: its memo key and the commands its declaration lists. */
export type KillTarget = Pick<PathStep, 'stepKey' | 'commands'>;

/**
 * The simulator fault that hangs the step's first declared utility call, and the words that find
 * that call in the invocation log; none for a step without one (the operator's own `sh` command
 * is not a simulated utility).
 */
export function hangOf(target: KillTarget): { hang: string; words: string[] } | null {
  const call = target.commands.find((c) => c.utility !== 'sh');
  if (call === undefined) return null;
  return { hang: `${call.utility}:${call.words.join(' ')}:hang`, words: [call.utility, ...call.words] };
}

/** Kill during (its utility hung, or right after the intent for a step without one) and right after, for every step. */
export function killPlan(targets: readonly KillTarget[]): KillAt[] {
  return targets.flatMap((t): KillAt[] => {
    const hang = hangOf(t);
    return [
      hang ? { stepKey: t.stepKey, ...hang } : { stepKey: t.stepKey, crashAt: 'after-intent' },
      { stepKey: t.stepKey, crashAt: 'after-command' },
    ];
  });
}

/** The steps of `path` that a run along `base` does not visit: the branch an option adds (e.g. --snapshot-cmd). */
export function branchOf(path: readonly PathStep[], base: readonly PathStep[]): PathStep[] {
  const visited = new Set(base.map((s) => s.stepKey));
  return path.filter((s) => !visited.has(s.stepKey));
}
