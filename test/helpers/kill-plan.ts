// Where the crash tests kill oeflow, derived from the machines (docs/architecture.md §4): every
// step state on a machine's main path is killed while its command runs and again right after it
// returned. The command comes from the step's declaration, so a new step is crash-tested
// without anyone listing it here or in a test.
import type { PathStep } from '../../src/plan/main-path.js';

/** How to stop the process at a step: a hung utility (killed while running) or a crash point. */
export type KillAt = (
  | { stepKey: string; hang: string; words: string[] } // OEFLOW_SIM_FAULTS entry; words identify the hung call
  | { stepKey: string; crashAt: 'after-intent' | 'after-command' }
) & {
  /** An OEFLOW_SIM_FAULTS entry failing an earlier call, so that the run reaches a state only a failure leads to. */
  fail?: string;
};

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

/**
 * Kills in the states a machine takes only after a step failed (a compensation: disabling the
 * quiet point, restarting the server). Each step of `main` with a utility call is failed in turn,
 * the last first (`pathAfter(stepKey)` walks the machine with that step failing,
 * src/plan/main-path.ts): the latest failure leading to a compensation is the one after which
 * it has the most to undo (a failed shutdown leaves nothing to restart). Every state off the
 * main path that a failure leads to is killed during and after its command, once, with the
 * fault that failed the step before it. A new compensation is covered by adding it to the machine.
 */
export function compensationKills(main: readonly PathStep[], pathAfter: (stepKey: string) => PathStep[]): KillAt[] {
  const covered = new Set(main.map((s) => s.stepKey));
  return [...main].reverse().flatMap((failing) => {
    const call = hangOf(failing);
    if (call === null) return [];
    const fail = call.hang.replace(/:hang$/, ':fail');
    const after = pathAfter(failing.stepKey);
    const fresh = after
      .slice(after.findIndex((s) => s.stepKey === failing.stepKey) + 1)
      .filter((s) => !covered.has(s.stepKey));
    for (const s of fresh) covered.add(s.stepKey);
    return killPlan(fresh).map((k) => ({ ...k, fail }));
  });
}
