// Which utility calls change the database (as opposed to read-only probes): exactly the shapes
// the steps declare (Step.effects). The plan lists them, the step actor journals their pids, and
// the audit requires an intent before them, so a new step's command is all three by declaring it.
import { steps } from './index.js';
import { namesCall } from '../openedge/argv.js';

// `sh` is the operator's own command (--snapshot-cmd): journaled as a site command, not a utility call
const utilityShapes = Object.values(steps)
  .flatMap((step) => step.effects ?? [])
  .filter((shape) => shape.utility !== 'sh');

/** True for a state-changing call, given as argv with the utility first. */
export function isEffectCommand(cmd: readonly string[]): boolean {
  const [utility, ...args] = cmd;
  return utilityShapes.some((shape) => shape.utility === utility && namesCall(args, shape.words));
}
