// The outcome verdict of a run (what happened to the database work), kept apart from the
// integrity verdict (whether the journal is proven): a failed backup can be perfectly
// proven, and an auditor must read both. Derived from the journal only, so a verified
// journal gives a verified outcome.
import type { AnyStateMachine } from 'xstate';
import type { JournalEntry } from '../store/index.js';
import { stateMetaOf } from '../../machines/state-meta.js';
import { stateName } from '../engine/run-status.js';

export type OutcomeVerdict = 'COMPLETED' | 'FAILED' | 'ABORTED' | 'NEEDS DECISION' | 'OPEN';

/** A state of the machine as an auditor reads it: article step, state name, plain words. */
export interface StepName {
  state: string;
  kb: string;
  title: string;
}

export interface Outcome {
  verdict: OutcomeVerdict;
  /** The step the run failed in (FAILED only, when the journal names it). */
  failedAt?: StepName;
  /** OEF code and message of the failure (FAILED/ABORTED). */
  code?: string;
  message?: string;
  /** One line: "FAILED at OFFLINE-5 (copyFiles): OEF-050 …". */
  summary: string;
}

interface Failure {
  code?: string | null;
  message?: string | null;
}

/** The states of one definition by dotted name (what stepNames reads from a machine). */
export type StateNames = ReadonlyMap<string, StepName>;

/** Article step, state name and description of every state of the machine, by dotted name. */
export function stepNames(machine: AnyStateMachine): Map<string, StepName> {
  const out = new Map<string, StepName>();
  const walk = (node: AnyStateMachine['root'], path: string[]): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const name = [...path, key].join('.');
      out.set(name, {
        state: name,
        kb: stateMetaOf(child).kb ?? '',
        title: child.description ?? key,
      });
      walk(child, [...path, key]);
    }
  };
  walk(machine.root, []);
  return out;
}

/** "OFFLINE-5 (copyFiles)": article id first, the state name beside it. */
export function stepLabel(s: StepName): string {
  return s.kb ? `${s.kb} (${s.state})` : s.state;
}

/** The state a step error left: the source of the last `xstate.error.actor.*` transition (an in-doubt attempt is no failure). */
function failedState(rows: readonly JournalEntry[]): string | undefined {
  let from: unknown;
  for (const r of rows)
    if (r.kind === 'transition' && /^xstate\.error\.actor\./.test(r.data.event.type) && r.data.errorKind !== 'in-doubt')
      from = r.data.from;
  return from === undefined ? undefined : stateName(from);
}

/** The outcome the journal records: the last run-ended (or abandon), unless a resume reopened the run since. */
export function runOutcome(names: StateNames, rows: readonly JournalEntry[]): Outcome {
  let ended: { status: string; failure?: Failure } | undefined;
  for (const row of rows) {
    if (row.kind === 'run-ended' && row.data.status)
      ended = { status: row.data.status, ...(row.data.failure ? { failure: row.data.failure } : {}) };
    else if (row.kind === 'decision' && row.data.abandoned)
      ended = {
        status: 'failed',
        failure: { code: 'OEF-052', message: `abandoned by ${row.data.operator ?? '?'}: ${row.data.reason ?? ''}` },
      };
    else if (
      (row.kind === 'note' && row.data.resumedBy !== null) ||
      (row.kind === 'decision' && !row.data.abandoned && row.data.outcome?.startsWith('decided-') === true)
    )
      ended = undefined;
  }
  if (ended === undefined)
    return {
      verdict: 'OPEN',
      summary: 'OPEN (the run has not ended: it is running, or was interrupted and can resume)',
    };
  const code = ended.failure?.code;
  const message = ended.failure?.message;
  const because = code || message ? `: ${[code, message].filter(Boolean).join(' ')}` : '';
  switch (ended.status) {
    case 'completed':
      return { verdict: 'COMPLETED', summary: 'COMPLETED' };
    case 'aborted':
      return {
        verdict: 'ABORTED',
        ...(code ? { code } : {}),
        ...(message ? { message } : {}),
        summary: `ABORTED${because}`,
      };
    case 'needs-decision':
      return {
        verdict: 'NEEDS DECISION',
        ...(code ? { code } : {}),
        ...(message ? { message } : {}),
        summary: `NEEDS DECISION${because}`,
      };
    default: {
      const state = failedState(rows);
      const failedAt = state === undefined ? undefined : (names.get(state) ?? { state, kb: '', title: state });
      return {
        verdict: 'FAILED',
        ...(failedAt ? { failedAt } : {}),
        ...(code ? { code } : {}),
        ...(message ? { message } : {}),
        summary: `FAILED${failedAt ? ` at ${stepLabel(failedAt)}` : ''}${because}`,
      };
    }
  }
}
