// The evidence of one run with the definition it ran under: what run-evidence.ts reads from the
// store, plus the machine and the chart overlay (the run's path, where it rests, the failed
// step and its events) that the diagram and the HTML report draw.
import { definitionFor, definitionRegistry, type DefinitionRegistry } from '../../machines/index.js';
import type { Highlight } from '../diagram/model.js';
import { stateName } from '../engine/run-status.js';
import { entriesOf, type JournalEntry, type Store } from '../store/index.js';
import { stepNames, type Outcome } from './outcome.js';
import { runEvidence } from './run-evidence.js';
import type { RunEvent } from './run-events.js';

/** The chart overlay of a run: its path, where it rests, the step that failed it and its events. */
export function runHighlight(
  journal: readonly JournalEntry[],
  outcome: Outcome,
  events: readonly RunEvent[],
): Highlight {
  const path = entriesOf(journal, 'transition').map((r) => stateName(r.data.to));
  return {
    visited: [...new Set(path)],
    ...(path.length ? { current: path[path.length - 1]! } : {}),
    ...(outcome.failedAt ? { failed: outcome.failedAt.state } : {}),
    markers: events
      .filter((e) => e.state !== '')
      .map((e) => ({ state: e.state, kind: e.kind, text: `${e.at}: ${e.text}` })),
  };
}

/** Everything the evidence report and the diagram show about one run. */
export function collectEvidence(store: Store, runId: string, registry: DefinitionRegistry = definitionRegistry) {
  const run = store.getRun(runId)!;
  const machine = definitionFor(registry, run.machineId, run.machineHash)?.machine ?? registry.current[run.machineId]!;
  const journal = store.entries(runId);
  const evidence = runEvidence(store, runId, stepNames(machine), journal);
  return { machine, ...evidence, highlight: runHighlight(journal, evidence.outcome, evidence.events) };
}
