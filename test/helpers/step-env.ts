// A StepEnv for unit tests of one step: no engine, no store; the step's own tools, input and
// facts, and inert hooks for what the engine would journal (site commands, spawns, progress).
import type { ProcedureInput } from '../../machines/contract.js';
import type { QuietGuardControl } from '../../src/engine/quiet-guard-control.js';
import type { OpenEdgeTools } from '../../src/openedge/tools.js';
import type { StepEnv } from '../../src/steps/step.js';

export function fakeStepEnv(o: {
  stepKey: string;
  input: ProcedureInput;
  facts: StepEnv['ctx']['facts'];
  tools?: OpenEdgeTools;
}): StepEnv {
  return {
    runId: 'run-x',
    stepKey: o.stepKey,
    tools: o.tools ?? ({} as OpenEdgeTools),
    signal: new AbortController().signal,
    progress: () => undefined,
    catalog: () => undefined,
    runStartedAt: '2026-12-01T09:00:00.000Z',
    quietGuard: { arm: () => Promise.resolve({ state: 'watching' }), release: () => undefined },
    siteCommandStarted: () => () => undefined,
    markSpawn: () => ({ spawnId: 'test', env: {} }),
    runInput: o.input,
    enteredAt: () => null,
    ctx: { input: o.input, facts: o.facts, aiIndex: 0, rollForwardStarted: false, failure: null },
  };
}

/** The engine's guard control for runs that never ask for a quiet point: arms nothing, always watching. */
export const inertQuietGuardControl: QuietGuardControl = {
  arm: () => undefined,
  started: () => Promise.resolve({ state: 'watching' }),
  release: () => undefined,
  finalizeAndWait: () => Promise.resolve(true),
};
