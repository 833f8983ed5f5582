// Remembers, from the engine's events, which step a run was in when it stopped: the result then
// says "FAILED at Switch to a new AI extent (OFFLINE-4)", never the machine's final state name.
import type { EngineEvent, Reporter } from '../engine/reporter.js';

export interface StepRef {
  kb: string;
  title: string;
  stepKey: string;
}

export interface StepTracker {
  reporter: Reporter;
  /** The step that failed (last step end with a failure), if any. */
  failed(): StepRef | undefined;
  /** The last step seen (started, ended or reconciled): where an abort or a decision stopped the run. */
  last(): StepRef | undefined;
}

/** Wrap `inner`: every event passes through, and the steps are remembered. */
export function trackSteps(inner: Reporter): StepTracker {
  let failed: StepRef | undefined;
  let last: StepRef | undefined;
  const reporter = (e: EngineEvent) => {
    if (e.type === 'step-start' || e.type === 'step-end' || e.type === 'reconcile') {
      last = { kb: e.kb, title: e.title, stepKey: e.stepKey };
      if (e.type === 'step-end' && e.failure) failed = last;
    }
    inner(e);
  };
  return { reporter, failed: () => failed, last: () => last };
}
